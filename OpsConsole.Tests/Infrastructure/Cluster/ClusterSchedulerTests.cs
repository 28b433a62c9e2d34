using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Cluster;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Leasing;
using OpsConsole.Core.Shared.Scheduling;
using OpsConsole.Core.Yard;
using OpsConsole.Infrastructure.Scheduling;
using OpsConsole.Tests.TestSupport;
using Quartz;

namespace OpsConsole.Tests.Infrastructure.Cluster;

/// <summary>
/// Two console hosts on one PostgreSQL database with the clustered Quartz store (issue 20 items 3 and 5, ADR 0040):
/// runs and "is running" are the cluster's, each trigger fires once across both, and the yard poller and the ticket
/// events outbox run on one instance at a time under their database leases.
/// </summary>
public sealed class ClusterSchedulerTests
{
    private const string Module = "clustertest";
    private static readonly Actor Admin = new("admin", ["admin"]);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A job that runs until the test lets it end, and says which instance ran it.</summary>
    public sealed class HeldJob(ClusterOptions cluster) : IJob
    {
        public const string Name = "held";
        public static readonly ConcurrentQueue<string> RanOn = new();
        public static TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
            ScheduledWork.RunAsync(context, async ct =>
            {
                RanOn.Enqueue(cluster.InstanceId);
                await Release.Task.WaitAsync(ct);
                return true;
            }, cancellationToken);
    }

    /// <summary>A job on a one-second schedule that records each scheduled fire time it ran for, and where.</summary>
    public sealed class TickJob(ClusterOptions cluster) : IJob
    {
        public const string Name = "tick";
        public static readonly ConcurrentQueue<(DateTimeOffset Scheduled, string Instance)> Fired = new();

        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
            ScheduledWork.RunAsync(context, _ =>
            {
                if (context.ScheduledFireTimeUtc is { } scheduled && context.Trigger.Key.Name == Name + ".trigger")
                {
                    Fired.Enqueue((scheduled, cluster.InstanceId));
                }
                return Task.FromResult(true);
            }, cancellationToken);
    }

    private static (OpsAppFactory A, OpsAppFactory B) TwoInstances(bool withTick = false)
    {
        var database = TestDatabases.NewPostgres();
        var scheduler = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        OpsAppFactory Instance(string id) => new OpsAppFactory(database, new Dictionary<string, string?>
        {
            ["Scheduler:Store"] = "Persistent",
            ["Scheduler:Name"] = scheduler,
            ["Cluster:InstanceId"] = id,
        }).WithServices(s =>
        {
            s.AddOpsJob<HeldJob>(Module, HeldJob.Name, "Held until the test releases it", "0 0 0 1 1 ? 2099");
            s.AddOpsJob<TickJob>(Module, TickJob.Name, "Every second", withTick ? "0/1 * * * * ?" : "0 0 0 1 1 ? 2099", safeToRepeat: true);
        });
        return (Instance("console-a"), Instance("console-b"));
    }

    [Fact]
    public async Task ARunOnOneInstance_IsShownOnTheOther_WithItsInstance_AndRunNowThereIsRefusedWhileItRuns()
    {
        HeldJob.Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        HeldJob.RanOn.Clear();
        var (a, b) = TwoInstances();
        await using var _a = a;
        await using var _b = b;
        var services = new Dictionary<string, SchedulerService>
        {
            ["console-a"] = a.Services.GetRequiredService<SchedulerService>(),
            ["console-b"] = b.Services.GetRequiredService<SchedulerService>(),
        };
        const string key = Module + "." + HeldJob.Name;
        await Until.TrueAsync(async () => (await services["console-b"].InstancesAsync(Ct)).Count(i => i.IsAlive) == 2,
            "both instances to check in", TimeSpan.FromSeconds(30));
        (await services["console-b"].InstancesAsync(Ct)).Select(i => i.Instance).Should().BeEquivalentTo(["console-a", "console-b"]);

        (await services["console-a"].RunNowAsync(Admin, key, Ct)).Succeeded.Should().BeTrue();
        await Until.TrueAsync(() => !HeldJob.RanOn.IsEmpty, "the held job to start on one of the instances", TimeSpan.FromSeconds(30));
        var ranOn = HeldJob.RanOn.Single();
        var other = ranOn == "console-a" ? "console-b" : "console-a";
        await Until.TrueAsync(async () => (await services[other].ListAsync(Ct)).Single(j => j.Key == key).RunningOn == ranOn,
            $"{other} to show the job running on {ranOn}", TimeSpan.FromSeconds(10));

        var refused = await services[other].RunNowAsync(Admin, key, Ct);
        refused.Succeeded.Should().BeFalse("the job runs on the other instance");
        refused.Describe().Should().Contain(ranOn);
        using (var admin = await (other == "console-a" ? a : b).ClientAsAsync("admin"))
        {
            var response = await admin.PostAsync($"/api/scheduler/jobs/{key}/run", null, Ct);
            response.StatusCode.Should().Be(HttpStatusCode.Conflict);
            (await response.Content.ReadAsStringAsync(Ct)).Should().Contain(ranOn);
        }

        HeldJob.Release.SetResult();
        await Until.TrueAsync(async () => (await services[other].ListAsync(Ct)).Single(j => j.Key == key) is { IsRunning: false, LastRun: { } run }
                && run.Instance == ranOn && run.Outcome == JobOutcome.Succeeded,
            $"{other} to show the ended run with {ranOn}", TimeSpan.FromSeconds(10));
        HeldJob.RanOn.Should().ContainSingle("run now on the other instance was refused, not queued");
    }

