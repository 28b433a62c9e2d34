using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Database;

namespace OpsConsole.Simulators.Maintenance;

/// <summary>
/// A year of history for the demo plant (issue 18 item 12), so the analytics page is full on a fresh `dotnet run`:
/// downtime periods with reasons (failures, micro-stops, planned stops, a few excluded), corrective tickets through
/// their workflow with failure codes and history lines, planned tickets, production per shift of the calendar, and
/// parts issued to repairs. Seeded random (the same plant every time), written once (a restart finds the history and
/// does nothing), tickets through EF (their ids link the periods) and the rest as prepared inserts in one transaction.
/// It ends a day before start, where the live plant (the simulator) takes over.
/// </summary>
public sealed class MaintenanceDemoHistory(IDbContextFactory<OpsDbContext> contexts, TimeProvider time, ILogger<MaintenanceDemoHistory> logger) : IDemoData
{
    public const int Days = 365;
    private const string Actor = "demo-history";
    private static readonly string[] UnplannedReasons = ["breakdown", "breakdown", "jam", "jam", "jam", "tooling"];
    private static readonly string[] Problems = ["hydraulic", "electrical", "mechanical", "mechanical"];
    private static readonly string[] Causes = ["wear", "wear", "misuse", "contamination"];
    private static readonly string[] Remedies = ["replace", "adjust", "clean"];
    private static readonly string[] Titles = ["Stopped: hydraulic pressure low", "Stopped: drive fault", "Stopped: guard interlock", "Stopped: spindle alarm", "Stopped: feeder jam"];

