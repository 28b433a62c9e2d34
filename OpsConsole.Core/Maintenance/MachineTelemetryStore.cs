using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Core.Maintenance.Telemetry;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

/// <summary>
/// The Maintenance module's telemetry sink (issue 18 item 4, ADR 0031): one transaction per batch from the MQTT batch
/// writer, which acknowledges the batch to the broker only after this returned.
/// <list type="bullet">
/// <item>Every message is a machine event carrying its seq (heartbeats and counters written in bulk through
/// <see cref="MachineEventWriter"/>); (machine, seq) is unique, so a redelivered message is
/// found and skipped (only a seq at or below the machine's <see cref="Machine.LastSeq"/> can be one, so a batch of new
/// messages costs no lookup), and two consoles racing on one batch make one of them read again.</item>
/// <item>A state report goes through <see cref="MachineStates"/> (downtime periods, failure tickets) for machines whose
/// state is fed by telemetry; a report of the state it is in, or for another machine, is a heartbeat.</item>
/// <item>Cumulative counters become deltas added to the (machine, date, shift) production record of the moment
/// (<see cref="ProductionShifts"/>): the first counters heard set the base, a counter below the last is a reset. A
/// record imported from CSV is the plant's correction and is left as it is.</item>
/// <item>Per machine: <see cref="Machine.LastDataAt"/> (the console's clock), <see cref="Machine.LastSeq"/> and
/// <see cref="Machine.SequenceGaps"/>.</item>
/// </list>
/// A message for a machine code the console does not know is logged once per code and dropped (acknowledged: a broker
/// redelivering it for ever helps nobody); it is counted on the feed's status like a refused payload.
/// </summary>
public sealed class MachineTelemetryStore(IDbContextFactory<OpsDbContext> contexts, MachineStates states, MaintenanceOptions options,
    TimeProvider time, ILogger<MachineTelemetryStore> logger) : ITelemetrySink
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    // The last counters stored per machine: the base of the next delta. Read from the machine's newest production event
    // after a restart. One console writes a machine's telemetry (issue 20 hands machines to one node at a time).
    private readonly ConcurrentDictionary<int, CounterMark> _counters = new();
    private readonly ConcurrentDictionary<string, bool> _unknown = new(StringComparer.Ordinal);

    /// <summary>Messages dropped because no machine has their code.</summary>
    public long UnknownMachineMessages => Interlocked.Read(ref _unknownMessages);

    private long _unknownMessages;

    public async Task StoreAsync(IReadOnlyList<TelemetryMessage> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }
        var microStop = await states.MicroStopAsync(ct);
        var byMachine = batch.GroupBy(m => m.MachineCode, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderBy(m => m.Seq).ToList(), StringComparer.Ordinal);
        var codes = byMachine.Keys.ToList();
        for (var attempt = 1; ; attempt++)
        {
            var run = new BatchRun();
            await using var db = await contexts.CreateDbContextAsync(ct);
            try
            {
                await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
                {
                    db.ChangeTracker.Clear();
                    run = new BatchRun();
                    await using var tx = await db.Database.BeginTransactionAsync(ct);
                    var machines = await db.Machines.Where(m => codes.Contains(m.Code)).ToListAsync(ct);
                    NoteUnknown(codes.Except(machines.Select(m => m.Code), StringComparer.Ordinal), byMachine);
                    var calendarIds = machines.Where(m => m.CalendarId is not null).Select(m => m.CalendarId!.Value).Distinct().ToList();
                    var calendars = await db.ShiftCalendars.AsNoTracking().Include(c => c.Shifts).Where(c => calendarIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
                    var records = await ProductionRecordsAsync(db, machines, byMachine, calendars, ct);
                    foreach (var machine in machines)
                    {
                        await StoreMachineAsync(db, machine, byMachine[machine.Code], machine.CalendarId is { } c ? calendars[c] : null, records, microStop, run, ct);
                    }
                    await db.SaveChangesAsync(ct);
                    await MachineEventWriter.InsertAsync(db, run.Events, ct);
                    await tx.CommitAsync(ct);
                });
            }
            catch (Exception ex) when (attempt < 4 && ex is DbUpdateException or DbException)
            {
                continue; // another writer stored some of these (a redelivery to a second console) or moved a machine's state: read again
            }
            foreach (var (machineId, mark) in run.Counters)
            {
                _counters[machineId] = mark;
            }
            foreach (var (machineId, work) in run.States)
            {
                states.Publish(work, machineId);
            }
            return;
        }
    }

    private async Task StoreMachineAsync(OpsDbContext db, Machine machine, List<TelemetryMessage> messages, ShiftCalendar? calendar,
        Dictionary<(int, DateOnly, string), ProductionRecord> records, TimeSpan microStop, BatchRun run, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var stored = await StoredAlreadyAsync(db, machine, messages, ct);
        var highest = machine.LastSeq;
        foreach (var message in messages)
        {
            if (!stored.Add(message.Seq))
            {
                continue; // redelivered, or twice in this batch
            }
            if (highest is { } last && message.Seq > last + 1)
            {
                machine.SequenceGaps++;
            }
            if (highest is null || message.Seq > highest)
            {
                highest = message.Seq;
            }
            var at = message.Timestamp.UtcDateTime;
            if (message is { Kind: TelemetryKind.Status, State: { } reported })
            {
                await StoreStateAsync(db, machine, (MachineState)(int)reported, message, microStop, run, now, ct);
            }
            else if (message is { Kind: TelemetryKind.Production, Counters: { } counters })
            {
                var previous = await LastCountersAsync(db, machine.Id, run, ct);
                var slot = ProductionShifts.At(calendar, at, options.PlantTimeZone);
                if (previous is null || message.Seq > previous.Seq)
                {
                    AddDelta(db, machine.Id, slot, previous?.Counters, counters, records, now);
                    run.Counters[machine.Id] = new CounterMark(message.Seq, counters);
                }
                run.Events.Add(TicketJournal.Event(machine.Id, MachineEventKind.Production, at, now, StateSource.Telemetry,
                    $"Counters: {counters.Good} good, {counters.Scrap} scrap, {counters.RunSeconds} s run ({slot.Shift} {slot.Date:yyyy-MM-dd})",
                    new { counters.Good, counters.Scrap, counters.RunSeconds, counters.Cycles }, seq: message.Seq));
            }
        }
        machine.LastSeq = highest;
        var received = messages.Max(m => m.ReceivedAt).UtcDateTime;
        machine.LastDataAt = machine.LastDataAt is { } seen && seen > received ? seen : received;
    }

    private async Task StoreStateAsync(OpsDbContext db, Machine machine, MachineState state, TelemetryMessage message, TimeSpan microStop, BatchRun run,
        DateTime now, CancellationToken ct)
    {
        var at = message.Timestamp.UtcDateTime;
        if (machine.Feed == StateFeed.Telemetry)
        {
            var work = new StateWork();
            await states.ApplyAsync(db, machine, state, StateSource.Telemetry, at, Actor.System.Name, microStop, work, ct, message.Seq);
            if (work.Changed)
            {
                run.States.Add((machine.Id, work));
                // Its state event carries the seq. Saved now: the next change in this batch looks for the open period in the database.
                await db.SaveChangesAsync(ct);
                return;
            }
        }
        run.Events.Add(TicketJournal.Event(machine.Id, MachineEventKind.Heartbeat, at, now, StateSource.Telemetry, $"Reports {state.Wire()}",
            state: state, seq: message.Seq));
    }

    /// <summary>The seqs of this batch already stored: only those at or below the machine's last seq can be.</summary>
    private static async Task<HashSet<long>> StoredAlreadyAsync(OpsDbContext db, Machine machine, List<TelemetryMessage> messages, CancellationToken ct)
    {
        var candidates = machine.LastSeq is { } last ? messages.Where(m => m.Seq <= last).Select(m => (long?)m.Seq).Distinct().ToList() : [];
        if (candidates.Count == 0)
        {
            return [];
        }
        var found = await db.MachineEvents.Where(e => e.MachineId == machine.Id && candidates.Contains(e.Seq)).Select(e => e.Seq!.Value).ToListAsync(ct);
        return [.. found];
    }

    private async Task<CounterMark?> LastCountersAsync(OpsDbContext db, int machineId, BatchRun run, CancellationToken ct)
    {
        if (run.Counters.TryGetValue(machineId, out var inBatch))
        {
            return inBatch;
        }
        if (_counters.TryGetValue(machineId, out var cached))
        {
            return cached;
        }
        var newest = await db.MachineEvents.AsNoTracking()
            .Where(e => e.MachineId == machineId && e.Kind == MachineEventKind.Production && e.Seq != null)
            .OrderByDescending(e => e.Seq).Select(e => new { e.Seq, e.Payload }).FirstOrDefaultAsync(ct);
        if (newest?.Payload is null)
        {
            return null;
        }
        var counters = JsonSerializer.Deserialize<StoredCounters>(newest.Payload, Json);
        return counters is null ? null : new CounterMark(newest.Seq!.Value, new ProductionCounters(counters.Good, counters.Scrap, counters.RunSeconds, counters.Cycles));
    }

    /// <summary>The production records the batch's counters land in, tracked, by (machine, date, shift).</summary>
    private async Task<Dictionary<(int, DateOnly, string), ProductionRecord>> ProductionRecordsAsync(OpsDbContext db, List<Machine> machines,
        Dictionary<string, List<TelemetryMessage>> byMachine, Dictionary<int, ShiftCalendar> calendars, CancellationToken ct)
    {
        var slots = (from m in machines
                     from message in byMachine[m.Code]
                     where message.Kind == TelemetryKind.Production
                     let slot = ProductionShifts.At(m.CalendarId is { } c ? calendars[c] : null, message.Timestamp.UtcDateTime, options.PlantTimeZone)
                     select (m.Id, slot.Date, slot.Shift)).Distinct().ToList();
        if (slots.Count == 0)
        {
            return [];
        }
        var ids = slots.Select(s => s.Id).Distinct().ToList();
        var dates = slots.Select(s => s.Date).Distinct().ToList();
        var found = await db.ProductionRecords.Where(r => ids.Contains(r.MachineId) && dates.Contains(r.Date)).ToListAsync(ct);
        return found.ToDictionary(r => (r.MachineId, r.Date, r.Shift));
    }

    private static void AddDelta(OpsDbContext db, int machineId, ShiftSlot slot, ProductionCounters? previous, ProductionCounters counters,
        Dictionary<(int, DateOnly, string), ProductionRecord> records, DateTime now)
    {
        if (previous is null)
        {
            return; // the first counters heard from a machine are its base: what it counted before is not this shift's
        }
        var reset = counters.Good < previous.Value.Good || counters.Scrap < previous.Value.Scrap || counters.RunSeconds < previous.Value.RunSeconds;
        var (good, scrap, run) = reset
            ? (counters.Good, counters.Scrap, counters.RunSeconds)
            : (counters.Good - previous.Value.Good, counters.Scrap - previous.Value.Scrap, counters.RunSeconds - previous.Value.RunSeconds);
        if (!records.TryGetValue((machineId, slot.Date, slot.Shift), out var record))
        {
            record = new ProductionRecord
            {
                MachineId = machineId, Date = slot.Date, Shift = slot.Shift, PlannedSeconds = slot.PlannedSeconds, Source = ProductionSource.Telemetry, UpdatedAt = now,
            };
            db.ProductionRecords.Add(record);
            records[(machineId, slot.Date, slot.Shift)] = record;
        }
        if (record.Source != ProductionSource.Telemetry || good + scrap + run == 0)
        {
            return;
        }
        record.Good = Add(record.Good, good);
        record.Scrap = Add(record.Scrap, scrap);
        record.RunSeconds = Add(record.RunSeconds, run);
        record.UpdatedAt = now;
    }

    private static int Add(int total, long delta) => (int)Math.Clamp(total + delta, 0, int.MaxValue);

    private void NoteUnknown(IEnumerable<string> codes, Dictionary<string, List<TelemetryMessage>> byMachine)
    {
        foreach (var code in codes)
        {
            Interlocked.Add(ref _unknownMessages, byMachine[code].Count);
            if (_unknown.TryAdd(code, true))
            {
                logger.LogWarning("Telemetry for machine_id {MachineCode}, which no machine has as its code, is dropped (logged once per code)", code);
            }
        }
    }

    private sealed record CounterMark(long Seq, ProductionCounters Counters);

    private sealed record StoredCounters(long Good, long Scrap, long RunSeconds, long? Cycles);

    private sealed class BatchRun
    {
        /// <summary>Each state change of the batch, published after the commit.</summary>
        public List<(int MachineId, StateWork Work)> States { get; } = [];
        public Dictionary<int, CounterMark> Counters { get; } = [];
        /// <summary>Heartbeats and counters: written in bulk (<see cref="MachineEventWriter"/>) after the batch's other changes.</summary>
        public List<MachineEvent> Events { get; } = [];
    }
}
