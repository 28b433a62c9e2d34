using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

/// <summary>A machine as the board shows it: its area, the open period's start and its open tickets.</summary>
public sealed record MachineTile(Machine Machine, string AreaName, DowntimePeriod? OpenPeriod, int OpenTickets, long? FailureTicketId, TicketPriority? TopPriority);

/// <summary>An admin's edit of a machine's master data, based on the version read; null fields stay as they are.</summary>
public sealed record MachineEdit(int? Version, string? Name, long? AreaId, string? Criticality, double? IdealCycleSeconds, long? CalendarId,
    bool? OpenTicketOnDown, string? Feed, bool ClearCalendar = false, bool ClearIdealCycle = false);

/// <summary>The machines board's counts (the dashboard tile).</summary>
public sealed record MachineCounts(int Machines, int Down, int Maintenance, int OpenCriticalTickets);

/// <summary>Machines and areas: the board, one machine, an admin's edit.</summary>
public sealed class MachineDirectory(IDbContextFactory<OpsDbContext> contexts, IOpsEventStream events, TimeProvider time, AccountGate gate)
{
    public async Task<IReadOnlyList<Area>> AreasAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.MaintenanceAreas.AsNoTracking().OrderBy(a => a.Name).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<ShiftCalendar>> CalendarsAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ShiftCalendars.AsNoTracking().Include(c => c.Shifts).OrderBy(c => c.Name).ToListAsync(ct);
    }

    /// <summary>Every machine (of an area, or in a state) as a tile, by area then name.</summary>
    public async Task<IReadOnlyList<MachineTile>> BoardAsync(int? areaId = null, MachineState? state = null, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var machines = db.Machines.AsNoTracking();
        if (areaId is { } a)
        {
            machines = machines.Where(m => m.AreaId == a);
        }
        if (state is { } s)
        {
            machines = machines.Where(m => m.State == s);
        }
        var list = await machines.ToListAsync(ct);
        var ids = list.Select(m => m.Id).ToList();
        var areas = await db.MaintenanceAreas.AsNoTracking().ToDictionaryAsync(x => x.Id, x => x.Name, ct);
        var open = await db.DowntimePeriods.AsNoTracking().Where(p => p.OpenMachineId != null && ids.Contains(p.MachineId)).ToListAsync(ct);
        var tickets = await db.Tickets.AsNoTracking().Where(t => ids.Contains(t.MachineId) && TicketRules.Active.Contains(t.Status))
            .Select(t => new { t.MachineId, t.Id, t.Priority, t.OpenFailureMachineId }).ToListAsync(ct);
        return list.Select(m =>
            {
                var mine = tickets.Where(t => t.MachineId == m.Id).ToList();
                return new MachineTile(m, areas.GetValueOrDefault(m.AreaId, "?"), open.FirstOrDefault(p => p.MachineId == m.Id), mine.Count,
                    mine.FirstOrDefault(t => t.OpenFailureMachineId != null)?.Id, mine.Count == 0 ? null : mine.Max(t => t.Priority));
            })
            .OrderBy(t => t.AreaName, StringComparer.Ordinal).ThenBy(t => t.Machine.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<OpsResult<MachineTile>> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var machine = await db.Machines.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct);
        if (machine is null)
        {
            return OpsResult<MachineTile>.NotFound($"No machine {id}.");
        }
        var tile = (await BoardAsync(machine.AreaId, null, ct)).Single(t => t.Machine.Id == id);
        return OpsResult<MachineTile>.Ok(tile);
    }

    public async Task<MachineCounts> CountsAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var byState = await db.Machines.GroupBy(m => m.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var critical = await db.Tickets.CountAsync(t => t.Priority == TicketPriority.Critical && TicketRules.Active.Contains(t.Status), ct);
        return new MachineCounts(byState.Sum(x => x.Count), byState.Where(x => x.Key == MachineState.Down).Sum(x => x.Count),
            byState.Where(x => x.Key == MachineState.Maintenance).Sum(x => x.Count), critical);
    }

    /// <summary>An admin edits a machine's master data; a stale version is refused.</summary>
    public async Task<OpsResult<Machine>> EditAsync(Actor actor, long id, MachineEdit edit, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var errors = new FieldErrors();
        if (edit.Version is null)
        {
            errors.Add("version", "version is required: the machine's version as you read it.");
        }
        if (edit.Name is not null)
        {
            errors.Required("name", edit.Name, Machine.MaxNameLength);
        }
        var criticality = errors.OptionalChoice<Criticality>("criticality", edit.Criticality);
        var feed = errors.OptionalChoice<StateFeed>("feed", edit.Feed);
        if (edit.IdealCycleSeconds is { } cycle && (cycle <= 0 || cycle > 86_400 || double.IsNaN(cycle)))
        {
            errors.Add("ideal_cycle_seconds", "ideal_cycle_seconds must be more than 0 and at most 86400.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (edit.AreaId is { } areaId && !await db.MaintenanceAreas.AnyAsync(a => a.Id == areaId, ct))
        {
            errors.Add("area_id", $"area_id {areaId} is not a known area.");
        }
        if (edit.CalendarId is { } calendarId && !await db.ShiftCalendars.AnyAsync(c => c.Id == calendarId, ct))
        {
            errors.Add("calendar_id", $"calendar_id {calendarId} is not a known shift calendar.");
        }
        if (errors.Any)
        {
            return errors.ToResult<Machine>();
        }
        var machine = await db.Machines.SingleOrDefaultAsync(m => m.Id == id, ct);
        if (machine is null)
        {
            return OpsResult<Machine>.NotFound($"No machine {id}.");
        }
        if (machine.Version != edit.Version)
        {
            return OpsResult<Machine>.Conflict($"{machine.Code} was changed since you read it (your version {edit.Version}, now {machine.Version}). Reload it and try again.",
                new Dictionary<string, object?> { ["version"] = machine.Version });
        }
        var before = Snapshot(machine);
        machine.Name = edit.Name?.Trim() ?? machine.Name;
        machine.AreaId = edit.AreaId is { } area ? (int)area : machine.AreaId;
        machine.Criticality = criticality ?? machine.Criticality;
        machine.IdealCycleSeconds = edit.ClearIdealCycle ? null : edit.IdealCycleSeconds ?? machine.IdealCycleSeconds;
        machine.CalendarId = edit.ClearCalendar ? null : edit.CalendarId is { } cal ? (int)cal : machine.CalendarId;
        machine.OpenTicketOnDown = edit.OpenTicketOnDown ?? machine.OpenTicketOnDown;
        machine.Feed = feed ?? machine.Feed;
        var after = Snapshot(machine);
        if (after.Equals(before)) // the anonymous snapshots' value equality (== on object compared references, so every save was an edit)
        {
            return OpsResult<Machine>.Ok(machine);
        }
        machine.Version++;
        db.Audit(actor, time.GetUtcNow(), MaintenanceModule.Name, "machine.edit", "Machine", machine.Id.ToString(), before, after);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return OpsResult<Machine>.Conflict($"{machine.Code} was changed while you saved. Reload it and try again.");
        }
        events.Publish(new MachinesChanged([machine.Id], MachineChange.Edited));
        return OpsResult<Machine>.Ok(machine);
    }

    /// <summary>The machine's states over [from, to) (<see cref="StateTimeline"/>): its state events in the window, the last one before it, and its current state since when.</summary>
    public async Task<IReadOnlyList<StateSegment>> TimelineAsync(int machineId, DateTime from, DateTime to, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var states = db.MachineEvents.AsNoTracking().Where(e => e.MachineId == machineId && e.Kind == MachineEventKind.State && e.State != null);
        var before = await states.Where(e => e.OccurredAt <= from).OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Select(e => e.State).FirstOrDefaultAsync(ct);
        var inside = await states.Where(e => e.OccurredAt > from && e.OccurredAt < to).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id)
            .Select(e => new { e.OccurredAt, e.State }).ToListAsync(ct);
        // The machine's own state and since are a fact too (a state set before the console kept state events, or seeded).
        var current = await db.Machines.AsNoTracking().Where(m => m.Id == machineId).Select(m => new { m.State, m.StateSince }).SingleOrDefaultAsync(ct);
        var changes = inside.Select(e => (e.OccurredAt, e.State!.Value)).ToList();
        if (current is not null && !changes.Any(e => e.OccurredAt >= current.StateSince))
        {
            changes.Add((current.StateSince, current.State));
        }
        return StateTimeline.Build(before, changes, from, to);
    }

    /// <summary>The machine event log (the seed's events), newest first, of one machine or all; telemetry's raw messages only by kind.</summary>
    public async Task<Page<MachineEvent>> EventsAsync(int? machineId, MachineEventKind? kind, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var events = db.MachineEvents.AsNoTracking();
        if (machineId is { } id)
        {
            events = events.Where(e => e.MachineId == id);
        }
        if (kind is { } k)
        {
            events = events.Where(e => e.Kind == k);
        }
        else
        {
            // Telemetry's raw messages (heartbeats, counters every few seconds) only when asked for by kind: the log is what happened.
            events = events.Where(e => e.Kind != MachineEventKind.Heartbeat && !(e.Kind == MachineEventKind.Production && e.Seq != null));
        }
        return await events.PageAsync(q => q.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id), page, ct);
    }

    private static object Snapshot(Machine m) => new
    {
        m.Name, m.AreaId, Criticality = m.Criticality.Wire(), m.IdealCycleSeconds, m.CalendarId, m.OpenTicketOnDown, Feed = m.Feed.Wire(),
    };
}