    public async Task SeedAsync(CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var now = time.GetUtcNow().UtcDateTime;
        var end = now.Date.AddDays(-1);
        var start = end.AddDays(-Days);
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Machines.AnyAsync(ct) || await db.DowntimePeriods.AnyAsync(p => p.StartAt < end, ct))
        {
            return;
        }
        var machines = await db.Machines.AsNoTracking().OrderBy(m => m.Id).Select(m => new { m.Id, m.CalendarId, m.IdealCycleSeconds, m.OpenTicketOnDown, m.Feed }).ToListAsync(ct);
        var shifts = await db.CalendarShifts.AsNoTracking().ToListAsync(ct);
        var zones = await db.ShiftCalendars.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.TimeZone, ct);
        var parts = await db.Parts.AsNoTracking().OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct);
        var random = new Random(18);

        // Stops per machine: an exponential gap of running time, then a stop of a drawn kind and length.
        var periods = new List<DowntimePeriod>();
        var tickets = new List<(Ticket Ticket, int Period)>();
        foreach (var machine in machines)
        {
            var meanGapHours = 20 + random.Next(0, 40);
            for (var at = start.AddMinutes(random.Next(0, 600)); ;)
            {
                at = at.AddHours(-Math.Log(1 - random.NextDouble()) * meanGapHours);
                var roll = random.NextDouble();
                var (kind, seconds, reason) = roll switch
                {
                    < 0.45 => (DowntimeKind.Unplanned, random.Next(20, 110), "jam"),
                    < 0.88 => (DowntimeKind.Unplanned, 300 + (int)(random.NextDouble() * random.NextDouble() * 4 * 3600), UnplannedReasons[random.Next(UnplannedReasons.Length)]),
                    < 0.97 => (DowntimeKind.Planned, random.Next(1800, 3 * 3600), random.NextDouble() < 0.6 ? "changeover" : "pm"),
                    _ => (DowntimeKind.Excluded, random.Next(600, 3600), "tooling"),
                };
                var stop = at.AddSeconds(seconds);
                if (stop >= end)
                {
                    break;
                }
                var period = new DowntimePeriod
                {
                    MachineId = machine.Id, StartAt = at, EndAt = stop, Kind = kind, ReasonCode = reason, Origin = kind == DowntimeKind.Excluded ? DowntimeOrigin.Entered : DowntimeOrigin.State,
                    MicroStop = kind == DowntimeKind.Unplanned && seconds < 120, UpdatedAt = stop, UpdatedBy = Actor,
                    Note = kind == DowntimeKind.Excluded ? "Test run after a tool change" : null,
                };
                periods.Add(period);
                if ((kind == DowntimeKind.Unplanned && seconds >= 120 && (machine.OpenTicketOnDown || random.NextDouble() < 0.3))
                    || (kind == DowntimeKind.Planned && random.NextDouble() < 0.5))
                {
                    tickets.Add((NewTicket(random, machine.Id, period), periods.Count - 1));
                }
                at = stop;
            }
        }

        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.Tickets.AddRange(tickets.Select(t => t.Ticket));
        await db.SaveChangesAsync(ct);
        foreach (var (ticket, index) in tickets)
        {
            periods[index].TicketId = ticket.Id;
        }

        // One transaction for the bulk inserts, run through the provider's execution strategy (PostgreSQL and SQL Server
        // retry on transient errors and refuse a transaction of the caller's own outside it).
        var (productionCount, movementCount) = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var connection = db.Database.GetDbConnection();
            var dbTransaction = transaction.GetDbTransaction();
            await InsertAsync(connection, dbTransaction, db.Provider, "maintenance_downtime",
                ["MachineId", "StartAt", "EndAt", "Kind", "ReasonCode", "Note", "TicketId", "Origin", "MicroStop", "UpdatedAt", "UpdatedBy"],
                periods.Select(p => new object?[] { p.MachineId, p.StartAt, p.EndAt, p.Kind.Wire(), p.ReasonCode, p.Note, p.TicketId, p.Origin.Wire(), p.MicroStop, p.UpdatedAt, p.UpdatedBy }), ct);
            await InsertAsync(connection, dbTransaction, db.Provider, "maintenance_ticket_history",
                ["TicketId", "At", "Actor", "Action", "Field", "Before", "After", "Version"], tickets.SelectMany(t => History(t.Ticket)), ct);

            // Production per shift of the machine's calendar (its own zone), 85-100 % of the shift run, a few % scrap.
            var production = new List<object?[]>();
            for (var day = DateOnly.FromDateTime(start); day < DateOnly.FromDateTime(end); day = day.AddDays(1))
            {
                foreach (var machine in machines)
                {
                    foreach (var shift in shifts.Where(s => s.CalendarId == machine.CalendarId && s.StartsOn(day.DayOfWeek)))
                    {
                        var planned = shift.DurationMinutes * 60;
                        var run = (int)(planned * (0.85 + random.NextDouble() * 0.15));
                        var made = (int)(run / ((machine.IdealCycleSeconds ?? 60) * (1.05 + random.NextDouble() * 0.25)));
                        var scrap = (int)(made * random.NextDouble() * 0.04);
                        production.Add([machine.Id, RawSql.Date(db.Provider, day), shift.Name, made - scrap, scrap, run, planned,
                            (machine.Feed == StateFeed.Manual ? ProductionSource.Import : ProductionSource.Telemetry).Wire(), end]);
                    }
                }
            }
            await InsertAsync(connection, dbTransaction, db.Provider, "maintenance_production",
                ["MachineId", "Date", "Shift", "Good", "Scrap", "RunSeconds", "PlannedSeconds", "Source", "UpdatedAt"], production, ct);

            // Parts issued to about a third of the repairs, covered by a receipt at the start of the history: no balance ever below zero.
            var issues = tickets.Where(t => t.Ticket.Kind == TicketKind.Corrective && t.Ticket.ResolvedAt is not null && parts.Count > 0 && random.NextDouble() < 0.35)
                .Select(t => (Part: parts[random.Next(parts.Count)], Quantity: random.Next(1, 3), t.Ticket)).ToList();
            var movements = issues.GroupBy(i => i.Part)
                .Select(g => new object?[] { g.Key, MovementKind.Receipt.Wire(), g.Sum(i => i.Quantity), start, start, null, "Stock at the start of the demo history", Actor })
                .Concat(issues.Select(i => new object?[] { i.Part, MovementKind.Issue.Wire(), -i.Quantity, i.Ticket.ResolvedAt!.Value.AddMinutes(-20), i.Ticket.ResolvedAt!.Value.AddMinutes(-20), i.Ticket.Id, null, Actor }))
                .ToList();
            await InsertAsync(connection, dbTransaction, db.Provider, "maintenance_part_movements",
                ["PartId", "Kind", "Quantity", "OccurredAt", "RecordedAt", "TicketId", "Reason", "Actor"], movements, ct);
            foreach (var part in movements.GroupBy(m => (int)m[0]!))
            {
                await db.Parts.Where(p => p.Id == part.Key).ExecuteUpdateAsync(s => s.SetProperty(p => p.LedgerVersion, p => p.LedgerVersion + part.Count()), ct);
            }
            await transaction.CommitAsync(ct);
            return (production.Count, movements.Count);
        });
        logger.LogInformation("Demo history: {Days} days, {Periods} downtime periods, {Tickets} tickets, {Production} production records, {Movements} part movements in {Ms} ms",
            Days, periods.Count, tickets.Count, productionCount, movementCount, watch.ElapsedMilliseconds);
    }

    private static Ticket NewTicket(Random random, int machine, DowntimePeriod period)
    {
        var planned = period.Kind == DowntimeKind.Planned;
        var created = planned ? period.StartAt.AddDays(-random.Next(1, 10)) : period.StartAt.AddMinutes(2);
        var priority = planned ? TicketPriority.Low : (TicketPriority)random.Next(0, 4);
        // Critical work is picked up within minutes, low priority within hours.
        var started = (planned ? period.StartAt : created).AddMinutes(planned ? 0 : random.NextDouble() * (4 - (int)priority) * 45 + 2);
        var cancelled = !planned && random.NextDouble() < 0.03;
        var resolved = cancelled ? (DateTime?)null : period.EndAt!.Value.AddMinutes(random.Next(5, 60));
        return new Ticket
        {
            Title = planned ? (period.ReasonCode == "pm" ? "Preventive maintenance" : "Changeover") : Titles[random.Next(Titles.Length)],
            MachineId = machine, Kind = planned ? TicketKind.Planned : TicketKind.Corrective, Priority = priority,
            Status = cancelled ? TicketStatus.Cancelled : TicketStatus.Closed, Origin = planned ? TicketOrigin.Schedule : TicketOrigin.Downtime,
            ReportedBy = Actor, AssignedTo = cancelled ? null : random.NextDouble() < 0.5 ? "operator" : "supervisor", CreatedAt = created,
            FirstStartedAt = cancelled ? null : started, ResolvedAt = resolved, ClosedAt = resolved?.AddHours(random.Next(1, 30)),
            CancelledAt = cancelled ? created.AddMinutes(30) : null, StatusReason = cancelled ? "Restarted by the operator; nothing to repair" : null,
            ProblemCode = planned || cancelled ? null : Problems[random.Next(Problems.Length)], CauseCode = planned || cancelled ? null : Causes[random.Next(Causes.Length)],
            RemedyCode = planned || cancelled ? null : Remedies[random.Next(Remedies.Length)],
            UpdatedAt = resolved?.AddHours(1) ?? created.AddMinutes(30), Version = cancelled ? 2 : 4,
        };
    }

    private static IEnumerable<object?[]> History(Ticket t)
    {
        yield return [t.Id, t.CreatedAt, Actor, "created", null, null, null, 1];
        if (t.Status == TicketStatus.Cancelled)
        {
            yield return [t.Id, t.CancelledAt, Actor, "status", "status", "open", "cancelled", 2];
            yield break;
        }
        yield return [t.Id, t.FirstStartedAt, t.AssignedTo ?? Actor, "status", "status", "open", "in_progress", 2];
        yield return [t.Id, t.ResolvedAt, t.AssignedTo ?? Actor, "status", "status", "in_progress", "resolved", 3];
        yield return [t.Id, t.ClosedAt, Actor, "status", "status", "resolved", "closed", 4];
    }

    /// <summary>One prepared INSERT run per row inside the transaction: the fast path every provider has without its own bulk API.</summary>
    private static async Task InsertAsync(DbConnection connection, DbTransaction transaction, DatabaseProvider provider, string table, string[] columns,
        IEnumerable<object?[]> rows, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {RawSql.Quote(provider, table)} ({string.Join(", ", columns.Select(c => RawSql.Quote(provider, c)))}) " +
                              $"VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
        var parameters = columns.Select((_, i) => command.AddParameter($"@p{i}", null)).ToArray();
        var prepared = false;
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                parameters[i].Value = row[i] ?? DBNull.Value;
            }
            if (!prepared)
            {
                await command.PrepareAsync(ct);
                prepared = true;
            }
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
