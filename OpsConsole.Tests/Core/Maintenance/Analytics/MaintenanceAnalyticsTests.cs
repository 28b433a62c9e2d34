using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Analytics;
using static OpsConsole.Tests.Core.Maintenance.Analytics.AnalyticsTestData;

namespace OpsConsole.Tests.Core.Maintenance.Analytics;

/// <summary>The definitions of docs/analytics.md, one by one, on small fixtures (hours after Monday 2026-01-05 00:00 UTC).</summary>
public sealed class MaintenanceAnalyticsTests
{
    private static AnalyticsKpis Kpis(AnalyticsInput input, AnalyticsQuery query) => MaintenanceAnalytics.Compute(input, query).Plant.Kpis;

    [Fact]
    public void IssueFixture_TwoFailuresAndAPlannedStopIn80ExpectedHours_GivesTheIssuesFigures()
    {
        // Issue 18: a 100 h window, an 80 h calendar, failures at 10 h (2 h) and 50 h (3 h), a 1 h planned stop.
        var input = Input([Machine(calendar: EightyHours)], [Down(1, 10, 12), Down(2, 50, 53), PlannedStop(3, 30, 31)]);

        var kpis = Kpis(input, Query(0, 100));

        kpis.Basis.Should().Be(ExpectedBasis.Calendar);
        Hours(kpis.ExpectedSeconds).Should().Be(80);
        Hours(kpis.PlannedDowntimeSeconds).Should().Be(1);
        Hours(kpis.UnplannedDowntimeSeconds).Should().Be(5);
        kpis.Failures.Should().Be(2);
        Hours(kpis.MttrSeconds!.Value).Should().Be(2.5);
        Hours(kpis.UptimeSeconds).Should().Be(74);
        Hours(kpis.MtbfSeconds!.Value).Should().Be(37);
        kpis.Availability.Should().BeApproximately(74.0 / 79.0, 1e-12);
        Math.Round(kpis.Availability!.Value * 100, 1).Should().Be(93.7);
        kpis.Oee.Should().BeNull("there is no production data");
    }

    [Fact]
    public void PeriodsStraddlingTheWindowEdges_AreClippedToIt()
    {
        var input = Input([Machine()], [Down(1, -5, 2), Down(2, 22, 30)]);

        var kpis = Kpis(input, Query(0, 24));

        Hours(kpis.ExpectedSeconds).Should().Be(24);
        Hours(kpis.UnplannedDowntimeSeconds).Should().Be(4, "2 h after the start and 2 h before the end");
        kpis.Failures.Should().Be(2);
        Hours(kpis.UptimeSeconds).Should().Be(20);
    }

    [Fact]
    public void OverlappingUnplannedPeriods_AreCountedOnce_TheOverlapGoingToTheEarlierOne()
    {
        var input = Input([Machine()], [Down(1, 2, 6), Down(2, 4, 8), Down(3, 5, 7)]);

        var report = MaintenanceAnalytics.Compute(input, Query(0, 24));
        var drill = MaintenanceAnalytics.DrillDown(input, Query(0, 24), AnalyticsScope.Machine(1));

        Hours(report.Plant.Kpis.UnplannedDowntimeSeconds).Should().Be(6, "2 h to 8 h, once");
        report.Plant.Kpis.Failures.Should().Be(2, "the third period lies wholly inside the others and costs no time of its own");
        drill.Periods.Select(p => (p.PeriodId, Hours(p.CountedSeconds))).Should().Equal((1, 4.0), (2, 2.0), (3, 0.0));
    }

    [Fact]
    public void PlannedDowntime_WinsOverAnOverlappingUnplannedPeriod()
    {
        var input = Input([Machine()], [PlannedStop(1, 4, 8), Down(2, 6, 10)]);

        var kpis = Kpis(input, Query(0, 24));

        Hours(kpis.PlannedDowntimeSeconds).Should().Be(4);
        Hours(kpis.UnplannedDowntimeSeconds).Should().Be(2, "only 8 h to 10 h lies outside the planned stop");
        Hours(kpis.UptimeSeconds).Should().Be(18);
        kpis.Availability.Should().BeApproximately(18.0 / 20.0, 1e-12);
        Hours(kpis.MttrSeconds!.Value).Should().Be(2);
    }

