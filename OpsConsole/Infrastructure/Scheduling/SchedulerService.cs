using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Shared.Scheduling;
using Quartz;

namespace OpsConsole.Infrastructure.Scheduling;

/// <summary>A job as the page and the API show it; <see cref="RunningOn"/> is the instance it runs on now, on any instance's page.</summary>
public sealed record ScheduledJobView(string Key, string Module, string Name, string Description, string Cron, string DefaultCron,
    bool IsPaused, bool IsRunning, DateTime? PreviousFireAt, DateTime? NextFireAt, JobRun? LastRun, string? RunningOn, bool SafeToRepeat);

/// <summary>Lists, runs, pauses and reschedules the registered jobs; schedule changes are stored and applied live.</summary>
public sealed class SchedulerService(
    ISchedulerFactory schedulers,
    IEnumerable<OpsJobDefinition> definitions,
    JobScheduleStore store,
    JobRunHistory history,
    JobRunListener listener,
    SchedulerInstances instances,
    AuditLog audit,
    AccountGate gate,
    TimeProvider time)
{
    private readonly IReadOnlyList<OpsJobDefinition> _definitions = definitions.OrderBy(d => d.Key).ToList();

    public IReadOnlyList<OpsJobDefinition> Definitions => _definitions;

    private static readonly PausedJobsDoNotStart PausedJobs = new();

    /// <summary>Schedules every registered job with its stored cron and paused state (at start).</summary>
    public async Task ScheduleAllAsync(bool useStoredSchedules, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        if (scheduler.ListenerManager.GetJobListener(listener.Name) is null)
        {
            scheduler.ListenerManager.AddJobListener(listener, GroupMatcher<JobKey>.AnyGroup());
        }
        if (scheduler.ListenerManager.GetTriggerListener(PausedJobs.Name) is null)
        {
            scheduler.ListenerManager.AddTriggerListener(PausedJobs, GroupMatcher<TriggerKey>.AnyGroup());
        }
        var stored = useStoredSchedules ? await store.LoadAllAsync(ct) : new Dictionary<string, JobSchedule>();
        foreach (var definition in _definitions)
        {
            var schedule = stored.GetValueOrDefault(definition.Key);
            var cron = schedule is not null && JobScheduleStore.ValidateCron(schedule.Cron) is null ? schedule.Cron : definition.DefaultCron;
            var job = JobBuilder.Create().OfType(definition.JobType).WithIdentity(definition.JobKey).WithDescription(definition.Description)
                .StoreDurably().DisallowConcurrentExecution().RequestRecovery(definition.SafeToRepeat).Build();
            await scheduler.ScheduleJob(job, [BuildTrigger(definition, cron)], new ScheduleJobOptions { Replace = true }, ct);
            if (schedule?.IsPaused == true)
            {
                await scheduler.PauseTrigger(definition.TriggerKey, ct);
            }
        }
    }

    public async Task TriggerAtStartAsync(string name, CancellationToken ct)
    {
        if (_definitions.FirstOrDefault(d => d.Name == name) is { } definition)
        {
            var scheduler = await schedulers.GetScheduler(ct);
            await scheduler.TriggerJob(definition.JobKey, ct);
        }
    }

    /// <summary>
    /// Starts a job now instead of at its next tick (the ETL runners when jobs are queued),
    /// unless an admin has paused it: a wake-up is the schedule's, not a "run now", and is not audited.
    /// </summary>
    public async Task WakeAsync(string module, string name, CancellationToken ct = default)
    {
        if (_definitions.FirstOrDefault(d => d.Module == module && d.Name == name) is not { } definition)
        {
            return;
        }
        var scheduler = await schedulers.GetScheduler(ct);
        if (scheduler.Status == SchedulerStatus.Running && await scheduler.GetTriggerState(definition.TriggerKey, ct) != TriggerState.Paused)
        {
            await scheduler.TriggerJob(definition.JobKey, ct);
        }
    }

    /// <summary>Every job with its last run and the instance it runs on, from the database (every instance's runs).</summary>
    public async Task<IReadOnlyList<ScheduledJobView>> ListAsync(CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var runs = await RunStatesAsync(scheduler, ct);
        var views = new List<ScheduledJobView>();
        foreach (var d in _definitions)
        {
            var trigger = await scheduler.GetTrigger(d.TriggerKey, ct);
            var state = await scheduler.GetTriggerState(d.TriggerKey, ct);
            var run = runs.GetValueOrDefault(d.Key);
            views.Add(new ScheduledJobView(d.Key, d.Module, d.Name, d.Description,
                (trigger as ICronTrigger)?.CronExpressionString ?? d.DefaultCron, d.DefaultCron, state == TriggerState.Paused,
                run?.RunningOn is not null, trigger?.PreviousFireTimeUtc?.UtcDateTime,
                state == TriggerState.Paused ? null : trigger?.NextFireTimeUtc?.UtcDateTime, run?.Last, run?.RunningOn, d.SafeToRepeat));
        }
        return views;
    }

    /// <summary>The instances that run jobs, with their last check-in.</summary>
    public Task<IReadOnlyList<SchedulerInstanceView>> InstancesAsync(CancellationToken ct = default) => instances.ListAsync(ct);

    private async Task<IReadOnlyDictionary<string, JobRunState>> RunStatesAsync(IScheduler scheduler, CancellationToken ct)
    {
        var self = scheduler.SchedulerInstanceId;
        var alive = (await instances.ListAsync(ct)).Where(i => i.IsAlive).Select(i => i.SchedulerInstance).ToHashSet(StringComparer.Ordinal);
        return await history.StatesAsync(id => id == self || alive.Contains(id), ct);
    }

    /// <summary>Starts the job now; refused (409) while it runs on any instance, naming the instance.</summary>
    public async Task<OpsResult<ScheduledJobView>> RunNowAsync(Actor actor, string key, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        if (_definitions.FirstOrDefault(d => d.Key == key) is { } definition
            && (await RunStatesAsync(await schedulers.GetScheduler(ct), ct)).GetValueOrDefault(definition.Key)?.RunningOn is { } runningOn)
        {
            return OpsResult<ScheduledJobView>.Conflict($"{key} is running on {runningOn}; run it again once that run has ended.",
                new Dictionary<string, object?> { ["running_on"] = runningOn });
        }
        return await WithJobAsync(actor, key, async (scheduler, d) =>
        {
            await audit.RecordAsync(actor, OpsModules.Shared, "job.run-now", "Job", d.Key, null, null, ct);
            await scheduler.TriggerJob(d.JobKey, ct);
        }, ct);
    }

    public Task<OpsResult<ScheduledJobView>> SetPausedAsync(Actor actor, string key, bool paused, CancellationToken ct = default) =>
        WithJobAsync(actor, key, async (scheduler, d) =>
        {
            var cron = (await scheduler.GetTrigger(d.TriggerKey, ct) as ICronTrigger)?.CronExpressionString ?? d.DefaultCron;
            await store.SaveAsync(actor, d.Key, cron, s => s.IsPaused = paused, paused ? "job.pause" : "job.resume", ct);
            if (paused)
            {
                await scheduler.PauseTrigger(d.TriggerKey, ct);
            }
            else
            {
                await scheduler.ResumeTrigger(d.TriggerKey, ct);
            }
        }, ct);

    public Task<OpsResult<ScheduledJobView>> RescheduleAsync(Actor actor, string key, string? cron, CancellationToken ct = default)
    {
        if (JobScheduleStore.ValidateCron(cron) is { } error)
        {
            return Task.FromResult(OpsResult<ScheduledJobView>.Invalid("cron", error));
        }
        return WithJobAsync(actor, key, async (scheduler, d) =>
        {
            var trimmed = cron!.Trim();
            var paused = await scheduler.GetTriggerState(d.TriggerKey, ct) == TriggerState.Paused;
            await store.SaveAsync(actor, d.Key, d.DefaultCron, s => s.Cron = trimmed, "job.reschedule", ct);
            await scheduler.RescheduleJob(d.TriggerKey, BuildTrigger(d, trimmed), ct);
            if (paused)
            {
                await scheduler.PauseTrigger(d.TriggerKey, ct);
            }
        }, ct);
    }

    private async Task<OpsResult<ScheduledJobView>> WithJobAsync(Actor actor, string key, Func<IScheduler, OpsJobDefinition, Task> action, CancellationToken ct)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var definition = _definitions.FirstOrDefault(d => d.Key == key);
        if (definition is null)
        {
            return OpsResult<ScheduledJobView>.NotFound($"No scheduled job '{key}'.");
        }
        var scheduler = await schedulers.GetScheduler(ct);
        await action(scheduler, definition);
        var view = (await ListAsync(ct)).First(v => v.Key == key);
        return OpsResult<ScheduledJobView>.Ok(view);
    }

    private ITrigger BuildTrigger(OpsJobDefinition d, string cron) =>
        TriggerBuilder.Create().WithIdentity(d.TriggerKey).ForJob(d.JobKey)
            .WithCronSchedule(cron, c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
            .StartAt(time.GetUtcNow())
            .Build();
}

/// <summary>Schedules the registered jobs once the host starts (after the migrations that hold the stored schedules).</summary>
public sealed class JobScheduling(SchedulerService scheduler, Database.DatabaseStatus database, ILogger<JobScheduling> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!database.Ready)
        {
            logger.LogError("Jobs are scheduled on their default schedules because the database is unavailable.");
        }
        await scheduler.ScheduleAllAsync(useStoredSchedules: database.Ready, cancellationToken);
        // A first look at the upstreams right away, so the dashboard does not say "unknown" for a whole interval.
        await scheduler.TriggerAtStartAsync(Upstreams.UpstreamProbeJob.Name, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
