using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Analytics;
using static OpsConsole.Tests.Core.Maintenance.Analytics.AnalyticsTestData;

namespace OpsConsole.Tests.Core.Maintenance.Analytics;

/// <summary>Expected time from shift calendars in their own time zone, across midnight and on DST days; plant-local days.</summary>
public sealed class ExpectedTimeTests
{
    private static readonly AnalyticsShift NightShift = new(EveryDay, 22 * 60, 8 * 60);

    private static DateTime Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public void NightShift_CrossingMidnight_CountsTheTailOfTheShiftThatStartedTheDayBefore()
    {
        var calendar = Calendar(1, "Etc/UTC", NightShift);

        var blocks = ExpectedTime.Blocks(calendar, H(24), H(48));

        blocks.Should().Equal((H(24), H(30)), (H(46), H(48)));
    }

    [Fact]
    public void OverlappingShifts_CountOnce()
    {
        var calendar = Calendar(1, "Etc/UTC", new AnalyticsShift(Monday, 6 * 60, 8 * 60), new AnalyticsShift(Monday, 10 * 60, 8 * 60));

        var blocks = ExpectedTime.Blocks(calendar, H(0), H(24));

        blocks.Should().Equal((H(6), H(18)));
    }

    [Fact]
    public void SpringForwardNight_InBerlin_MakesTheNightShiftSevenHours()
    {
        // Sunday 2026-03-29: clocks go from 02:00 CET to 03:00 CEST. Saturday's 22:00 CET is 21:00 UTC, Sunday's 06:00 CEST 04:00 UTC.
        var calendar = Calendar(1, "Europe/Berlin", NightShift);

        var blocks = ExpectedTime.Blocks(calendar, Utc(2026, 3, 28, 12), Utc(2026, 3, 29, 12));

        blocks.Should().Equal((Utc(2026, 3, 28, 21), Utc(2026, 3, 29, 4)));
    }

    [Fact]
    public void FallBackNight_InBerlin_MakesTheNightShiftNineHours()
    {
        // Sunday 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET. Saturday's 22:00 CEST is 20:00 UTC, Sunday's 06:00 CET 05:00 UTC.
        var calendar = Calendar(1, "Europe/Berlin", NightShift);

        var blocks = ExpectedTime.Blocks(calendar, Utc(2026, 10, 24, 12), Utc(2026, 10, 25, 12));

        blocks.Should().Equal((Utc(2026, 10, 24, 20), Utc(2026, 10, 25, 5)));
    }

    [Fact]
    public void ShiftStartingInTheSpringGap_StartsWhenTheClocksJump()
    {
        // 02:30–03:30 by the clock on 2026-03-29 in Berlin: 02:30 never happens, so the shift runs 03:00–03:30 CEST.
        var sunday = 1 << (int)DayOfWeek.Sunday;
        var calendar = Calendar(1, "Europe/Berlin", new AnalyticsShift(sunday, 150, 60));

        var blocks = ExpectedTime.Blocks(calendar, Utc(2026, 3, 28, 0), Utc(2026, 3, 30, 0));

        blocks.Should().Equal((Utc(2026, 3, 29, 1), Utc(2026, 3, 29, 1, 30)));
    }

    [Fact]
    public void AmbiguousWallClockTime_OnTheFallBackNight_IsTheFirstOfTheTwo()
    {
        var zone = ExpectedTime.Zone("Europe/Berlin");

        ExpectedTime.ToUtc(new DateTime(2026, 10, 25, 2, 30, 0), zone).Should().Be(Utc(2026, 10, 25, 0, 30));
    }

    [Theory]
    [InlineData(3, 29, 23)]
    [InlineData(10, 25, 25)]
    [InlineData(6, 1, 24)]
    public void DailySeries_InBerlin_HasDstDaysOf23And25Hours(int month, int day, double hours)
    {
        var input = Input([Machine()]);
        var date = new DateOnly(2026, month, day);
        var zone = ExpectedTime.Zone("Europe/Berlin");
        var from = ExpectedTime.ToUtc(date.ToDateTime(TimeOnly.MinValue), zone);
        var to = ExpectedTime.ToUtc(date.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);

        var report = MaintenanceAnalytics.Compute(input, new AnalyticsQuery(from.AddDays(-1), to.AddDays(1), to.AddDays(30), "Europe/Berlin", 120));

        report.Plant.Daily.Select(d => d.Day).Should().Equal(date.AddDays(-1), date, date.AddDays(1));
        Hours(report.Plant.Daily[1].ExpectedSeconds).Should().Be(hours);
    }

    [Fact]
    public void DailySeries_OnTheSpringForwardDay_SplitsAStopAtBerlinMidnights()
    {
        // A stop from Saturday 23:00 CET (22:00 UTC) to Sunday 04:00 CEST (02:00 UTC): 1 h on Saturday, 3 h on Sunday (01:00–04:00 minus the lost hour).
        var input = Input([Machine()], [new AnalyticsPeriod(1, 1, Utc(2026, 3, 28, 22), Utc(2026, 3, 29, 2), DowntimeKind.Unplanned)]);

        var report = MaintenanceAnalytics.Compute(input, new AnalyticsQuery(Utc(2026, 3, 27, 23), Utc(2026, 3, 29, 22), Utc(2026, 4, 1, 0), "Europe/Berlin", 120));

        report.Plant.Daily.Select(d => (d.Day.Day, Hours(d.UnplannedDowntimeSeconds), Hours(d.ExpectedSeconds))).Should().Equal((28, 1.0, 24.0), (29, 3.0, 23.0));
        report.Plant.Daily.Select(d => d.Failures).Should().Equal(1, 0);
    }

    [Fact]
    public void CalendarInAnotherZoneThanThePlant_IsReadInItsOwnZone()
    {
        // Monday 08:00–16:00 in New York (UTC−5 in January) is 13:00–21:00 UTC.
        var calendar = Calendar(2, "America/New_York", new AnalyticsShift(Monday, 8 * 60, 8 * 60));

        ExpectedTime.Blocks(calendar, H(0), H(24)).Should().Equal((H(13), H(21)));
    }
}