    [Fact]
    public void OpenPeriod_WhenTheWindowIsPast_IsClippedAtTheWindowsEnd()
    {
        var input = Input([Machine()], [Down(1, 20, null)]);

        var kpis = Kpis(input, Query(0, 24, nowHours: 30));

        Hours(kpis.UnplannedDowntimeSeconds).Should().Be(4);
        kpis.Failures.Should().Be(1);
    }

    [Fact]
    public void OpenPeriod_WhenTheWindowReachesPastNow_EndsAtNow_AndSoDoesExpectedTime()
    {
        var input = Input([Machine()], [Down(1, 10, null)]);

        var report = MaintenanceAnalytics.Compute(input, Query(0, 24, nowHours: 12));

        report.EffectiveEnd.Should().Be(H(12));
        Hours(report.Plant.Kpis.ExpectedSeconds).Should().Be(12, "the hours after now are not expected time yet");
        Hours(report.Plant.Kpis.UnplannedDowntimeSeconds).Should().Be(2);
        Hours(report.Plant.Kpis.UptimeSeconds).Should().Be(10);
    }

    [Fact]
    public void ZeroFailures_GiveNoMtbfAndNoMttr_NeverZeroOrInfinity()
    {
        var input = Input([Machine(calendar: EightyHours)], [PlannedStop(1, 30, 31)]);

        var kpis = Kpis(input, Query(0, 100));

        kpis.Failures.Should().Be(0);
        kpis.MtbfSeconds.Should().BeNull();
        kpis.MttrSeconds.Should().BeNull();
        Hours(kpis.UptimeSeconds).Should().Be(79);
        kpis.Availability.Should().Be(1);
    }

    [Fact]
    public void MachineWithoutACalendar_IsExpected247_AndThePlantSaysItIsMixed()
    {
        var input = Input([Machine(1), Machine(2, EightyHours)]);

        var report = MaintenanceAnalytics.Compute(input, Query(0, 100));

        var noCalendar = report.Machines.Single(m => m.Scope.Id == 1).Kpis;
        noCalendar.Basis.Should().Be(ExpectedBasis.AllDay);
        Hours(noCalendar.ExpectedSeconds).Should().Be(100);
        report.Machines.Single(m => m.Scope.Id == 2).Kpis.Basis.Should().Be(ExpectedBasis.Calendar);
        report.Plant.Kpis.Basis.Should().Be(ExpectedBasis.Mixed);
        Hours(report.Plant.Kpis.ExpectedSeconds).Should().Be(180);
    }

    [Fact]
    public void DowntimeOutsideExpectedTime_IsNotCounted_AndAFailureThatCostNoExpectedTimeIsNoFailure()
    {
        // Expected 00:00–20:00; a stop 19 h–23 h costs 1 h; one at 21 h–23 h on the next night costs nothing.
        var input = Input([Machine(calendar: EightyHours)], [Down(1, 19, 23), Down(2, 45, 47)]);

        var kpis = Kpis(input, Query(0, 100));

        Hours(kpis.UnplannedDowntimeSeconds).Should().Be(1);
        kpis.Failures.Should().Be(1);
    }

    [Fact]
    public void MicroStop_IsUnplannedDowntime_ButNeverAFailure()
    {
        var input = Input([Machine()], [Down(1, 1, 1 + 60.0 / 3600), Down(2, 5, 6)]);

        var kpis = Kpis(input, Query(0, 24, microStopSeconds: 120));

        kpis.MicroStops.Should().Be(1);
        kpis.MicroStopSeconds.Should().Be(60);
        kpis.UnplannedDowntimeSeconds.Should().Be(3660);
        kpis.Failures.Should().Be(1);
        kpis.FailureDowntimeSeconds.Should().Be(3600);
        kpis.MttrSeconds.Should().Be(3600);
    }

