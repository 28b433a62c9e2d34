using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

/// <summary>One shift as entered: its name, the days it starts on ("mon" … "sun"), its local start ("HH:mm") and its length.</summary>
public sealed record ShiftInput(string? Name, IReadOnlyList<string>? Days, string? Start, int? DurationMinutes);

/// <summary>A whole calendar as entered (a new one, or an edit based on <see cref="Version"/> that replaces name, zone and shifts).</summary>
public sealed record CalendarInput(int? Version, string? Name, string? TimeZone, IReadOnlyList<ShiftInput>? Shifts);

/// <summary>
/// Admins create and edit shift calendars (issue 18 item 11, ADR 0035). An edit replaces the calendar's shifts and
/// applies to what is computed or stored after it: telemetry counters land in the new shifts from the next batch, an
/// import matches the new shift names; production records already stored keep their date, shift and planned time.
/// </summary>
public sealed class ShiftCalendars(IDbContextFactory<OpsDbContext> contexts, IOpsEventStream events, TimeProvider time, AccountGate gate)
{
    public const int MaxNameLength = 100;
    public const int MaxShiftNameLength = 50;
    public const int MaxTimeZoneLength = 64;
    public const int MaxShifts = 21;
    public const int MinutesPerDay = 1440;
    private const int MinutesPerWeek = 7 * MinutesPerDay;

