using OpsConsole.Core.Yard;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Yard;

/// <summary>
/// The cluster's yard poll row (ADR 0040) on each provider's SQL: a cycle is claimed only an interval after the last one
/// by the database's clock (or at once when forced), and the status a cycle ended with reads back as it was written.
/// </summary>
public sealed class YardSharedPollTests
{
    public static TheoryData<string> Providers => new("Sqlite", "PostgreSql", "SqlServer");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ACycleIsClaimedOncePerInterval_ByTheDatabasesClock_OrAtOnceWhenForced_AndItsStatusReadsBack(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider, settings: new Dictionary<string, string?> { ["Cluster:Enabled"] = "true" });
        var shared = host.Get<YardSharedPoll>();
        shared.Enabled.Should().BeTrue();
        (await shared.ReadAsync(Interval, Ct)).Should().BeNull("no instance has cycled yet");

        (await shared.TryClaimAsync(Interval, force: false, Ct)).Should().BeTrue("nobody has cycled");
        (await shared.TryClaimAsync(Interval, force: false, Ct)).Should().BeFalse("the last cycle started less than an interval ago");
        var row = (await shared.ReadAsync(Interval, Ct))!;
        row.Status.Should().BeNull("the first cycle has not ended");
        row.UntilDue.Should().BeGreaterThan(TimeSpan.FromSeconds(20)).And.BeLessThanOrEqualTo(Interval);
        (await shared.TryClaimAsync(Interval, force: true, Ct)).Should().BeTrue("a person's poll now does not wait for the interval");
        (await shared.TryClaimAsync(TimeSpan.Zero, force: false, Ct)).Should().BeTrue("an interval of nothing has passed");

        var at = new DateTime(2026, 12, 7, 23, 40, 1, 234, DateTimeKind.Utc).AddTicks(5678);
        var status = new YardStatus(YardTestData.Settings(intervalSeconds: 7), at, at.AddSeconds(-7), at.AddHours(-1), null, 0, at.AddSeconds(7), 12, at,
            new YardCapAlert(at, 14, 10), null, ["rule-a"], YardPollerHealth.Healthy);
        await shared.RecordAsync(status, Ct);
        var read = (await shared.ReadAsync(Interval, Ct))!.Status!;
        (read.LastAttemptAt, read.LastSuccessAt, read.Version, read.Health, read.CapAlert, read.Settings.IntervalSeconds)
            .Should().Be((status.LastAttemptAt, status.LastSuccessAt, status.Version, status.Health, status.CapAlert, 7));
        read.FailingRules.Should().Equal("rule-a");
    }
}
