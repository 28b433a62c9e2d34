using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Scheduling;
using OpsConsole.Infrastructure.Scheduling;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Cluster;

/// <summary>The run history in the database on the embedded default (SQLite, in-memory Quartz, one instance): ADR 0040.</summary>
public sealed class ClusterSchedulerRunsTests
{
    private const string Probe = "shared.upstream-probe";
    private static readonly Actor Admin = new("admin", ["admin"]);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneInstance_RunsAreKeptWithTheInstance_AndTheInstanceIsListed()
    {
        await using var app = new OpsAppFactory(settings: new Dictionary<string, string?> { ["Cluster:InstanceId"] = "solo" });
        var scheduler = app.Services.GetRequiredService<SchedulerService>();
        var instances = await scheduler.InstancesAsync(Ct);
        instances.Should().ContainSingle().Which.Should().Match<SchedulerInstanceView>(i => i.Instance == "solo" && i.IsAlive && i.IsThis);

        // The probe also runs once at start; run now is refused (409) while that run is under way, so wait for it to end.
        await Until.TrueAsync(async () => (await scheduler.ListAsync(Ct)).Single(j => j.Key == Probe) is { IsRunning: false, LastRun.Instance: "solo" },
            "the probe's start-up run, ended, with its instance", TimeSpan.FromSeconds(30));
        (await scheduler.RunNowAsync(Admin, Probe, Ct)).Succeeded.Should().BeTrue();
        var history = app.Services.GetRequiredService<JobRunHistory>();
        await Until.TrueAsync(async () => (await history.RecentAsync(Probe, 10, Ct)).Count(r => r.FinishedAt != null) >= 2,
            "the run-now run, ended", TimeSpan.FromSeconds(30));
        var rows = await history.RecentAsync(Probe, 10, Ct);
        rows.Should().OnlyContain(r => r.Instance == "solo");
        rows.Where(r => r.FinishedAt != null).Should().OnlyContain(r => r.Outcome == JobRunOutcome.Succeeded);
    }

    [Fact]
    public async Task ARunLeftByADeadInstance_IsNotRunning_ItIsAbandoned_AndRunNowIsAccepted()
    {
        await using var app = new OpsAppFactory();
        using var admin = await app.ClientAsAsync("admin");
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(Ct))
        {
            db.JobRuns.Add(new JobRunRecord
            {
                JobKey = "dispatch.lease-reclaim", Instance = "gone", SchedulerInstance = "gone/0badf00d", StartedAt = DateTime.UtcNow.AddMinutes(-5),
            });
            await db.SaveChangesAsync(Ct);
        }
        var job = (await app.Services.GetRequiredService<SchedulerService>().ListAsync(Ct)).Single(j => j.Key == "dispatch.lease-reclaim");
        job.IsRunning.Should().BeFalse("its instance no longer checks in");
        job.LastRun.Should().Match<JobRun>(r => r.Outcome == JobOutcome.Abandoned && r.Instance == "gone");
        (await admin.PostAsync("/api/scheduler/jobs/dispatch.lease-reclaim/run", null, Ct)).StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task RunNow_WhileTheJobRunsOnALiveInstance_Is409NamingIt()
    {
        await using var app = new OpsAppFactory(settings: new Dictionary<string, string?> { ["Cluster:InstanceId"] = "here" });
        using var admin = await app.ClientAsAsync("admin");
        var scheduler = app.Services.GetRequiredService<SchedulerService>();
        var self = (await scheduler.InstancesAsync(Ct)).Single().SchedulerInstance;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(Ct))
        {
            // A run of this instance in flight, as its listener writes it when the job starts.
            db.JobRuns.Add(new JobRunRecord { JobKey = "dispatch.lease-reclaim", Instance = "here", SchedulerInstance = self, StartedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
        }
        (await scheduler.ListAsync(Ct)).Single(j => j.Key == "dispatch.lease-reclaim").RunningOn.Should().Be("here");
        var response = await admin.PostAsync("/api/scheduler/jobs/dispatch.lease-reclaim/run", null, Ct);
        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.Content.ReadAsStringAsync(Ct)).Should().Contain("running on here");
    }
}
