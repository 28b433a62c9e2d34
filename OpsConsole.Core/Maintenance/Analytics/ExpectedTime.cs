using System.Collections.Concurrent;

namespace OpsConsole.Core.Maintenance.Analytics;

/// <summary>
/// Expected time from a shift calendar in its own time zone, and plant-local days, as UTC ranges. A shift starts at its
/// local wall-clock time and ends at the wall-clock time its length later, so a night shift on a spring-forward night
/// is an hour shorter and on a fall-back night an hour longer. A wall-clock time that does not exist (in the spring
/// gap) is the moment the clocks jump (03:00 in Berlin); one that happens twice (fall-back) is the first of the two.
/// </summary>
public static class ExpectedTime
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.Ordinal);

    /// <summary>The IANA zone; an unknown one is an <see cref="ArgumentException"/> naming it.</summary>
    public static TimeZoneInfo Zone(string id) =>
        Zones.GetOrAdd(id, static z =>
        {
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(z);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                throw new ArgumentException($"Unknown time zone '{z}'.", nameof(id), e);
            }
        });

    /// <summary>The UTC instant of a local wall-clock time in <paramref name="zone"/> (in the gap: when the clocks jump; twice: the first).</summary>
    public static DateTime ToUtc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // The moment the clocks jump: the gap's first wall-clock minute read with the offset in force before it
            // (transitions are months apart, so a day earlier is before it). Gaps are whole minutes in tzdb.
            var gapStart = new DateTime(local.Ticks - local.Ticks % TimeSpan.TicksPerMinute);
            while (zone.IsInvalidTime(gapStart.AddMinutes(-1)))
            {
                gapStart = gapStart.AddMinutes(-1);
            }
            var before = zone.GetUtcOffset(DateTime.SpecifyKind(local.AddDays(-1), DateTimeKind.Utc));
            return DateTime.SpecifyKind(gapStart - before, DateTimeKind.Utc);
        }
        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            return DateTime.SpecifyKind(local - offsets.Max(), DateTimeKind.Utc);
        }
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    /// <summary>The plant-local date of a UTC instant.</summary>
    public static DateOnly LocalDate(DateTime utc, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone));

    /// <summary>The calendar's expected time inside [from, to), sorted and merged (overlapping shifts count once).</summary>
    public static IReadOnlyList<(DateTime Start, DateTime End)> Blocks(AnalyticsCalendar calendar, DateTime from, DateTime to) =>
        [.. Ranges(calendar, from.Ticks, to.Ticks).Select(r => (new DateTime(r.Start, DateTimeKind.Utc), new DateTime(r.End, DateTimeKind.Utc)))];

    // Per zone and year: the UTC ticks of each local midnight (day 0 … the next year's 1 January). Converting a
    // wall-clock time costs microseconds in TimeZoneInfo; a year of three shifts is thousands of them, so within a
    // day without a clock change a time is its midnight's instant plus the minutes since.
    private static readonly ConcurrentDictionary<(string Zone, int Year), long[]> Midnights = new();

    private static long[] YearMidnights(string zoneId, TimeZoneInfo zone, int year) =>
        Midnights.GetOrAdd((zoneId, year), static (key, z) =>
        {
            var first = new DateOnly(key.Year, 1, 1);
            var days = first.AddYears(1).DayNumber - first.DayNumber;
            var midnights = new long[days + 1];
            for (var d = 0; d <= days; d++)
            {
                midnights[d] = ToUtc(first.AddDays(d).ToDateTime(TimeOnly.MinValue), z).Ticks;
            }
            return midnights;
        }, zone);

    /// <summary>The UTC instant of a local midnight, from the per-year table.</summary>
    internal static long MidnightUtc(string zoneId, TimeZoneInfo zone, DateOnly day)
    {
        var midnights = YearMidnights(zoneId, zone, day.Year);
        return midnights[day.DayNumber - new DateOnly(day.Year, 1, 1).DayNumber];
    }

    /// <summary>The UTC ticks of a wall-clock time <paramref name="minutes"/> after a local midnight (may be past the next one).</summary>
    private static long WallClockUtc(string zoneId, TimeZoneInfo zone, DateOnly day, int minutes)
    {
        var whole = minutes / 1440;
        var date = day.AddDays(whole);
        var rest = minutes - whole * 1440;
        var midnight = MidnightUtc(zoneId, zone, date);
        var next = MidnightUtc(zoneId, zone, date.AddDays(1));
        if (next - midnight == TimeSpan.TicksPerDay)
        {
            return midnight + rest * TimeSpan.TicksPerMinute;   // no clock change that day
        }
        return ToUtc(date.ToDateTime(TimeOnly.MinValue).AddMinutes(rest), zone).Ticks;
    }

    internal static List<TimeRange> Ranges(AnalyticsCalendar calendar, long from, long to)
    {
        var ranges = new List<TimeRange>();
        if (to <= from || calendar.Shifts.Count == 0)
        {
            return ranges;
        }
        var zone = Zone(calendar.TimeZone);
        var longest = calendar.Shifts.Max(s => Math.Max(0, s.StartMinute) + Math.Max(0, s.DurationMinutes));
        // Shifts that start on earlier days may still run into the window.
        var first = LocalDate(new DateTime(from, DateTimeKind.Utc), zone).AddDays(-(longest / 1440 + 1));
        var last = LocalDate(new DateTime(to, DateTimeKind.Utc), zone);
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            foreach (var shift in calendar.Shifts)
            {
                if (shift.DurationMinutes <= 0 || shift.StartMinute < 0 || !shift.StartsOn(day.DayOfWeek))
                {
                    continue;
                }
                var start = WallClockUtc(calendar.TimeZone, zone, day, shift.StartMinute);
                var end = WallClockUtc(calendar.TimeZone, zone, day, shift.StartMinute + shift.DurationMinutes);
                start = Math.Max(start, from);
                end = Math.Min(end, to);
                if (end > start)
                {
                    ranges.Add(new TimeRange(start, end));
                }
            }
        }
        return TimeRanges.Union(ranges);
    }

    /// <summary>UTC ticks of each plant-local midnight from the day of <paramref name="from"/> to the one after the day of the last instant before <paramref name="to"/>.</summary>
    internal static (DateOnly FirstDay, long[] Starts) Days(string zoneId, TimeZoneInfo zone, long from, long to)
    {
        var firstDay = LocalDate(new DateTime(from, DateTimeKind.Utc), zone);
        var lastDay = LocalDate(new DateTime(Math.Max(from, to - 1), DateTimeKind.Utc), zone);
        var count = lastDay.DayNumber - firstDay.DayNumber + 2;
        var starts = new long[count];
        for (var i = 0; i < count; i++)
        {
            starts[i] = MidnightUtc(zoneId, zone, firstDay.AddDays(i));
        }
        return (firstDay, starts);
    }
}
