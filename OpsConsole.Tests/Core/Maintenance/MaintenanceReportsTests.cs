using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Analytics;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Maintenance;

/// <summary>The analytics read from a real database: only what overlaps the window, filtered by machine and area, with parts consumption.</summary>
public sealed class MaintenanceReportsTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));

    private static AnalyticsFilterInput Window(int? machine = null, int? area = null) =>
        new(AnalyticsTestData.From.ToString("O"), AnalyticsTestData.To.ToString("O"), machine?.ToString(), area?.ToString());

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task TheIssuesFixture_FromTheDatabase_GivesItsNumbers_AndOnlyTheWindowsPeriods(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider, Clock);
        AnalyticsTestData.Fixture fixture;
        await using (var db = await host.DbAsync())
        {
            fixture = await AnalyticsTestData.SeedAsync(db);
        }
        var reports = host.Get<MaintenanceReports>();
        var filter = (await reports.ReadFilterAsync(Window(fixture.Machine))).Value!;

        var (input, _, _) = await reports.ReadAsync(filter);
        var view = await reports.ReportAsync(filter);

        input.Periods.Select(p => p.Id).Should().BeEquivalentTo([fixture.FirstFailure, fixture.SecondFailure, fixture.Planned], "periods outside the window are not read");
        var k = view.Report.Plant.Kpis;
        (k.Basis, k.ExpectedSeconds / 3600, k.PlannedDowntimeSeconds / 3600, k.UptimeSeconds / 3600, k.Failures).Should().Be((ExpectedBasis.Calendar, 80.0, 1.0, 74.0, 2));
        (k.MttrSeconds / 3600, k.MtbfSeconds / 3600).Should().Be((2.5, 37.0));
        k.Availability.Should().BeApproximately(74.0 / 79, 1e-9);
        view.Report.Machines.Should().ContainSingle();
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task APeriodStartingBeforeTheWindow_IsClipped_ItsTicketFromBeforeTheWindowGivesTheFailureCode_AndPartsAreCosted(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider, Clock);
        int machine, other, area;
        await using (var db = await host.DbAsync())
        {
            var fixture = await AnalyticsTestData.SeedAsync(db);
            (machine, other, area) = (fixture.IdleMachine, fixture.Machine, fixture.AreaId);
            var old = AnalyticsTestData.Ticket(machine, AnalyticsTestData.At(-10), problem: "hydraulic", started: AnalyticsTestData.At(-9));
            db.Tickets.Add(old);
            await db.SaveChangesAsync();
            db.DowntimePeriods.Add(AnalyticsTestData.Period(machine, AnalyticsTestData.At(-10), AnalyticsTestData.At(4), DowntimeKind.Unplanned, "breakdown", old.Id));
            var part = await MaintenanceTestData.PartAsync(db, "SEAL-1");
            (await db.Parts.FindAsync(part))!.UnitCost = 12.50m;
            db.PartMovements.AddRange(
                new PartMovement { PartId = part, Kind = MovementKind.Receipt, Quantity = 10, OccurredAt = AnalyticsTestData.At(-100), Actor = "op" },
                new PartMovement { PartId = part, Kind = MovementKind.Issue, Quantity = -3, OccurredAt = AnalyticsTestData.At(2), TicketId = old.Id, Actor = "op" },
                new PartMovement { PartId = part, Kind = MovementKind.Return, Quantity = 1, OccurredAt = AnalyticsTestData.At(3), TicketId = old.Id, Actor = "op" },
                new PartMovement { PartId = part, Kind = MovementKind.Issue, Quantity = -5, OccurredAt = AnalyticsTestData.At(200), TicketId = old.Id, Actor = "op" });
            await db.SaveChangesAsync();
        }
        var reports = host.Get<MaintenanceReports>();

        var view = await reports.ReportAsync((await reports.ReadFilterAsync(Window(area: area))).Value!);

        var idle = view.Report.Machines.Single(m => m.Scope.Id == machine).Kpis;
        (idle.Basis, idle.Failures, idle.UnplannedDowntimeSeconds / 3600).Should().Be((ExpectedBasis.AllDay, 1, 4.0), "clipped to the window's first 4 h");
        view.Report.FailureCodePareto.Should().Contain(l => l.Key == "hydraulic" && l.Count == 1);
        view.Report.Areas.Should().ContainSingle().Which.Machines.Should().Be(2);
        view.Parts.ByPart.Should().ContainSingle().Which.Should().Match<PartConsumptionLine>(l => l.Quantity == 2 && l.Cost == 25.00m);
        view.Parts.ByMachine.Should().ContainSingle().Which.MachineId.Should().Be(machine);
        view.MachineNames.Keys.Should().BeEquivalentTo([machine, other]);
    }

    [Fact]
    public async Task BadFilters_NameTheirField()
    {
        await using var host = await CoreHost.StartAsync(time: Clock);
        var reports = host.Get<MaintenanceReports>();

        (await reports.ReadFilterAsync(new("2026-01-10", "2026-01-05", null, null))).Errors.Keys.Should().Equal("to");
        (await reports.ReadFilterAsync(new("2024-01-01", "2026-01-05", null, null))).Errors["to"][0].Should().Contain("at most 400 days");
        (await reports.ReadFilterAsync(new("yesterday", null, null, null))).Errors.Keys.Should().Equal("from");
        (await reports.ReadFilterAsync(new(null, null, "999999", null))).Errors.Keys.Should().Equal("machine_id");
        (await reports.ReadFilterAsync(new(null, null, null, "999999"))).Errors.Keys.Should().Equal("area");
        var fallback = (await reports.ReadFilterAsync(new(null, null, null, null))).Value!;
        (fallback.To - fallback.From).Should().Be(TimeSpan.FromDays(30), "the last 30 days by default");
    }
}