    [Fact]
    public async Task EachTriggerFiresOnceAcrossBothInstances()
    {
        TickJob.Fired.Clear();
        var (a, b) = TwoInstances(withTick: true);
        await using var _a = a;
        await using var _b = b;
        _ = a.Services.GetRequiredService<SchedulerService>();
        _ = b.Services.GetRequiredService<SchedulerService>();
        await Until.TrueAsync(() => TickJob.Fired.Select(f => f.Scheduled).Distinct().Count() >= 8, "eight one-second fires", TimeSpan.FromSeconds(40));
        var fired = TickJob.Fired.ToList();
        fired.GroupBy(f => f.Scheduled).Where(g => g.Count() > 1).Should().BeEmpty("each scheduled fire ran on exactly one instance");
        var runs = await b.Services.GetRequiredService<JobRunHistory>().RecentAsync(Module + "." + TickJob.Name, 100, Ct);
        runs.Select(r => r.Instance).Distinct().Should().BeSubsetOf(["console-a", "console-b"]);
        runs.Should().NotBeEmpty("every instance's runs are in the one table");
    }

    [Fact]
    public async Task TheTicketEventsOutbox_IsPublishedByOneInstanceAtATime_EachEventOnce()
    {
        var (a, b) = TwoInstances();
        await using var _a = a;
        await using var _b = b;
        await using (var db = await a.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(Ct))
        {
            for (var i = 0; i < 40; i++)
            {
                db.TicketEventOutbox.Add(new TicketEventOutbox { TicketId = 1, Payload = $$"""{"event_id":"e{{i}}"}""", CreatedAt = DateTime.UtcNow });
            }
            await db.SaveChangesAsync(Ct);
        }
        var published = new ConcurrentQueue<string>();
        var inFlight = 0;
        var most = 0;
        async Task Publish(string payload, CancellationToken ct)
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await Task.Delay(5, ct);
            published.Enqueue(payload);
            Interlocked.Decrement(ref inFlight);
        }
        var passes = Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? a : b).Services.GetRequiredService<TicketEvents>())
            .Select(outbox => Task.Run(() => outbox.PublishPendingAsync(Publish, Ct), Ct)).ToList();
        await Task.WhenAll(passes);
        // A pass that found the lease taken left the rest to the holder; one more pass takes any left between passes.
        await a.Services.GetRequiredService<TicketEvents>().PublishPendingAsync(Publish, Ct);

        published.Should().HaveCount(40).And.OnlyHaveUniqueItems("each event goes out once");
        most.Should().Be(1, "only the lease holder publishes");
    }

    [Fact]
    public async Task TheYardPollersCycle_WaitsForTheLease_HeldByAnotherInstance()
    {
        var (a, b) = TwoInstances();
        await using var _a = a;
        await using var _b = b;
        var held = (await a.Services.GetRequiredService<DatabaseLease>().TryAcquireAsync(YardPoller.LeaseName, TimeSpan.FromSeconds(30), Ct))!;
        held.Should().NotBeNull();
        var poll = b.Services.GetRequiredService<YardOperations>().PollNowAsync(Admin, "test", Ct);
        // The scheduled ticks on both instances meet the same lease: nothing cycles while the test holds it.
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        poll.IsCompleted.Should().BeFalse("B's cycle waits for the lease A's holder has");
        var released = DateTime.UtcNow;
        await held.DisposeAsync();
        var cycle = await poll.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        cycle.StartedAt.Should().BeOnOrAfter(released.AddMilliseconds(-50), "the cycle started once the lease was let go");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
