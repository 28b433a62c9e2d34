using OpsConsole.Core.Maintenance.Analytics;

namespace OpsConsole.Core.Maintenance;

/// <summary>The production record a moment belongs to: the plant-local date its shift started, and the shift's name.</summary>
public readonly record struct ShiftSlot(DateOnly Date, string Shift, int PlannedSeconds);

/// <summary>
/// Which shift of a machine's calendar a moment falls in (ADR 0031), so that telemetry counters land in the same
/// (machine, date, shift) record as an imported CSV row would: the shift named as in the calendar, dated by the local
/// day it started (a night shift that runs past midnight keeps its start day). A moment outside every shift is
/// <see cref="OffShift"/> on its local day; a machine without a calendar works 24/7 and its shift is <see cref="AllDay"/>
/// on the plant's local day.
/// </summary>
public static class ProductionShifts
{
    public const string OffShift = "off shift";
    public const string AllDay = "all day";

    public static ShiftSlot At(ShiftCalendar? calendar, DateTime utc, string plantTimeZone)
    {
        utc = DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        if (calendar is null)
        {
            return new ShiftSlot(ExpectedTime.LocalDate(utc, ExpectedTime.Zone(plantTimeZone)), AllDay, 86_400);
        }
        var zone = ExpectedTime.Zone(calendar.TimeZone);
        var today = ExpectedTime.LocalDate(utc, zone);
        foreach (var day in new[] { today, today.AddDays(-1) })
        {
            foreach (var shift in calendar.Shifts.Where(s => s.StartsOn(day.DayOfWeek)).OrderBy(s => s.StartMinute))
            {
                var localStart = day.ToDateTime(TimeOnly.MinValue).AddMinutes(shift.StartMinute);
                var start = ExpectedTime.ToUtc(localStart, zone);
                var end = ExpectedTime.ToUtc(localStart.AddMinutes(shift.DurationMinutes), zone);
                if (utc >= start && utc < end)
                {
                    return new ShiftSlot(day, shift.Name, (int)(end - start).TotalSeconds);
                }
            }
        }
        return new ShiftSlot(today, OffShift, 0);
    }
}
