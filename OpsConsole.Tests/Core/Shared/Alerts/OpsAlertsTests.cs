using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Shared.Alerts;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Shared.Alerts;

/// <summary>The one alerts contract: a cause is one alert while it lasts, resolves when it clears, comes back as a new occurrence.</summary>
public sealed class OpsAlertsTests
{
    public static TheoryData<string> Providers => new("Sqlite", "PostgreSql");

    private static readonly DateTimeOffset Start = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private static readonly Actor Operator = new("op-anna", ["operator"]);

    private static AlertSignal Stale(string message = "No good poll for 15 s.") =>
        new("yard", "stale", AlertSeverity.Critical, "Yard data is stale", message, "/yard");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Raise_TheSameCauseAgain_IsOneAlertWhoseCountAndLastSeenGrow_WithTheLatestWords(string provider)
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await CoreHost.StartAsync(provider, clock);
        var alerts = host.Get<OpsAlerts>();

        var first = await alerts.RaiseAsync(Stale(), Ct);
        clock.Advance(TimeSpan.FromSeconds(30));
        var again = await alerts.RaiseAsync(Stale("No good poll for 45 s."), Ct);

        again.Id.Should().Be(first.Id);
        again.Should().Match<Alert>(a => a.Count == 2 && a.State == AlertState.Open && a.Message == "No good poll for 45 s."
            && a.FirstSeenAt == Start.UtcDateTime && a.LastSeenAt == Start.UtcDateTime.AddSeconds(30));
        await using var db = await host.DbAsync();
        (await db.Alerts.CountAsync(Ct)).Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Clear_ResolvesTheCause_AndARaiseAfterResolution_OpensANewOccurrence(string provider)
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await CoreHost.StartAsync(provider, clock);
        var alerts = host.Get<OpsAlerts>();
        var first = await alerts.RaiseAsync(Stale(), Ct);

        clock.Advance(TimeSpan.FromMinutes(2));
        (await alerts.ClearAsync("yard", "stale", Ct)).Should().BeTrue();
        (await alerts.ClearAsync("yard", "stale", Ct)).Should().BeFalse("nothing is active any more");
        clock.Advance(TimeSpan.FromMinutes(5));
        var second = await alerts.RaiseAsync(Stale(), Ct);

        second.Id.Should().NotBe(first.Id);
        second.Count.Should().Be(1);
        var page = await alerts.QueryAsync(new AlertFilter(Module: "yard"), new PageRequest(1, 10), Ct);
        page.Items.Select(a => (a.Id, a.State, a.ResolvedAt)).Should().Equal(
            (second.Id, AlertState.Open, (DateTime?)null), (first.Id, AlertState.Resolved, Start.UtcDateTime.AddMinutes(2)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Acknowledge_IsAuditedWithWhoAndWhen_AndAnAcknowledgedAlertStillResolvesWhenItsCauseClears(string provider)
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await CoreHost.StartAsync(provider, clock);
        var alerts = host.Get<OpsAlerts>();
        var alert = await alerts.RaiseAsync(Stale(), Ct);

        clock.Advance(TimeSpan.FromMinutes(1));
        var acknowledged = await alerts.AcknowledgeAsync(Operator, alert.Id, Ct);
        var twice = await alerts.AcknowledgeAsync(Operator, alert.Id, Ct);
        await alerts.RaiseAsync(Stale(), Ct);
        (await alerts.CountsAsync(Ct)).Should().Be(new AlertCounts(0, 1, 0), "an acknowledged alert is not counted as open, and a new report keeps it acknowledged");
        await alerts.ClearAsync("yard", "stale", Ct);

        acknowledged.Value.Should().Match<Alert>(a => a.State == AlertState.Acknowledged && a.AcknowledgedBy == "op-anna"
            && a.AcknowledgedAt == Start.UtcDateTime.AddMinutes(1));
        twice.Outcome.Should().Be(OpsOutcome.Conflict);
        twice.Message.Should().Contain("acknowledged");
        (await alerts.AcknowledgeAsync(Operator, 987654, Ct)).Outcome.Should().Be(OpsOutcome.NotFound);
        await using var db = await host.DbAsync();
        var stored = await db.Alerts.SingleAsync(Ct);
        stored.Should().Match<Alert>(a => a.State == AlertState.Resolved && a.AcknowledgedBy == "op-anna" && a.Count == 2 && a.ActiveKey == null);
        var audit = await db.AuditEntries.SingleAsync(Ct);
        audit.Should().Match<AuditEntry>(e => e.Action == "alert.acknowledge" && e.Module == "yard" && e.Actor == "op-anna" && e.EntityType == "Alert"
            && e.EntityId == alert.Id.ToString() && e.OccurredAt == Start.UtcDateTime.AddMinutes(1));
        audit.Before.Should().Contain("\"state\":\"open\"");
        audit.After.Should().Contain("\"state\":\"acknowledged\"");
    }

    [Fact]
    public async Task Acknowledge_Several_AcknowledgesTheOpenOnes_AndSaysWhyNotForTheRest()
    {
        await using var host = await CoreHost.StartAsync();
        var alerts = host.Get<OpsAlerts>();
        var open = await alerts.RaiseAsync(Stale(), Ct);
        var resolved = await alerts.RaiseAsync(new AlertSignal("etl", "failure-rate", AlertSeverity.Critical, "Many ETL jobs are failing", "3 of 5"), Ct);
        await alerts.ClearAsync("etl", "failure-rate", Ct);

        var result = await alerts.AcknowledgeAsync(Operator, [open.Id, resolved.Id, 987654], Ct);

        result.Value!.Acknowledged.Should().Equal(open.Id);
        result.Value.Refused.Keys.Should().BeEquivalentTo([resolved.Id, 987654L]);
        result.Value.Refused[resolved.Id].Should().Contain("resolved");
        (await alerts.AcknowledgeAsync(Operator, [], Ct)).Errors.Keys.Should().Equal("ids");
    }

    [Fact]
    public async Task Reconcile_RaisesWhatTheCheckReports_AndResolvesTheModulesOtherActiveAlerts_WithinItsPrefixOnly()
    {
        await using var host = await CoreHost.StartAsync();
        var alerts = host.Get<OpsAlerts>();
        AlertSignal Missing(string branch) => new("etl", "missing-days:" + branch, AlertSeverity.Warning, $"No data from {branch}", "3 days", "/etl/missing");
        await alerts.RaiseAsync(new AlertSignal("etl", "failure-rate", AlertSeverity.Critical, "Many ETL jobs are failing", "3 of 5"), Ct);
        await alerts.RaiseAsync(Stale(), Ct);
        (await alerts.ReconcileAsync("etl", [Missing("B1"), Missing("B2")], "missing-days:", Ct)).Should().Be(new AlertReconcile(2, 0, 0));

        var second = await alerts.ReconcileAsync("etl", [Missing("B2")], "missing-days:", Ct);

        second.Should().Be(new AlertReconcile(0, 1, 1));
        var active = await alerts.QueryAsync(new AlertFilter(Active: true), new PageRequest(1, 10), Ct);
        active.Items.Select(a => $"{a.Module}/{a.Key}").Should().BeEquivalentTo(["etl/missing-days:B2", "etl/failure-rate", "yard/stale"],
            "the failure rate is outside the check's prefix and the yard's alert is another module's");
        await FluentActions.Invoking(() => alerts.ReconcileAsync("etl", [Stale()], ct: Ct)).Should().ThrowAsync<ArgumentException>();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Raise_WhenManyReportsOfOneCauseRace_IsStillOneAlert_CountingEveryReport(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var alerts = host.Get<OpsAlerts>();
        ThreadPool.SetMinThreads(32, 32);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => alerts.RaiseAsync(Stale(), Ct), Ct)));