    [Fact]
    public void MicroStop_IsJudgedOnTheWholePeriod_NotOnItsClippedPart()
    {
        // Five minutes long, but only one minute of it inside the window: still a failure.
        var input = Input([Machine()], [Down(1, -4.0 / 60, 1.0 / 60)]);

        var kpis = Kpis(input, Query(0, 24, microStopSeconds: 120));

        kpis.Failures.Should().Be(1);
        kpis.MicroStops.Should().Be(0);
        kpis.FailureDowntimeSeconds.Should().Be(60);
    }

    [Fact]
    public void ExcludedPeriods_AreLeftOutOfEveryFigure_EvenWhereTheyOverlapOthers()
    {
        var input = Input([Machine()], [Excluded(1, 0, 10), Down(2, 5, 6)]);

        var kpis = Kpis(input, Query(0, 24));

        Hours(kpis.UnplannedDowntimeSeconds).Should().Be(1);
        Hours(kpis.PlannedDowntimeSeconds).Should().Be(0);
        Hours(kpis.UptimeSeconds).Should().Be(23);
        kpis.Failures.Should().Be(1);
    }

    [Fact]
    public void PeriodsOfOneTicket_AreOneFailure_AndTheirDowntimeAddsUp()
    {
        var input = Input([Machine()], [Down(1, 1, 2, ticketId: 7), Down(2, 3, 5, ticketId: 7), Down(3, 8, 9)],
            [Ticket(7, 1, 1.5)]);

        var kpis = Kpis(input, Query(0, 24));

        kpis.Failures.Should().Be(2, "ticket 7's two stops are one failure (a reopen is the same failure), the unlinked stop another");
        Hours(kpis.FailureDowntimeSeconds).Should().Be(4);
        Hours(kpis.MttrSeconds!.Value).Should().Be(2);
    }

    [Fact]
    public void CancelledAndPlannedTickets_TheirStopsAreDowntimeButNoFailure_AndTheyAreNotInMtta()
    {
        var input = Input([Machine()], [Down(1, 1, 2, ticketId: 7), Down(2, 3, 4, ticketId: 8)],
            [Ticket(7, 1, 1.5, status: TicketStatus.Cancelled), Ticket(8, 3, 3.5, kind: TicketKind.Planned)]);

        var kpis = Kpis(input, Query(0, 24));

        Hours(kpis.UnplannedDowntimeSeconds).Should().Be(2);
        kpis.Failures.Should().Be(0);
        kpis.MtbfSeconds.Should().BeNull();
        kpis.Mtta.Tickets.Should().Be(0);
        kpis.Mtta.MeanSeconds.Should().BeNull();
    }

    [Fact]
    public void Mtta_IsCreatedToFirstInProgress_PerPriority_LeavingOutUnacknowledgedFromTheMean()
    {
        var input = Input([Machine()], tickets:
        [
            Ticket(1, 1, 1.5, priority: TicketPriority.High),
            Ticket(2, 2, 3.5, priority: TicketPriority.High),
            Ticket(3, 4, 8, priority: TicketPriority.Low),
            Ticket(4, 5, null, priority: TicketPriority.Low, status: TicketStatus.Open),
            Ticket(5, -10, -9, priority: TicketPriority.Low),
        ]);

        var kpis = Kpis(input, Query(0, 24));

        var high = kpis.MttaByPriority.Single(m => m.Priority == TicketPriority.High);
        high.Tickets.Should().Be(2);
        high.MeanSeconds.Should().Be(3600, "(0.5 h + 1.5 h) / 2");
        var low = kpis.MttaByPriority.Single(m => m.Priority == TicketPriority.Low);
        low.Tickets.Should().Be(2, "ticket 5 was created before the window");
        low.Unacknowledged.Should().Be(1);
        low.MeanSeconds.Should().Be(4 * 3600);
        kpis.MttaByPriority.Single(m => m.Priority == TicketPriority.Critical).MeanSeconds.Should().BeNull();
        kpis.Mtta.Tickets.Should().Be(4);
        kpis.Mtta.MeanSeconds.Should().Be((0.5 + 1.5 + 4) * 3600 / 3);
    }

