using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Maintenance.Analytics;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

/// <summary>The analytics filter as sent (query string or page address): dates or instants as text, ids as text.</summary>
public sealed record AnalyticsFilterInput(string? From, string? To, string? MachineId, string? Area);

/// <summary>A checked filter: the window [From, To) in UTC, and at most one of a machine or an area (neither: the plant).</summary>
public sealed record AnalyticsFilter(DateTime From, DateTime To, int? MachineId, int? AreaId)
{
    public AnalyticsScope Scope => MachineId is { } m ? AnalyticsScope.Machine(m) : AreaId is { } a ? AnalyticsScope.Area(a) : AnalyticsScope.Plant;
}

/// <summary>Parts issued to tickets in the window, less what came back: per part (with its cost) and per machine.</summary>
public sealed record PartsConsumption(IReadOnlyList<PartConsumptionLine> ByPart, IReadOnlyList<MachineConsumptionLine> ByMachine, decimal TotalCost);

public sealed record PartConsumptionLine(int PartId, string Number, string Name, string Unit, int Quantity, decimal UnitCost, decimal Cost);

public sealed record MachineConsumptionLine(int MachineId, string Machine, int Quantity, decimal Cost);

/// <summary>What the analytics page and API show: the report, the names it refers to by id, and parts consumption.</summary>
public sealed record MaintenanceAnalyticsView(
    AnalyticsFilter Filter, AnalyticsReport Report, IReadOnlyDictionary<int, string> MachineNames, PartsConsumption Parts);

/// <summary>
/// Reliability analytics from the database (issue 18 items 9 and 11, ADR 0028): reads only what the window needs —
/// its machines and calendars, the downtime periods that overlap it, its tickets (created in it, linked to its
/// periods, or active now), the production roll-ups of its plant days and the parts issued in it — as projections
/// into <see cref="AnalyticsInput"/>, and hands them to the pure <see cref="MaintenanceAnalytics"/>. Machine events are
/// never read: they became periods and roll-ups at ingest.
/// </summary>
public sealed class MaintenanceReports(IDbContextFactory<OpsDbContext> contexts, MachineStates states, MaintenanceOptions options, TimeProvider time)
{
    /// <summary>The longest window one query may ask for (a year and a bit, for year-over-year views).</summary>
    public const int MaxWindowDays = 400;
    public const int DefaultWindowDays = 30;

    public TimeZoneInfo PlantZone => ExpectedTime.Zone(options.PlantTimeZone);