        await using var db = await host.DbAsync();
        var rows = await db.Alerts.ToListAsync(Ct);
        rows.Should().ContainSingle().Which.Count.Should().Be(20);
    }

    [Fact]
    public async Task EveryChange_IsPublished_ForTheInboxTheBadgeAndTheHub()
    {
        await using var host = await CoreHost.StartAsync();
        var alerts = host.Get<OpsAlerts>();
        var seen = new ConcurrentQueue<AlertsChanged>();
        using var subscription = host.Get<IOpsEventStream>().Subscribe<AlertsChanged>(e =>
        {
            seen.Enqueue(e);
            return Task.CompletedTask;
        });

        var alert = await alerts.RaiseAsync(Stale(), Ct);
        await alerts.RaiseAsync(Stale(), Ct);
        await alerts.AcknowledgeAsync(Operator, alert.Id, Ct);
        await alerts.ClearAsync("yard", "stale", Ct);

        await Until.TrueAsync(() => seen.Count == 4, "four alert events");
        seen.Select(e => e.Change).Should().Equal(AlertChange.Raised, AlertChange.Repeated, AlertChange.Acknowledged, AlertChange.Resolved);
        seen.Should().OnlyContain(e => e.Ids.SequenceEqual(new[] { alert.Id }) && e.Modules.SequenceEqual(new[] { "yard" }) && e.Topic == OpsTopics.Alerts);
    }

    [Fact]
    public async Task ReadFilter_NamesEachBadField_AndReadsActive()
    {
        await using var host = await CoreHost.StartAsync();
        var alerts = host.Get<OpsAlerts>();
        var errors = new FieldErrors();

        alerts.ReadFilter(errors, new AlertFilterInput("nowhere", "sleeping", "loud"));
        var active = alerts.ReadFilter(new FieldErrors(), new AlertFilterInput("yard", "active", "critical"));

        errors.ToResult<bool>().Errors.Keys.Should().BeEquivalentTo(["module", "state", "severity"]);
        errors.ToResult<bool>().Errors["state"].Single().Should().Be("state must be one of open, acknowledged, resolved, active or all.");
        active.Should().Be(new AlertFilter("yard", null, true, AlertSeverity.Critical));
    }

    [Fact]
    public async Task Raise_FromAModuleThatDoesNotExist_OrWithALinkOutsideTheConsole_IsAProgrammingError()
    {
        await using var host = await CoreHost.StartAsync();
        var alerts = host.Get<OpsAlerts>();

        await FluentActions.Invoking(() => alerts.RaiseAsync(Stale() with { Module = "nowhere" }, Ct)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Invoking(() => alerts.RaiseAsync(Stale() with { Link = "https://example.com" }, Ct)).Should().ThrowAsync<ArgumentException>();
        (await alerts.RaiseAsync(Stale(new string('m', 2000)), Ct)).Message.Should().HaveLength(Alert.MaxMessageLength).And.EndWith("…");
    }
}