    [Fact]
    public void Oee_IsAvailabilityTimesPerformanceTimesQuality_FromProductionOfTheWindowsDays()
    {
        var day = DateOnly.FromDateTime(T0);
        var input = Input([Machine()], [Down(1, 6, 8)],
            production:
            [
                new AnalyticsProduction(1, day, "early", Good: 900, Scrap: 100, RunSeconds: 20_000, PlannedSeconds: 28_800, IdealCycleSeconds: 16),
                new AnalyticsProduction(1, day.AddDays(5), "early", 1, 0, 10, 10, 1),
            ]);

        var oee = Kpis(input, Query(0, 24)).Oee!;

        oee.Records.Should().Be(1, "the second record's date is outside the window");
        oee.Availability.Should().BeApproximately(22.0 / 24.0, 1e-12);
        oee.Performance.Should().BeApproximately(16.0 * 1000 / 20_000, 1e-12);
        oee.Quality.Should().BeApproximately(0.9, 1e-12);
        oee.Oee.Should().BeApproximately(22.0 / 24.0 * 0.8 * 0.9, 1e-12);
    }

    [Fact]
    public void Oee_WithoutAnIdealCycle_HasNoPerformanceAndNoOee_AndWithoutProductionIsAbsent()
    {
        var day = DateOnly.FromDateTime(T0);
        var input = Input([Machine(1), Machine(2)], production: [new AnalyticsProduction(1, day, "early", 90, 10, 3600, 3600, null)]);

        var report = MaintenanceAnalytics.Compute(input, Query(0, 24));

        var oee = report.Machines.Single(m => m.Scope.Id == 1).Kpis.Oee!;
        oee.Quality.Should().Be(0.9);
        oee.Performance.Should().BeNull();
        oee.Oee.Should().BeNull();
        report.Machines.Single(m => m.Scope.Id == 2).Kpis.Oee.Should().BeNull();
    }

    [Fact]
    public void AreasAndPlant_AddUpSeconds_AndTakeRatiosOfTheSums()
    {
        var input = Input(
            [Machine(1, areaId: 1, areaName: "Milling"), Machine(2, areaId: 1, areaName: "Milling"), Machine(3, areaId: 2, areaName: "Turning")],
            [Down(1, 1, 2, machineId: 1), Down(2, 1, 5, machineId: 2), Down(3, 3, 4, machineId: 2), Down(4, 0, 12, machineId: 3)]);

        var report = MaintenanceAnalytics.Compute(input, Query(0, 24));

        var milling = report.Areas.Single(a => a.Scope.Name == "Milling");
        milling.Machines.Should().Be(2);
        Hours(milling.Kpis.UptimeSeconds).Should().Be(48 - 5);
        milling.Kpis.Failures.Should().Be(2, "machine 2's stop at 3 h lies inside its stop from 1 h to 5 h");
        Hours(milling.Kpis.MtbfSeconds!.Value).Should().Be(43.0 / 2);
        Hours(report.Plant.Kpis.MtbfSeconds!.Value).Should().Be((72.0 - 17) / 3);
        report.Plant.Kpis.Availability.Should().BeApproximately(55.0 / 72, 1e-12, "a ratio of sums, not a mean of the machines' ratios");
    }

    [Fact]
    public void ReasonPareto_OrdersUnplannedDowntimeByReason_WithCumulativeShares()
    {
        var input = Input([Machine()],
            [Down(1, 0, 1, reason: "jam"), Down(2, 2, 5, reason: "tool"), Down(3, 6, 7, reason: "jam"), Down(4, 8, 8.5), PlannedStop(5, 10, 14)]);

        var pareto = MaintenanceAnalytics.Compute(input, Query(0, 24)).ReasonPareto;

        pareto.Select(p => (p.Key, p.Count, Hours(p.Seconds))).Should().Equal(("tool", 1, 3.0), ("jam", 2, 2.0), (MaintenanceAnalytics.NoCode, 1, 0.5));
        pareto.Select(p => p.CumulativeShare).Should().Equal(3 / 5.5, 5 / 5.5, 1.0);
    }