    /// <summary>
    /// Checks a filter: <c>from</c> and <c>to</c> are ISO 8601 instants or dates (a date is the plant-local midnight at
    /// its start; <c>to</c> is exclusive), by default the last 30 days; <c>machine_id</c> and <c>area</c> must exist.
    /// </summary>
    public async Task<OpsResult<AnalyticsFilter>> ReadFilterAsync(AnalyticsFilterInput input, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var now = time.GetUtcNow().UtcDateTime;
        var from = ReadMoment(errors, "from", input.From);
        var to = ReadMoment(errors, "to", input.To);
        var machine = errors.OptionalInt("machine_id", input.MachineId, 1, int.MaxValue);
        var area = errors.OptionalInt("area", input.Area, 1, int.MaxValue);
        if (errors.Any)
        {
            return errors.ToResult<AnalyticsFilter>();
        }
        var end = to ?? (from is { } f0 ? Min(f0.AddDays(DefaultWindowDays), now) : now);
        var start = from ?? end.AddDays(-DefaultWindowDays);
        if (end <= start)
        {
            errors.Add("to", "to must be after from.");
        }
        else if ((end - start).TotalDays > MaxWindowDays)
        {
            errors.Add("to", $"The window may be at most {MaxWindowDays} days (from {start:yyyy-MM-dd} to {end:yyyy-MM-dd} is {(end - start).TotalDays:F0}).");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (machine is { } m && !await db.Machines.AnyAsync(x => x.Id == m, ct))
        {
            errors.Add("machine_id", $"No machine {m}.");
        }
        if (area is { } a && !await db.MaintenanceAreas.AnyAsync(x => x.Id == a, ct))
        {
            errors.Add("area", $"No area {a}.");
        }
        if (machine is { } mm && area is { } aa && !errors.Any && !await db.Machines.AnyAsync(x => x.Id == mm && x.AreaId == aa, ct))
        {
            errors.Add("machine_id", $"Machine {mm} is not in area {aa}.");
        }
        return errors.Any ? errors.ToResult<AnalyticsFilter>() : OpsResult<AnalyticsFilter>.Ok(new AnalyticsFilter(start, end, machine, area));
    }

    /// <summary>Every machine, area and plant figure of the filter's machines, with parts consumption.</summary>
    public async Task<MaintenanceAnalyticsView> ReportAsync(AnalyticsFilter filter, CancellationToken ct = default)
    {
        var (input, query, names) = await ReadAsync(filter, ct);
        var report = MaintenanceAnalytics.Compute(input, query);
        var parts = await ConsumptionAsync(filter, names, ct);
        return new MaintenanceAnalyticsView(filter, report, names, parts);
    }

    /// <summary>"How was this computed" for the filter's scope (a machine, an area or the plant).</summary>
    public async Task<AnalyticsDrillDown> DrillDownAsync(AnalyticsFilter filter, CancellationToken ct = default)
    {
        var (input, query, _) = await ReadAsync(filter, ct);
        return MaintenanceAnalytics.DrillDown(input, query, filter.Scope);
    }

    /// <summary>The analytics input of a filter, read with one short-lived context (public for the benchmark, which times the read apart).</summary>
    public async Task<(AnalyticsInput Input, AnalyticsQuery Query, IReadOnlyDictionary<int, string> MachineNames)> ReadAsync(AnalyticsFilter filter,
        CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var microStop = (int)(await states.MicroStopAsync(ct)).TotalSeconds;
        var query = new AnalyticsQuery(filter.From, filter.To, now, options.PlantTimeZone, microStop);
        var (start, end) = (filter.From, filter.To);

        await using var db = await contexts.CreateDbContextAsync(ct);
        db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
        var machineRows = db.Machines.AsNoTracking();
        if (filter.MachineId is { } machineId)
        {
            machineRows = machineRows.Where(m => m.Id == machineId);
        }
        if (filter.AreaId is { } areaId)
        {
            machineRows = machineRows.Where(m => m.AreaId == areaId);
        }
        var machines = await (from m in machineRows
                              join a in db.MaintenanceAreas on m.AreaId equals a.Id
                              orderby m.Id
                              select new { m.Id, m.Name, m.AreaId, Area = a.Name, m.CalendarId, m.IdealCycleSeconds }).ToListAsync(ct);
        var calendarIds = machines.Where(m => m.CalendarId != null).Select(m => m.CalendarId!.Value).Distinct().ToList();
        var calendars = (await db.ShiftCalendars.AsNoTracking().Where(c => calendarIds.Contains(c.Id))
                .Select(c => new { c.Id, c.TimeZone, Shifts = c.Shifts.Select(s => new { s.Days, s.StartMinute, s.DurationMinutes }).ToList() })
                .ToListAsync(ct))
            .ToDictionary(c => c.Id, c => new AnalyticsCalendar(c.Id, c.TimeZone, [.. c.Shifts.Select(s => new AnalyticsShift(s.Days, s.StartMinute, s.DurationMinutes))]));
        var analyticsMachines = machines
            .Select(m => new AnalyticsMachine(m.Id, m.Name, m.AreaId, m.Area, m.CalendarId is { } c ? calendars[c] : null))
            .ToList();
        var scoped = filter.MachineId is not null || filter.AreaId is not null;
        var ids = machines.Select(m => m.Id).ToList();

        // Periods that overlap the window: the (machine, start) index bounds the start; the end is checked per row.
        var periodRows = db.DowntimePeriods.AsNoTracking().Where(p => p.StartAt < end && (p.EndAt == null || p.EndAt > start));
        if (scoped)
        {
            periodRows = periodRows.Where(p => ids.Contains(p.MachineId));
        }
        var periods = await periodRows
            .Select(p => new { p.Id, p.MachineId, p.StartAt, p.EndAt, p.Kind, p.TicketId, p.ReasonCode })
            .ToListAsync(ct);

        // Tickets created in the window, active now, or linked to one of its periods.
        var ticketRows = db.Tickets.AsNoTracking();
        if (scoped)
        {
            ticketRows = ticketRows.Where(t => ids.Contains(t.MachineId));
        }
        var active = TicketRules.Active.ToList();
        var tickets = await ticketRows.Where(t => (t.CreatedAt >= start && t.CreatedAt < end) || active.Contains(t.Status))
            .Select(t => new AnalyticsTicket(t.Id, t.MachineId, t.Kind, t.Priority, t.Status, t.CreatedAt, t.FirstStartedAt, t.ResolvedAt, t.ProblemCode))
            .ToListAsync(ct);
        var allPeriods = db.DowntimePeriods;
        var linked = await (from t in ticketRows
                            where (t.CreatedAt < start || t.CreatedAt >= end) && !active.Contains(t.Status)
                                  && allPeriods.Any(p => p.TicketId == t.Id && p.StartAt < end && (p.EndAt == null || p.EndAt > start))
                            select new AnalyticsTicket(t.Id, t.MachineId, t.Kind, t.Priority, t.Status, t.CreatedAt, t.FirstStartedAt, t.ResolvedAt, t.ProblemCode))
            .ToListAsync(ct);
        tickets.AddRange(linked);

        // Production roll-ups of the window's plant-local days (a daily figure: a window cut mid-day takes the whole day).
        var zone = PlantZone;
        var firstDay = ExpectedTime.LocalDate(start, zone);
        var lastDay = ExpectedTime.LocalDate(Min(end, now).AddTicks(-1), zone);
        var productionRows = db.ProductionRecords.AsNoTracking().Where(r => r.Date >= firstDay && r.Date <= lastDay);
        if (scoped)
        {
            productionRows = productionRows.Where(r => ids.Contains(r.MachineId));
        }
        var ideal = machines.ToDictionary(m => m.Id, m => m.IdealCycleSeconds);
        var production = (await productionRows.Select(r => new { r.MachineId, r.Date, r.Shift, r.Good, r.Scrap, r.RunSeconds, r.PlannedSeconds }).ToListAsync(ct))
            .Where(r => ideal.ContainsKey(r.MachineId))
            .Select(r => new AnalyticsProduction(r.MachineId, r.Date, r.Shift, r.Good, r.Scrap, r.RunSeconds, r.PlannedSeconds, ideal[r.MachineId]))
            .ToList();

        var input = new AnalyticsInput(analyticsMachines,
            [.. periods.Select(p => new AnalyticsPeriod(p.Id, p.MachineId, p.StartAt, p.EndAt, p.Kind, p.TicketId, p.ReasonCode))],
            tickets, production);
        return (input, query, machines.ToDictionary(m => m.Id, m => m.Name));
    }

    private async Task<PartsConsumption> ConsumptionAsync(AnalyticsFilter filter, IReadOnlyDictionary<int, string> machineNames, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var (start, end) = (filter.From, filter.To);
        var kinds = new[] { MovementKind.Issue, MovementKind.Return };
        // Sums by part and machine in the database; the cost (a decimal, stored as text on SQLite) is multiplied here.
        var rows = await (from mv in db.PartMovements
                          where mv.OccurredAt >= start && mv.OccurredAt < end && kinds.Contains(mv.Kind) && mv.TicketId != null
                          join t in db.Tickets on mv.TicketId equals t.Id
                          group mv by new { mv.PartId, t.MachineId } into g
                          select new { g.Key.PartId, g.Key.MachineId, Quantity = -g.Sum(x => x.Quantity) }).ToListAsync(ct);
        rows = [.. rows.Where(r => machineNames.ContainsKey(r.MachineId))];
        var partIds = rows.Select(r => r.PartId).Distinct().ToList();
        var parts = await db.Parts.AsNoTracking().Where(p => partIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Number, p.Name, p.Unit, p.UnitCost }).ToDictionaryAsync(p => p.Id, ct);
        var byPart = rows.GroupBy(r => r.PartId)
            .Select(g =>
            {
                var part = parts[g.Key];
                var quantity = g.Sum(r => r.Quantity);
                return new PartConsumptionLine(part.Id, part.Number, part.Name, part.Unit, quantity, part.UnitCost, quantity * part.UnitCost);
            })
            .Where(l => l.Quantity != 0)
            .OrderByDescending(l => l.Cost).ThenBy(l => l.Number, StringComparer.Ordinal).ToList();
        var byMachine = rows.GroupBy(r => r.MachineId)
            .Select(g => new MachineConsumptionLine(g.Key, machineNames[g.Key], g.Sum(r => r.Quantity), g.Sum(r => r.Quantity * parts[r.PartId].UnitCost)))
            .Where(l => l.Quantity != 0)
            .OrderByDescending(l => l.Cost).ThenBy(l => l.Machine, StringComparer.OrdinalIgnoreCase).ToList();
        return new PartsConsumption(byPart, byMachine, byPart.Sum(l => l.Cost));
    }

    /// <summary>An instant (ISO 8601; without an offset: UTC) or a date (YYYY-MM-DD: the plant-local midnight at its start).</summary>
    private DateTime? ReadMoment(FieldErrors errors, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return ExpectedTime.ToUtc(day.ToDateTime(TimeOnly.MinValue), PlantZone);
        }
        if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.UtcDateTime;
        }
        errors.Add(field, $"{field} must be a date (YYYY-MM-DD, plant time) or a date and time such as 2026-12-04T08:00:00Z.");
        return null;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
