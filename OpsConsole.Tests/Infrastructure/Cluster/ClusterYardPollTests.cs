using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Settings;
using OpsConsole.Core.Yard;
using OpsConsole.Infrastructure.Scheduling;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Cluster;

/// <summary>
/// The yard poller of a cluster (ADR 0040, issue 20): two consoles share when the next cycle is due (the `yard_poll` row,
/// the database's clock), so between them they poll the yard system once per interval, not once each; and the instance
/// that did not poll shows the status and view of the one that did.
/// </summary>
public sealed class ClusterYardPollTests
{
    private const int IntervalSeconds = 2;
    private static readonly Actor Admin = new("admin", ["admin"]);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Counts the yard simulator's hostler list reads (one per cycle), with when each came and to which instance.</summary>
    private sealed class YardReads(string instance, ConcurrentQueue<(DateTime At, string Instance)> reads) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Method == HttpMethods.Get && context.Request.Path.Value?.EndsWith("/api/hostlers", StringComparison.Ordinal) == true)
                {
                    reads.Enqueue((DateTime.UtcNow, instance));
                }
                await nextMiddleware(context);
            });
            next(app);
        };
    }

    [Fact]
    public async Task TwoInstances_PollTheYardOncePerInterval_BetweenThem_AndBothShowTheLastCyclesStatusAndView()
    {
        var reads = new ConcurrentQueue<(DateTime At, string Instance)>();
        await using var cluster = new TwoInstances(TestRedis.Shared(), new Dictionary<string, string?> { ["Simulators:Yard:Invalid"] = "false" });
        cluster.A.WithServices(s => s.AddSingleton<IStartupFilter>(new YardReads("a", reads)));
        cluster.B.WithServices(s => s.AddSingleton<IStartupFilter>(new YardReads("b", reads)));
        cluster.A.StartKestrel();
        cluster.B.StartKestrel();

        // One interval for both: saved on A, read fresh on B (its snapshot would see it within 30 s).
        var saved = await cluster.A.Services.GetRequiredService<RuntimeSettings>().SaveAsync(Admin, YardModule.Name,
            new Dictionary<string, string?> { [YardSettings.IntervalKey] = IntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ct: Ct);
        saved.Succeeded.Should().BeTrue(saved.Describe());
        await cluster.B.Services.GetRequiredService<RuntimeSettings>().ReadFreshAsync(YardModule.Name, Ct);
        await Until.TrueAsync(() => Poller(cluster.A).Status.Settings.IntervalSeconds == IntervalSeconds && Poller(cluster.B).Status.Settings.IntervalSeconds == IntervalSeconds,
            "both pollers to take the new interval");

        // Count from a cycle after the change; each instance's scheduled ticks come every second.
        reads.Clear();
        await Until.TrueAsync(() => reads.Count >= 9, "nine yard polls between the two instances", TimeSpan.FromSeconds(90));
        var polls = reads.ToArray().OrderBy(r => r.At).Take(9).ToList();

        // Cycles are claimed at least an interval (less the tick's half-second slack) apart by the database's clock, whichever
        // instance runs them: between the first and the last observed poll there is room for at most span / 1.5 s more
        // (one more for the latency between a claim and its read). Two pollers of their own would poll twice per interval.
        var span = polls[^1].At - polls[0].At;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(" ", polls.Select(p => $"{p.Instance}@{(p.At - polls[0].At).TotalSeconds:0.00}")));
        var mostExpected = span.TotalSeconds / (IntervalSeconds - 0.5) + 1;
        (polls.Count - 1).Should().BeLessThanOrEqualTo((int)Math.Floor(mostExpected),
            $"the cluster polls once per {IntervalSeconds} s interval: {polls.Count} polls in {span.TotalSeconds:0.0} s, by {string.Join(",", polls.Select(p => p.Instance))}");

        // Both instances show the last cycle, whichever ran it.
        var scheduler = cluster.A.Services.GetRequiredService<SchedulerService>();
        (await scheduler.SetPausedAsync(Admin, "yard.poller", paused: true, Ct)).Succeeded.Should().BeTrue();
        await Task.Delay(TimeSpan.FromSeconds(1.2), Ct);
        await Until.TrueAsync(async () => !(await scheduler.ListAsync(Ct)).Any(j => j.Key == "yard.poller" && j.IsRunning), "the paused poller's last run to end");
        await Poller(cluster.A).CatchUpAsync(Ct);
        await Poller(cluster.B).CatchUpAsync(Ct);
        var (a, b) = (Poller(cluster.A).Status, Poller(cluster.B).Status);
        a.LastSuccessAt.Should().NotBeNull();
        (b.LastAttemptAt, b.LastSuccessAt, b.Version).Should().Be((a.LastAttemptAt, a.LastSuccessAt, a.Version), "B shows the cluster's last cycle");
        Poller(cluster.B).View.Version.Should().Be(Poller(cluster.A).View.Version);
        Poller(cluster.B).View.Hostlers.Should().HaveCount(Poller(cluster.A).View.Hostlers.Count);
    }

    private static YardPoller Poller(OpsAppFactory app) => app.Services.GetRequiredService<YardPoller>();
}
