using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Shared.Alerts;
using OpsConsole.Core.Yard;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Yard;

/// <summary>The yard's causes in the alerts inbox: stale data (noticed by the tick or a failed cycle), the deletion cap and failing rules.</summary>
public sealed class YardAlertsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private CoreHost _host = default!;

    private YardAlerts Alerts => _host.Get<YardAlerts>();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await CoreHost.StartAsync(time: _clock);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private static YardStatus Status(TimeSpan sinceGoodPoll, string? error = null, YardCapAlert? cap = null, params string[] failingRules) =>
        new(YardTestData.Settings(intervalSeconds: 5), Now.UtcDateTime, Now.UtcDateTime - sinceGoodPoll, Now.UtcDateTime.AddHours(-1), error,
            error is null ? 0 : 3, null, 7, null, cap, null, failingRules);

    private async Task<List<Alert>> YardAlertsAsync()
    {
        await using var db = await _host.DbAsync();
        return await db.Alerts.Where(a => a.Module == YardModule.Name).OrderBy(a => a.Id).ToListAsync(Ct);
    }

    [Fact]
    public async Task TheTick_RaisesStaleWhenItBegins_OnceNotEverySecond_AndResolvesItWhenItEnds()
    {
        var stale = Status(TimeSpan.FromSeconds(20), error: "yard system answered 503 (outage)");

        (await Alerts.TickAsync(stale, Ct)).Should().BeTrue();
        (await Alerts.TickAsync(stale, Ct)).Should().BeFalse("the tick reports the moment it turns stale; failed cycles report it again");
        var raised = (await YardAlertsAsync()).Single();
        raised.Should().Match<Alert>(a => a.Key == YardAlerts.StaleKey && a.Severity == AlertSeverity.Critical && a.Count == 1 && a.Link == "/yard");
        raised.Message.Should().Contain("503 (outage)");

        await Alerts.AfterCycleAsync(stale, succeeded: false, Ct);
        (await YardAlertsAsync()).Single().Count.Should().Be(2, "each failed poll while stale is the outage seen again");

        (await Alerts.TickAsync(Status(TimeSpan.Zero), Ct)).Should().BeTrue();
        (await YardAlertsAsync()).Single().State.Should().Be(AlertState.Resolved);
    }

    [Fact]
    public async Task AGoodCycle_ReportsTheCapAndFailingRules_AndResolvesWhatItNoLongerSees()
    {
        await Alerts.TickAsync(Status(TimeSpan.FromMinutes(1)), Ct);
        await Alerts.AfterCycleAsync(Status(TimeSpan.Zero, cap: new YardCapAlert(Now.UtcDateTime, 14, 10), failingRules: "priority-range"), succeeded: true, Ct);

        var alerts = await YardAlertsAsync();
        alerts.Select(a => (a.Key, a.State)).Should().BeEquivalentTo([(YardAlerts.StaleKey, AlertState.Resolved), (YardAlerts.CapKey, AlertState.Open),
            (YardAlerts.RuleKeyPrefix + "priority-range", AlertState.Open)]);
        alerts.Single(a => a.Key == YardAlerts.CapKey).Message.Should().StartWith("14 tasks would have been deleted in one cycle; the cap is 10.");

        await Alerts.AfterCycleAsync(Status(TimeSpan.Zero), succeeded: true, Ct);
        (await YardAlertsAsync()).Should().OnlyContain(a => a.State == AlertState.Resolved);
    }

    [Fact]
    public async Task AFailedCycle_LeavesTheCapAndRulesAsTheyWere_SinceItSawNothing()
    {
        await Alerts.AfterCycleAsync(Status(TimeSpan.Zero, cap: new YardCapAlert(Now.UtcDateTime, 14, 10)), succeeded: true, Ct);

        await Alerts.AfterCycleAsync(Status(TimeSpan.FromSeconds(6), error: "timeout"), succeeded: false, Ct);

        (await YardAlertsAsync()).Should().ContainSingle().Which.Should().Match<Alert>(a => a.Key == YardAlerts.CapKey && a.Count == 1 && a.IsActive);
    }
}
