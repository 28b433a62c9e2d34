using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Simulators.Maintenance;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>The demo plant's year of history: written once, the same every time, and enough for every figure of the analytics page.</summary>
public sealed class MaintenanceDemoHistoryTests
{
    [Fact]
    public async Task TheHistory_IsWrittenOnce_Deterministically_AndFillsTheAnalytics()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        await using var host = await CoreHost.StartAsync(time: clock);
        var contexts = host.Get<IDbContextFactory<OpsDbContext>>();
        await new MaintenanceDemoPlant(contexts, host.Get<TicketService>(), host.Get<MachineStates>(), host.Get<PartsLedger>(), clock).SeedAsync(default);
        var history = new MaintenanceDemoHistory(contexts, clock, NullLogger<MaintenanceDemoHistory>.Instance);

        await history.SeedAsync(default);
        var first = await CountsAsync(contexts);
        await history.SeedAsync(default);

        (await CountsAsync(contexts)).Should().Be(first, "a restart adds nothing");
        first.Periods.Should().BeGreaterThan(3_000);
        first.Production.Should().Be(20 * 2 * 260, "two weekday shifts for 20 machines on the year's 260 weekdays");
        var reports = host.Get<MaintenanceReports>();
        var view = await reports.ReportAsync((await reports.ReadFilterAsync(new AnalyticsFilterInput("2026-11-01", "2026-12-01", null, null))).Value!);
        var k = view.Report.Plant.Kpis;
        (k.Failures, k.Mtta.Tickets, k.Oee?.Records ?? 0).Should().Match<(int, int, int)>(x => x.Item1 > 50 && x.Item2 > 50 && x.Item3 > 0);
        view.Report.FailureCodePareto.Should().Contain(l => l.Key == "mechanical");
        view.Parts.TotalCost.Should().BeGreaterThan(0);
        await using var db = await contexts.CreateDbContextAsync();
        (await db.PartMovements.GroupBy(m => m.PartId).Select(g => g.Sum(m => m.Quantity)).ToListAsync()).Should().OnlyContain(onHand => onHand >= 0);
    }

    private static async Task<(int Periods, int Tickets, int Production, int Movements)> CountsAsync(IDbContextFactory<OpsDbContext> contexts)
    {
        await using var db = await contexts.CreateDbContextAsync();
        return (await db.DowntimePeriods.CountAsync(), await db.Tickets.CountAsync(), await db.ProductionRecords.CountAsync(), await db.PartMovements.CountAsync());
    }
}
