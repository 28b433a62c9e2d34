using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Infrastructure.Scheduling;
using OpsConsole.Tests.TestSupport;
using Quartz;

namespace OpsConsole.Tests.Infrastructure.Scheduling;

/// <summary>A pause that arrives after a job's trigger fired, but before the job started, still stops that run.</summary>
public sealed class PausedJobsDoNotStartTests
{
    private const string JobKey = "dispatch.lease-reclaim";
    private static readonly Actor Admin = new("admin", ["admin"]);

    /// <summary>Plays the admin who pauses the job just as its scheduled trigger fires.</summary>
    private sealed class PauseWhenFired(TriggerKey scheduled) : ITriggerListener
    {
        public string Name => "test-pause-when-fired";

        public async ValueTask TriggerFired(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            if (trigger.Key.Equals(scheduled))
            {
                await context.Scheduler.PauseJob(trigger.JobKey, cancellationToken);
            }
        }
    }

    /// <summary>Counts one job's runs and vetoes.</summary>
    private sealed class Outcomes(Quartz.JobKey job) : IJobListener
    {
        public int Started;
        public int Vetoed;
        public string Name => "test-outcomes";

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            if (context.JobDetail.Key.Equals(job))
            {
                Interlocked.Increment(ref Vetoed);
            }
            return ValueTask.CompletedTask;
        }

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            if (context.JobDetail.Key.Equals(job))
            {
                Interlocked.Increment(ref Started);
            }
            return ValueTask.CompletedTask;
        }

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default) =>
            ValueTask.CompletedTask;
    }

    [Fact]
    public async Task AJobPausedAsItsTriggerFires_DoesNotRun_ButRunNowStillRunsIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = new OpsAppFactory();
        var service = app.Services.GetRequiredService<SchedulerService>();
        var definition = service.Definitions.Single(d => d.Key == JobKey);
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(ct);
        await Until.TrueAsync(() => scheduler.ListenerManager.GetTriggerListeners().Any(l => l is PausedJobsDoNotStart), "the console's listeners");

        // The pause must land after the trigger fired and before the veto is asked, as it would from another thread.
        var console = scheduler.ListenerManager.GetTriggerListeners().Single(l => l is PausedJobsDoNotStart);
        scheduler.ListenerManager.RemoveTriggerListener(console.Name);
        scheduler.ListenerManager.AddTriggerListener(new PauseWhenFired(definition.TriggerKey), GroupMatcher<TriggerKey>.AnyGroup());
        scheduler.ListenerManager.AddTriggerListener(console, GroupMatcher<TriggerKey>.AnyGroup());
        var outcomes = new Outcomes(definition.JobKey);
        scheduler.ListenerManager.AddJobListener(outcomes, GroupMatcher<Quartz.JobKey>.AnyGroup());

        (await service.RescheduleAsync(Admin, JobKey, "0/1 * * * * ?", ct)).Succeeded.Should().BeTrue();
        await Until.TrueAsync(() => Volatile.Read(ref outcomes.Vetoed) > 0, "the scheduled run to be vetoed", TimeSpan.FromSeconds(20));
        outcomes.Started.Should().Be(0, "the job was paused before it started");
        (await service.ListAsync(ct)).Single(j => j.Key == JobKey).IsPaused.Should().BeTrue();

        (await service.RunNowAsync(Admin, JobKey, ct)).Succeeded.Should().BeTrue();
        await Until.TrueAsync(() => Volatile.Read(ref outcomes.Started) == 1, "run now to run the paused job", TimeSpan.FromSeconds(20));

        // The vetoed trigger is intact: resumed, the schedule runs the job again.
        scheduler.ListenerManager.RemoveTriggerListener("test-pause-when-fired");
        (await service.SetPausedAsync(Admin, JobKey, paused: false, ct)).Succeeded.Should().BeTrue();
        await Until.TrueAsync(() => Volatile.Read(ref outcomes.Started) >= 2, "the resumed schedule to run the job", TimeSpan.FromSeconds(20));
    }
}