    /// <summary>The wire names of the days, in <see cref="DayOfWeek"/> order (bit 1 &lt;&lt; day).</summary>
    public static readonly IReadOnlyList<string> DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public async Task<OpsResult<ShiftCalendar>> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var calendar = await db.ShiftCalendars.AsNoTracking().Include(c => c.Shifts).SingleOrDefaultAsync(c => c.Id == id, ct);
        return calendar is null ? OpsResult<ShiftCalendar>.NotFound($"No shift calendar {id}.") : OpsResult<ShiftCalendar>.Ok(Ordered(calendar));
    }

    /// <summary>An admin creates a calendar (version 1).</summary>
    public async Task<OpsResult<ShiftCalendar>> CreateAsync(Actor actor, CalendarInput input, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var errors = new FieldErrors();
        var shifts = Validate(input, errors);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var name = input.Name?.Trim();
        if (!errors.Fields.Contains("name") && await db.ShiftCalendars.AnyAsync(c => c.Name == name, ct))
        {
            errors.Add("name", $"A shift calendar is already called '{name}'.");
        }
        if (errors.Any)
        {
            return errors.ToResult<ShiftCalendar>();
        }
        var calendar = new ShiftCalendar { Name = name!, TimeZone = input.TimeZone!.Trim(), Shifts = shifts, Version = 1 };
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.ShiftCalendars.Add(calendar);
            await db.SaveChangesAsync(ct);
            db.Audit(actor, time.GetUtcNow(), MaintenanceModule.Name, "calendar.create", "ShiftCalendar", calendar.Id.ToString(CultureInfo.InvariantCulture),
                null, Snapshot(calendar));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        return OpsResult<ShiftCalendar>.Ok(Ordered(calendar));
    }

    /// <summary>An admin replaces a calendar's name, zone and shifts, based on the version read; a stale version is refused.</summary>
    public async Task<OpsResult<ShiftCalendar>> EditAsync(Actor actor, long id, CalendarInput input, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var errors = new FieldErrors();
        if (input.Version is null)
        {
            errors.Add("version", "version is required: the calendar's version as you read it.");
        }
        var shifts = Validate(input, errors);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var name = input.Name?.Trim();
        if (!errors.Fields.Contains("name") && await db.ShiftCalendars.AnyAsync(c => c.Name == name && c.Id != id, ct))
        {
            errors.Add("name", $"A shift calendar is already called '{name}'.");
        }
        if (errors.Any)
        {
            return errors.ToResult<ShiftCalendar>();
        }
        var calendar = await db.ShiftCalendars.Include(c => c.Shifts).SingleOrDefaultAsync(c => c.Id == id, ct);
        if (calendar is null)
        {
            return OpsResult<ShiftCalendar>.NotFound($"No shift calendar {id}.");
        }
        if (calendar.Version != input.Version)
        {
            return OpsResult<ShiftCalendar>.Conflict(
                $"{calendar.Name} was changed since you read it (your version {input.Version}, now {calendar.Version}). Reload it and try again.",
                new Dictionary<string, object?> { ["version"] = calendar.Version });
        }
        var before = Snapshot(calendar);
        var after = Snapshot(new ShiftCalendar { Name = name!, TimeZone = input.TimeZone!.Trim(), Shifts = shifts });
        if (Describe(before) == Describe(after))
        {
            return OpsResult<ShiftCalendar>.Ok(Ordered(calendar));
        }
        // The shifts are replaced, not patched: nothing refers to a shift's row (production records name the shift).
        db.CalendarShifts.RemoveRange(calendar.Shifts);
        calendar.Shifts = shifts;
        (calendar.Name, calendar.TimeZone) = (name!, input.TimeZone!.Trim());
        calendar.Version++;
        db.Audit(actor, time.GetUtcNow(), MaintenanceModule.Name, "calendar.edit", "ShiftCalendar", calendar.Id.ToString(CultureInfo.InvariantCulture), before, after);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return OpsResult<ShiftCalendar>.Conflict($"{calendar.Name} was changed while you saved. Reload it and try again.");
        }
        var machines = await db.Machines.AsNoTracking().Where(m => m.CalendarId == calendar.Id).Select(m => m.Id).ToListAsync(ct);
        if (machines.Count > 0)
        {
            // Machine pages show the calendar's week and zone: they reload.
            events.Publish(new MachinesChanged(machines, MachineChange.Edited));
        }
        return OpsResult<ShiftCalendar>.Ok(Ordered(calendar));
    }

    /// <summary>
    /// Checks the name, the IANA zone and every shift (fields named <c>shifts[i].name</c>, <c>.days</c>, <c>.start</c>,
    /// <c>.duration_minutes</c>), and that no two shifts overlap, also across midnight and from Saturday into Sunday;
    /// returns the shifts to store.
    /// </summary>
    public static List<CalendarShift> Validate(CalendarInput input, FieldErrors errors)
    {
        errors.Required("name", input.Name, MaxNameLength);
        if (string.IsNullOrWhiteSpace(input.TimeZone))
        {
            errors.Add("time_zone", "time_zone is required: an IANA time zone such as Europe/Berlin.");
        }
        else if (input.TimeZone.Trim().Length > MaxTimeZoneLength || !IsIanaZone(input.TimeZone.Trim()))
        {
            errors.Add("time_zone", $"time_zone '{input.TimeZone.Trim()}' is not a known IANA time zone (such as Europe/Berlin or America/Chicago).");
        }
        var shifts = new List<CalendarShift>();
        if (input.Shifts is null || input.Shifts.Count == 0)
        {
            errors.Add("shifts", "shifts needs at least one shift: a calendar without shifts would expect no time at all (no calendar means 24/7).");
            return shifts;
        }
        if (input.Shifts.Count > MaxShifts)
        {
            errors.Add("shifts", $"shifts may hold at most {MaxShifts} shifts.");
            return shifts;
        }
        var valid = new List<(int Index, CalendarShift Shift)>();
        for (var i = 0; i < input.Shifts.Count; i++)
        {
            var shift = ReadShift(input.Shifts[i], $"shifts[{i}]", errors);
            if (shift is null)
            {
                continue;
            }
            if (valid.FirstOrDefault(v => string.Equals(v.Shift.Name, shift.Name, StringComparison.OrdinalIgnoreCase)) is { Shift: not null } same)
            {
                errors.Add($"shifts[{i}].name", $"shifts[{i}].name: shift {same.Index + 1} is already called '{shift.Name}' (production is recorded per shift name).");
                continue;
            }
            if (FirstOverlap(shift, valid) is { } overlap)
            {
                errors.Add($"shifts[{i}].start", $"shifts[{i}].start: overlaps {overlap.Other.Name} on {Day(overlap.Day)}; shifts of one calendar may not overlap.");
                continue;
            }
            valid.Add((i, shift));
        }
        shifts.AddRange(valid.Select(v => v.Shift));
        return shifts;
    }

    /// <summary>True for an IANA id this machine knows ("Europe/Berlin", "UTC"); Windows ids are refused so every platform reads the same zone.</summary>
    public static bool IsIanaZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;

    /// <summary>A minute of the day as "HH:mm".</summary>
    public static string Clock(int minute) => $"{minute / 60:00}:{minute % 60:00}";

    private static CalendarShift? ReadShift(ShiftInput input, string prefix, FieldErrors errors)
    {
        var failed = errors.Fields.Count;
        errors.Required($"{prefix}.name", input.Name, MaxShiftNameLength);
        var days = 0;
        if (input.Days is null || input.Days.Count == 0)
        {
            errors.Add($"{prefix}.days", $"{prefix}.days: choose at least one day the shift starts on.");
        }
        else
        {
            foreach (var text in input.Days)
            {
                var day = DayIndex(text);
                if (day < 0)
                {
                    errors.Add($"{prefix}.days", $"{prefix}.days: '{text}' is not a day (use {string.Join(", ", DayNames)}).");
                }
                else
                {
                    days |= 1 << day;
                }
            }
        }
        var start = -1;
        if (string.IsNullOrWhiteSpace(input.Start))
        {
            errors.Add($"{prefix}.start", $"{prefix}.start is required: the local time it starts, as HH:mm.");
        }
        // A browser's time input may send seconds ("10:00:00"); a whole minute is what a shift starts on.
        else if (TimeOnly.TryParseExact(input.Start.Trim(), ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock)
                 && clock.Second == 0 && clock.Millisecond == 0)
        {
            start = clock.Hour * 60 + clock.Minute;
        }
        else
        {
            errors.Add($"{prefix}.start", $"{prefix}.start: '{input.Start}' is not a time of day as HH:mm (00:00 to 23:59).");
        }
        if (input.DurationMinutes is not { } duration || duration < 1 || duration > MinutesPerDay)
        {
            errors.Add($"{prefix}.duration_minutes", $"{prefix}.duration_minutes must be 1 to {MinutesPerDay} minutes (at most a day).");
        }
        return errors.Fields.Count > failed
            ? null
            : new CalendarShift { Name = input.Name!.Trim(), Days = days, StartMinute = start, DurationMinutes = input.DurationMinutes!.Value };
    }

    /// <summary>The first stored shift this one overlaps, and the day the overlap starts on; over the week, with Saturday night running into Sunday.</summary>
    private static (CalendarShift Other, DayOfWeek Day)? FirstOverlap(CalendarShift shift, List<(int Index, CalendarShift Shift)> others)
    {
        foreach (var (start, end) in Intervals(shift))
        {
            foreach (var (_, other) in others)
            {
                foreach (var (otherStart, otherEnd) in Intervals(other))
                {
                    foreach (var wrap in new[] { -MinutesPerWeek, 0, MinutesPerWeek })
                    {
                        var (s, e) = (otherStart + wrap, otherEnd + wrap);
                        if (start < e && s < end)
                        {
                            var at = ((Math.Max(start, s) % MinutesPerWeek) + MinutesPerWeek) % MinutesPerWeek;
                            return (other, (DayOfWeek)(at / MinutesPerDay));
                        }
                    }
                }
            }
        }
        return null;
    }

    private static IEnumerable<(int Start, int End)> Intervals(CalendarShift shift) =>
        Enumerable.Range(0, 7).Where(d => shift.StartsOn((DayOfWeek)d))
            .Select(d => (d * MinutesPerDay + shift.StartMinute, d * MinutesPerDay + shift.StartMinute + shift.DurationMinutes));

    /// <summary>"mon" or "Monday" (any case) as its <see cref="DayOfWeek"/> number; -1 when it is no day.</summary>
    private static int DayIndex(string? text)
    {
        var t = text?.Trim();
        for (var d = 0; d < 7; d++)
        {
            if (string.Equals(t, DayNames[d], StringComparison.OrdinalIgnoreCase) || string.Equals(t, ((DayOfWeek)d).ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return d;
            }
        }
        return -1;
    }

    private static string Day(DayOfWeek day) => CultureInfo.InvariantCulture.DateTimeFormat.GetDayName(day);

    private static ShiftCalendar Ordered(ShiftCalendar calendar)
    {
        calendar.Shifts = [.. calendar.Shifts.OrderBy(s => s.StartMinute).ThenBy(s => s.Name, StringComparer.Ordinal)];
        return calendar;
    }

    /// <summary>The calendar as the audit line shows it: each shift as "Early mon,tue 06:00 for 480 min".</summary>
    private static CalendarSnapshot Snapshot(ShiftCalendar c) => new(c.Name, c.TimeZone,
        [.. c.Shifts.OrderBy(s => s.StartMinute).ThenBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => $"{s.Name} {string.Join(",", Enumerable.Range(0, 7).Where(d => s.StartsOn((DayOfWeek)d)).Select(d => DayNames[d]))} {Clock(s.StartMinute)} for {s.DurationMinutes} min")]);

    private static string Describe(CalendarSnapshot s) => $"{s.Name}|{s.TimeZone}|{string.Join(";", s.Shifts)}";

    private sealed record CalendarSnapshot(string Name, string TimeZone, IReadOnlyList<string> Shifts);
}
