using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Analytics;
using static OpsConsole.Tests.Core.Maintenance.Analytics.AnalyticsTestData;

namespace OpsConsole.Tests.Core.Maintenance.Analytics;

/// <summary>"How was this computed": the lines behind a scope's KPIs, which always add up to them.</summary>
public sealed class AnalyticsDrillDownTests
{
    private static readonly AnalyticsInput Fixture = Input(
        [Machine(1, EightyHours), Machine(2, areaId: 2, areaName: "Turning")],
        [
            Down(1, 10, 12, ticketId: 11, reason: "spindle"), Down(2, 50, 53), PlannedStop(3, 30, 31), Excluded(4, 60, 62),
            Down(5, 64, 64.01), Down(6, 95, 99), Down(7, -30, -20), Down(8, 5, 6, machineId: 2),
        ],
        [
            Ticket(11, 10, 10.25, priority: TicketPriority.High, failureCode: "SPINDLE"),
            Ticket(12, 20, null, status: TicketStatus.Cancelled),
            Ticket(13, 40, 41, kind: TicketKind.Planned),
            Ticket(14, 5, 6, machineId: 2),
        ]);

    [Fact]
    public void MachineDrillDown_ListsEveryPeriodWithItsRoleClippedTimesAndCountedSeconds()
    {
        var drill = MaintenanceAnalytics.DrillDown(Fixture, Query(0, 100), AnalyticsScope.Machine(1));

        drill.Scope.Name.Should().Be("M1");
        drill.Periods.Select(p => (p.PeriodId, p.Role, Hours(p.CountedSeconds))).Should().Equal(
            (7, PeriodRole.Failure, 0.0), (1, PeriodRole.Failure, 2.0), (3, PeriodRole.Planned, 1.0), (2, PeriodRole.Failure, 3.0),
            (4, PeriodRole.Excluded, 0.0), (5, PeriodRole.MicroStop, 0.01), (6, PeriodRole.Failure, 0.0));
        var outside = drill.Periods.Single(p => p.PeriodId == 7);
        outside.ClippedStart.Should().BeNull();
        outside.Feeds.Should().Be(AnalyticsKpi.None);
        drill.Periods.Single(p => p.PeriodId == 1).Feeds.Should().HaveFlag(AnalyticsKpi.Mttr).And.HaveFlag(AnalyticsKpi.Mtbf);
        drill.Periods.Single(p => p.PeriodId == 3).Feeds.Should().NotHaveFlag(AnalyticsKpi.Mttr).And.HaveFlag(AnalyticsKpi.Availability);
        drill.Periods.Single(p => p.PeriodId == 6).Should().Match<PeriodLine>(p => p.ClippedStart == H(95) && p.ClippedEnd == H(99),
            "Friday 95 h–99 h lies in the window but outside the Monday-to-Thursday calendar");
    }

    [Fact]
    public void MachineDrillDown_AddsUpToItsKpis()
    {
        var drill = MaintenanceAnalytics.DrillDown(Fixture, Query(0, 100), AnalyticsScope.Machine(1));
        var kpis = drill.Kpis;

        drill.Expected.Should().ContainSingle().Which.Should().Be(new ExpectedLine(1, ExpectedBasis.Calendar, "Etc/UTC", 80 * 3600, 4));
        drill.Periods.Where(p => p.Role == PeriodRole.Planned).Sum(p => p.CountedSeconds).Should().Be(kpis.PlannedDowntimeSeconds);
        drill.Periods.Where(p => p.Role is PeriodRole.Failure or PeriodRole.MicroStop or PeriodRole.UnplannedNotFailure).Sum(p => p.CountedSeconds)
            .Should().BeApproximately(kpis.UnplannedDowntimeSeconds, 1e-6);
        drill.Failures.Should().HaveCount(kpis.Failures);
        drill.Failures.Sum(f => f.DowntimeSeconds).Should().Be(kpis.FailureDowntimeSeconds);
        Hours(kpis.MttrSeconds!.Value).Should().Be(2.5);
        drill.Failures.Select(f => (f.Key, f.TicketId, f.FailureCode)).Should().Equal(("ticket 11", 11, "SPINDLE"), ("period 2", null, null));
        drill.Failures[0].PeriodIds.Should().Equal(1);
    }

    [Fact]
    public void MachineDrillDown_ListsTheWindowsTickets_SayingWhichFeedMttaAndWhyOthersDoNot()
    {
        var drill = MaintenanceAnalytics.DrillDown(Fixture, Query(0, 100), AnalyticsScope.Machine(1));

        drill.Tickets.Select(t => (t.TicketId, t.Feeds)).Should().Equal((11, AnalyticsKpi.Mtta), (12, AnalyticsKpi.None), (13, AnalyticsKpi.None));
        drill.Tickets[0].AcknowledgeSeconds.Should().Be(900);
        drill.Tickets[1].Note.Should().Contain("cancelled");
        drill.Tickets[2].Note.Should().Contain("planned");
        drill.Kpis.Mtta.MeanSeconds.Should().Be(900);
    }

    [Fact]
    public void AreaAndPlantDrillDowns_TakeTheirMachines_AndMatchTheReport()
    {
        var report = MaintenanceAnalytics.Compute(Fixture, Query(0, 100));

        var turning = MaintenanceAnalytics.DrillDown(Fixture, Query(0, 100), AnalyticsScope.Area(2));
        turning.Scope.Name.Should().Be("Turning");
        turning.Periods.Select(p => p.PeriodId).Should().Equal(8);
        turning.Kpis.Should().BeEquivalentTo(report.Areas.Single(a => a.Scope.Id == 2).Kpis);

        var plant = MaintenanceAnalytics.DrillDown(Fixture, Query(0, 100), AnalyticsScope.Plant);
        plant.Kpis.Should().BeEquivalentTo(report.Plant.Kpis);
        plant.Expected.Should().HaveCount(2);
        plant.Kpis.Basis.Should().Be(ExpectedBasis.Mixed);
    }
}