    [Fact]
    public void FailureCodePareto_GroupsFailuresByTheirTicketsProblemCode()
    {
        var input = Input([Machine()], [Down(1, 0, 1, ticketId: 1), Down(2, 2, 5, ticketId: 2), Down(3, 6, 8, ticketId: 3), Down(4, 9, 10)],
            [Ticket(1, 0, failureCode: "BEARING"), Ticket(2, 2, failureCode: "SPINDLE"), Ticket(3, 6, failureCode: "BEARING")]);

        var pareto = MaintenanceAnalytics.Compute(input, Query(0, 24)).FailureCodePareto;

        pareto.Select(p => (p.Key, p.Count, Hours(p.Seconds))).Should().Equal(("BEARING", 2, 3.0), ("SPINDLE", 1, 3.0), (MaintenanceAnalytics.NoCode, 1, 1.0));
    }

    [Fact]
    public void TicketBreakdown_CountsTheWindowsTicketsByStatusPriorityAndMachine_AndAgesActiveTicketsAtNow()
    {
        var input = Input([Machine(1), Machine(2)], tickets:
        [
            Ticket(1, 1, machineId: 1, status: TicketStatus.Open, priority: TicketPriority.Critical),
            Ticket(2, 2, machineId: 2, status: TicketStatus.Resolved),
            Ticket(3, 3, machineId: 2, status: TicketStatus.Cancelled),
            Ticket(4, 4, machineId: 2, status: TicketStatus.OnHold),
            Ticket(5, -24 * 40, machineId: 1, status: TicketStatus.InProgress),
        ]);

        var tickets = MaintenanceAnalytics.Compute(input, Query(0, 24, nowHours: 48)).Tickets;

        tickets.ByStatus.Single(s => s.Key == TicketStatus.Cancelled).Count.Should().Be(1);
        tickets.ByStatus.Sum(s => s.Count).Should().Be(4, "ticket 5 was created before the window");
        tickets.ByPriority.Sum(p => p.Count).Should().Be(3, "the cancelled ticket is left out");
        tickets.ByPriority.Single(p => p.Key == TicketPriority.Critical).Count.Should().Be(1);
        tickets.ByMachine.Should().Equal(new CountLine<int>(2, 2), new CountLine<int>(1, 1));
        tickets.ActiveAges.Select(a => a.Count).Should().Equal(0, 2, 0, 0, 1);
    }

    [Fact]
    public void DailySeries_BucketsByPlantLocalDays_AndCountsAFailureOnTheDayItFirstCostTime()
    {
        var input = Input([Machine()], [Down(1, 22, 26)]);

        var daily = MaintenanceAnalytics.Compute(input, Query(0, 48)).Plant.Daily;

        daily.Select(d => d.Day).Should().Equal(new DateOnly(2026, 1, 5), new DateOnly(2026, 1, 6));
        daily.Select(d => Hours(d.UnplannedDowntimeSeconds)).Should().Equal(2.0, 2.0);
        daily.Select(d => d.Failures).Should().Equal(1, 0);
        daily.Select(d => d.Availability).Should().Equal(22.0 / 24, 22.0 / 24);
    }

    [Fact]
    public void SparseIdsAndPeriodsOutOfOrder_GiveTheSameFigures()
    {
        // Machine and ticket ids far apart take the dictionary path; periods given out of start order are sorted first.
        var input = Input([Machine(7_000_000, EightyHours)],
            [PlannedStop(3, 30, 31, machineId: 7_000_000), Down(2, 50, 53, machineId: 7_000_000, ticketId: 1L << 40),
             Down(1, 10, 12, machineId: 7_000_000, ticketId: 5)],
            [Ticket(1L << 40, 50, machineId: 7_000_000, failureCode: "A"), Ticket(5, 10, machineId: 7_000_000, failureCode: "B")]);

        var report = MaintenanceAnalytics.Compute(input, Query(0, 100));

        Hours(report.Plant.Kpis.MttrSeconds!.Value).Should().Be(2.5);
        Hours(report.Plant.Kpis.MtbfSeconds!.Value).Should().Be(37);
        report.FailureCodePareto.Select(p => p.Key).Should().Equal("A", "B");
    }

    [Fact]
    public void UnknownTimeZone_IsAnArgumentExceptionNamingIt()
    {
        var act = () => MaintenanceAnalytics.Compute(Input([Machine()]), Query(0, 24, zone: "Mars/Olympus"));

        act.Should().Throw<ArgumentException>().WithMessage("*Mars/Olympus*");
    }
}
