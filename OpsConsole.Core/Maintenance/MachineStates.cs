using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Shared.Settings;

namespace OpsConsole.Core.Maintenance;

/// <summary>What one state report did: whether the state changed (or why it was ignored), and the periods and tickets it touched.</summary>
public sealed record StateChange(int MachineId, MachineState State, bool Changed, string? Ignored, IReadOnlyList<long> PeriodsOpened,
    IReadOnlyList<long> PeriodsClosed, IReadOnlyList<long> Tickets);

/// <summary>
/// A machine's state and the downtime it makes (issue 18 item 3, ADR 0024). Every state change goes through here,
/// whoever reports it (telemetry, the monitoring upstream, a person): going down opens an unplanned period, going into
/// maintenance a planned one, running or idle closes it. A closed unplanned period shorter than the micro-stop
/// threshold is a micro-stop; one that lasts longer gives the machine its one open failure ticket (where the machine
/// asks for one), or links to the one it has, so a flapping machine never opens ten.
/// </summary>
public sealed class MachineStates(IDbContextFactory<OpsDbContext> contexts, RuntimeSettings settings, IOpsEventStream events, MaintenanceMetrics metrics,
    TimeProvider time, AccountGate gate)
{
    public const int MaxNoteLength = 500;

    /// <summary>
    /// The console's entry point for a machine's feeds (MQTT, the monitoring upstream): the machine is in
    /// <paramref name="state"/> since <paramref name="at"/>. A report of the state it is already in changes nothing;
    /// one older than its current state is ignored (a late message does not undo a newer one).
    /// </summary>
    public Task<OpsResult<StateChange>> SetStateAsync(int machineId, MachineState state, StateSource source, DateTime at, CancellationToken ct = default) =>
        ChangeAsync(Actor.System, machineId, state, source, at, note: null, audit: false, ct);

    /// <summary>A person sets a machine's state (operators and up): now, source manual, audited.</summary>
    public async Task<OpsResult<StateChange>> SetManualStateAsync(Actor actor, int machineId, string? state, string? note, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        var errors = new FieldErrors();
        var wanted = errors.OptionalChoice<MachineState>("state", state);
        if (wanted is null && !errors.Any)
        {
            errors.Add("state", $"state is required: one of {OpsNames.List(Enum.GetValues<MachineState>().Select(s => s.Wire()).ToList())}.");
        }
        errors.MaxLength("note", note, MaxNoteLength);
        if (errors.Any)
        {
            return errors.ToResult<StateChange>();
        }
        return await ChangeAsync(actor, machineId, wanted!.Value, StateSource.Manual, time.GetUtcNow().UtcDateTime, note?.Trim(), audit: true, ct);
    }

    public async Task<TimeSpan> MicroStopAsync(CancellationToken ct = default) =>
        TimeSpan.FromSeconds((await settings.ReadAsync(MaintenanceModule.Name, ct)).Whole(MaintenanceSettings.MicroStopSecondsKey));

    private async Task<OpsResult<StateChange>> ChangeAsync(Actor actor, int machineId, MachineState state, StateSource source, DateTime at, string? note,
        bool audit, CancellationToken ct)
    {
        var microStop = await MicroStopAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            var work = new StateWork();
            await using var db = await contexts.CreateDbContextAsync(ct);
            try
            {
                var found = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
                {
                    db.ChangeTracker.Clear();
                    work = new StateWork();
                    await using var tx = await db.Database.BeginTransactionAsync(ct);
                    var machine = await db.Machines.SingleOrDefaultAsync(m => m.Id == machineId, ct);
                    if (machine is null)
                    {
                        return false;
                    }
                    var before = new { State = machine.State.Wire(), Source = machine.StateSource.Wire(), Since = machine.StateSince };
                    await ApplyAsync(db, machine, state, source, at, actor.Name, microStop, work, ct);
                    if (audit && work.Changed)
                    {
                        db.Audit(actor, time.GetUtcNow(), MaintenanceModule.Name, "machine.state", "Machine", machine.Id.ToString(), before,
                            new { State = state.Wire(), Source = source.Wire(), Since = at, Note = note });
                    }
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                    return true;
                });
                if (!found)
                {
                    return OpsResult<StateChange>.NotFound($"No machine {machineId}.");
                }
            }
            catch (DbUpdateException) when (attempt < 4)
            {
                continue; // another report of this machine saved first (its state version or its open period): read it again
            }
            Publish(work, machineId);
            return OpsResult<StateChange>.Ok(new StateChange(machineId, state, work.Changed, work.Ignored, work.Opened.Select(p => p.Id).ToList(),
                work.Closed.Select(p => p.Id).ToList(), work.Tickets.Distinct().ToList()));
        }
    }

    /// <summary>
    /// Opens the failure tickets that are due: unplanned periods still open longer than the micro-stop threshold on
    /// machines that ask for a ticket (a Quartz job calls this every few seconds; a period that closes first decides
    /// when it closes).
    /// </summary>
    public async Task<IReadOnlyList<long>> OpenDueFailureTicketsAsync(CancellationToken ct = default)
    {
        var microStop = await MicroStopAsync(ct);
        var cutoff = time.GetUtcNow().UtcDateTime - microStop;
        List<long> due;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            due = await (from p in db.DowntimePeriods
                         join m in db.Machines on p.MachineId equals m.Id
                         where p.OpenMachineId != null && p.TicketId == null && p.Kind == DowntimeKind.Unplanned && p.StartAt <= cutoff && m.OpenTicketOnDown
                         select p.Id).ToListAsync(ct);
        }
        var tickets = new List<long>();
        var machines = new List<int>();
        foreach (var periodId in due)
        {
            for (var attempt = 1; ; attempt++)
            {
                await using var db = await contexts.CreateDbContextAsync(ct);
                try
                {
                    var (ticket, machineId) = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
                    {
                        db.ChangeTracker.Clear();
                        await using var tx = await db.Database.BeginTransactionAsync(ct);
                        var period = await db.DowntimePeriods.SingleAsync(p => p.Id == periodId, ct);
                        var machine = await db.Machines.SingleAsync(m => m.Id == period.MachineId, ct);
                        var linked = period.IsOpen ? await EnsureFailureTicketAsync(db, machine, period, Actor.System.Name, ct) : null;
                        await db.SaveChangesAsync(ct);
                        await tx.CommitAsync(ct);
                        return (linked, machine.Id);
                    });
                    if (ticket is { } id)
                    {
                        tickets.Add(id);
                        machines.Add(machineId);
                    }
                }
                catch (DbUpdateException) when (attempt < 4)
                {
                    continue; // the machine's state or its failure ticket changed meanwhile: look again
                }
                break;
            }
        }
        if (tickets.Count > 0)
        {
            events.Publish(new MachinesChanged(machines, MachineChange.Downtime));
            events.Publish(new TicketsChanged(tickets.Distinct().ToList(), TicketChange.Created));
        }
        return tickets;
    }

    /// <summary>
    /// The state change itself, on the caller's context and transaction (a ticket resolved with "it runs again" sets
    /// its machine running in the ticket's own transaction; the telemetry store applies a batch in its own). A state
    /// report from MQTT gives its <paramref name="seq"/> to the state event it writes: its exactly-once key.
    /// </summary>
    internal async Task ApplyAsync(OpsDbContext db, Machine machine, MachineState state, StateSource source, DateTime at, string actor, TimeSpan microStop,
        StateWork work, CancellationToken ct, long? seq = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (source != StateSource.Manual && (machine.LastDataAt is null || machine.LastDataAt < at))
        {
            machine.LastDataAt = at;
        }
        if (machine.State == state)
        {
            work.Ignored = $"{machine.Code} is already {state.Wire()}.";
            return;
        }
        if (at < machine.StateSince)
        {
            work.Ignored = $"The report ({at:yyyy-MM-dd HH:mm:ss}) is older than {machine.Code}'s current state ({machine.StateSince:yyyy-MM-dd HH:mm:ss}).";
            return;
        }
        var open = await db.DowntimePeriods.SingleOrDefaultAsync(p => p.OpenMachineId == machine.Id, ct);
        var kind = KindOf(state);
        if (open is not null && open.Kind != kind)
        {
            Close(open, at, microStop, actor, now);
            work.Closed.Add(open);
            // Saved before a new period opens: the open-period index must never see two.
            await db.SaveChangesAsync(ct);
            if (await EnsureFailureTicketAsync(db, machine, open, actor, ct) is { } ticket)
            {
                work.Tickets.Add(ticket);
            }
            metrics.Periods.Add(1, new("kind", open.Kind.Wire()), new("micro_stop", open.MicroStop));
            db.MachineEvents.Add(TicketJournal.Event(machine.Id, MachineEventKind.Downtime, at, now, source,
                $"{(open.MicroStop ? "Micro-stop" : "Downtime")} ended after {Duration(open.EndAt!.Value - open.StartAt)}",
                new { PeriodId = open.Id, open.StartAt, open.EndAt, Kind = open.Kind.Wire(), open.MicroStop }, ticketId: open.TicketId));
            open = null;
        }
        if (kind is { } opens && open is null)
        {
            var period = new DowntimePeriod
            {
                MachineId = machine.Id, StartAt = at, Kind = opens, Origin = DowntimeOrigin.State, OpenMachineId = machine.Id, UpdatedAt = now, UpdatedBy = actor,
            };
            db.DowntimePeriods.Add(period);
            work.Opened.Add(period);
        }
        var from = machine.State;
        machine.State = state;
        machine.StateSource = source;
        machine.StateSince = at;
        machine.StateVersion++;
        db.MachineEvents.Add(TicketJournal.Event(machine.Id, MachineEventKind.State, at, now, source, $"{from.Wire()} → {state.Wire()} ({source.Wire()})",
            new { From = from.Wire(), To = state.Wire(), Source = source.Wire(), By = actor }, state, seq: seq));
        work.Changed = true;
        metrics.StateChanges.Add(1, new("source", source.Wire()), new("state", state.Wire()));
    }

    /// <summary>Down is unplanned downtime, maintenance planned; running and idle are not downtime.</summary>
    public static DowntimeKind? KindOf(MachineState state) => state switch
    {
        MachineState.Down => DowntimeKind.Unplanned,
        MachineState.Maintenance => DowntimeKind.Planned,
        _ => null,
    };

    internal static void Close(DowntimePeriod period, DateTime at, TimeSpan microStop, string actor, DateTime now)
    {
        period.EndAt = at < period.StartAt ? period.StartAt : at;
        period.OpenMachineId = null;
        period.MicroStop = IsMicroStop(period, microStop);
        period.UpdatedAt = now;
        period.UpdatedBy = actor;
    }

    /// <summary>An unplanned period, closed, shorter than the threshold, and not the stop a person reported as a failure.</summary>
    internal static bool IsMicroStop(DowntimePeriod period, TimeSpan microStop) =>
        period.Kind == DowntimeKind.Unplanned && period.EndAt is { } end && end - period.StartAt < microStop && period.TicketId is null;

    /// <summary>
    /// Links an unplanned stop that is no micro-stop to its machine's open failure ticket, opening one if the machine
    /// has none and asks for one. The ticket's id, or null when the stop gets none.
    /// </summary>
    internal async Task<long?> EnsureFailureTicketAsync(OpsDbContext db, Machine machine, DowntimePeriod period, string actor, CancellationToken ct)
    {
        if (!machine.OpenTicketOnDown || period.Kind != DowntimeKind.Unplanned || period.TicketId is not null || period.MicroStop)
        {
            return null;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var existing = await db.Tickets.SingleOrDefaultAsync(t => t.OpenFailureMachineId == machine.Id, ct);
        if (existing is not null)
        {
            period.TicketId = existing.Id;
            db.Record(existing, actor, now, "downtime", "downtime", null, $"Stop from {period.StartAt:yyyy-MM-dd HH:mm} UTC linked");
            return existing.Id;
        }
        var ticket = new Ticket
        {
            Title = $"{machine.Name} stopped",
            Description = $"Opened by the console: {machine.Code} went down at {period.StartAt:yyyy-MM-dd HH:mm} UTC and stayed down past the micro-stop threshold.",
            MachineId = machine.Id, Kind = TicketKind.Corrective, Priority = PriorityFor(machine.Criticality), Status = TicketStatus.Open,
            Origin = TicketOrigin.Downtime, ReportedBy = Actor.System.Name, CreatedAt = now, UpdatedAt = now, OpenFailureMachineId = machine.Id, Version = 1,
        };
        db.Tickets.Add(ticket);
        await db.SaveChangesAsync(ct);
        period.TicketId = ticket.Id;
        db.Record(ticket, Actor.System.Name, now, "created", after: new { ticket.Title, Priority = ticket.Priority.Wire(), Origin = ticket.Origin.Wire() });
        db.Audit(Actor.System, now, MaintenanceModule.Name, "ticket.create", "Ticket", ticket.Id.ToString(), null,
            new { ticket.Title, ticket.MachineId, Priority = ticket.Priority.Wire(), Origin = "downtime", PeriodId = period.Id });
        db.MachineEvents.Add(TicketJournal.Event(machine.Id, MachineEventKind.Ticket, now, now, StateSource.Manual, $"Ticket #{ticket.Id} opened for the stop",
            new { TicketId = ticket.Id }, ticketId: ticket.Id));
        metrics.TicketMoves.Add(1, new KeyValuePair<string, object?>("move", "create"));
        return ticket.Id;
    }

    /// <summary>A stop's ticket is as urgent as the machine is critical.</summary>
    public static TicketPriority PriorityFor(Criticality criticality) => criticality switch
    {
        Criticality.A => TicketPriority.Critical,
        Criticality.B => TicketPriority.High,
        _ => TicketPriority.Medium,
    };

    public static string Duration(TimeSpan span) => span.TotalSeconds < 90 ? $"{span.TotalSeconds:0} s"
        : span.TotalMinutes < 90 ? $"{span.TotalMinutes:0} min"
        : $"{span.TotalHours:0.#} h";

    internal void Publish(StateWork work, int machineId)
    {
        if (work.Changed || work.Closed.Count > 0)
        {
            events.Publish(new MachinesChanged([machineId], work.Opened.Count + work.Closed.Count > 0 ? MachineChange.Downtime : MachineChange.State));
        }
        if (work.Tickets.Count > 0)
        {
            events.Publish(new TicketsChanged(work.Tickets.Distinct().ToList(), TicketChange.Downtime));
        }
    }
}

/// <summary>What a state change did, collected while it runs.</summary>
internal sealed class StateWork
{
    public bool Changed { get; set; }
    public string? Ignored { get; set; }
    public List<DowntimePeriod> Opened { get; } = [];
    public List<DowntimePeriod> Closed { get; } = [];
    public List<long> Tickets { get; } = [];
}
