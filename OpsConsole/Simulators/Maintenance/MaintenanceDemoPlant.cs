using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Infrastructure.Database;

namespace OpsConsole.Simulators.Maintenance;

/// <summary>
/// Development's demo plant (phase 1, before MQTT): three areas, twenty machines with a shift calendar, reason and
/// failure codes, a shelf of parts with their receipts, and a few tickets in different states, all through Core's
/// services so that their history and audit read as real ones. Added once; a restart changes nothing.
/// </summary>
public sealed class MaintenanceDemoPlant(IDbContextFactory<OpsDbContext> contexts, TicketService tickets, MachineStates states, PartsLedger ledger,
    TimeProvider time) : IDemoData
{
    private static readonly (string Area, string Prefix, string Name, int Count)[] Lines =
    [
        ("Press shop", "PR", "Press", 7), ("Machining", "CNC", "CNC mill", 8), ("Assembly", "AS", "Assembly cell", 5),
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            if (await db.Machines.AnyAsync(ct))
            {
                return;
            }
            var now = time.GetUtcNow().UtcDateTime;
            var calendar = new ShiftCalendar
            {
                Name = "Two shifts, weekdays", TimeZone = "Europe/Berlin", Version = 1,
                Shifts =
                [
                    new CalendarShift { Name = "Early", Days = 0b0111110, StartMinute = 6 * 60, DurationMinutes = 8 * 60 },
                    new CalendarShift { Name = "Late", Days = 0b0111110, StartMinute = 14 * 60, DurationMinutes = 8 * 60 },
                ],
            };
            db.ShiftCalendars.Add(calendar);
            db.MaintenanceCodes.AddRange(
                Code(CodeKind.Reason, "breakdown", "Breakdown"), Code(CodeKind.Reason, "jam", "Material jam"), Code(CodeKind.Reason, "tooling", "Tool change"),
                Code(CodeKind.Reason, "changeover", "Changeover", planned: true), Code(CodeKind.Reason, "pm", "Preventive maintenance", planned: true),
                Code(CodeKind.Problem, "hydraulic", "Hydraulic"), Code(CodeKind.Problem, "electrical", "Electrical"), Code(CodeKind.Problem, "mechanical", "Mechanical"),
                Code(CodeKind.Cause, "wear", "Wear"), Code(CodeKind.Cause, "misuse", "Operating error"), Code(CodeKind.Cause, "contamination", "Contamination"),
                Code(CodeKind.Remedy, "replace", "Replaced part"), Code(CodeKind.Remedy, "adjust", "Adjusted"), Code(CodeKind.Remedy, "clean", "Cleaned"));
            await db.SaveChangesAsync(ct);
            var criticality = new[] { Criticality.A, Criticality.B, Criticality.B, Criticality.C };
            var n = 0;
            foreach (var (areaName, prefix, name, count) in Lines)
            {
                var area = new Area { Name = areaName };
                db.MaintenanceAreas.Add(area);
                await db.SaveChangesAsync(ct);
                for (var i = 1; i <= count; i++, n++)
                {
                    db.Machines.Add(new Machine
                    {
                        Code = $"{prefix}-{i:D2}", Name = $"{name} {i}", AreaId = area.Id, Criticality = criticality[n % criticality.Length],
                        IdealCycleSeconds = prefix == "PR" ? 6 : prefix == "CNC" ? 95 : 40, CalendarId = calendar.Id, OpenTicketOnDown = n % 3 != 2,
                        // The presses and mills report over MQTT (the machine simulator plays them); the assembly cells are set by hand.
                        Feed = prefix == "AS" ? StateFeed.Manual : StateFeed.Telemetry,
                        State = MachineState.Running, StateSource = StateSource.Manual, StateSince = now.AddHours(-3 - n), Version = 1,
                    });
                }
            }
            db.Parts.AddRange(
                Part("BRG-6204", "Deep-groove bearing 6204", 12, 8, 20, 5, 7.40m, "A-01"), Part("SEAL-HY40", "Hydraulic seal kit 40 mm", 6, 3, 6, 14, 48.00m, "A-02"),
                Part("BELT-XPZ1250", "V-belt XPZ 1250", 8, 4, 10, 10, 11.90m, "B-04"), Part("FUSE-16A", "Fuse 16 A gG", 40, 10, 50, 3, 0.85m, "C-11"),
                Part("FLT-HYD10", "Hydraulic filter 10 µm", 5, 4, 10, 21, 36.50m, "A-05"), Part("SENS-PNP8", "Inductive sensor PNP M8", 2, 3, 6, 10, 29.00m, "C-02"));
            await db.SaveChangesAsync(ct);
        }
        await using var read = await contexts.CreateDbContextAsync(ct);
        var machines = await read.Machines.AsNoTracking().OrderBy(m => m.Id).ToListAsync(ct);
        var parts = await read.Parts.AsNoTracking().OrderBy(p => p.Id).ToListAsync(ct);
        var start = time.GetUtcNow().UtcDateTime;
        foreach (var part in parts)
        {
            await ledger.RecordAsync(Actor.System, part.Id, new MovementInput("receipt", part.ReorderQuantity + part.ReorderLevel, start.AddDays(-30).ToString("O"), null, "Opening stock"), ct);
        }
        // On two cells set by hand: a stop that is still going on (a failure ticket opens for it) and one in planned
        // maintenance; and reported tickets in every state.
        await states.SetStateAsync(machines[16].Id, MachineState.Down, StateSource.Manual, start.AddMinutes(-25), ct);
        await states.SetStateAsync(machines[18].Id, MachineState.Maintenance, StateSource.Manual, start.AddMinutes(-50), ct);
        await states.OpenDueFailureTicketsAsync(ct);
        var reported = new (int Machine, string Title, string Priority, string[] Moves)[]
        {
            (3, "Oil on the floor under the ram", "high", ["in_progress"]),
            (8, "Spindle makes a grinding noise above 8000 rpm", "critical", []),
            (12, "Guard door switch needs two tries", "medium", ["in_progress", "on_hold"]),
            (15, "Torque screwdriver reads 10% low", "low", ["in_progress", "resolved"]),
            (5, "Coolant smells", "low", ["in_progress", "resolved", "closed"]),
        };
        foreach (var (machine, title, priority, moves) in reported)
        {
            var ticket = (await tickets.CreateAsync(Actor.System, new NewTicket(title, null, machines[machine].Id, "corrective", priority, null, null), ct)).Value!;
            foreach (var move in moves)
            {
                await tickets.MoveAsync(Actor.System, ticket.Id, new TicketStatusChange(move, move == "on_hold" ? "Waiting for the electrician" : null,
                    ProblemCode: move == "resolved" ? "mechanical" : null), ct);
            }
        }
        var leaky = (await tickets.ListAsync(new TicketFilter([TicketStatus.InProgress], null, null, machines[3].Id, null, null, null),
            new OpsConsole.Core.Shared.Results.PageRequest(1, 1), ct)).Items.FirstOrDefault();
        if (leaky is not null)
        {
            await ledger.RecordAsync(Actor.System, parts[1].Id, new MovementInput("issue", 1, null, leaky.Ticket.Id, null), ct);
            await tickets.CommentAsync(Actor.System, leaky.Ticket.Id, "Seal kit fitted; watching it for a shift.", ct);
        }
    }

    private static MaintenanceCode Code(CodeKind kind, string code, string label, bool planned = false) => new() { Kind = kind, Code = code, Label = label, Planned = planned };

    private static Part Part(string number, string name, int reorderQuantity, int reorderLevel, int _, int leadTimeDays, decimal cost, string location) => new()
    {
        Number = number, Name = name, ReorderQuantity = reorderQuantity, ReorderLevel = reorderLevel, LeadTimeDays = leadTimeDays, UnitCost = cost,
        Location = location, Version = 1,
    };
}

public static class MaintenanceSimulator
{
    /// <summary>`Maintenance:DemoPlant`, by default on where the simulators are on in Development: the demo plant.</summary>
    public static IServiceCollection AddMaintenanceSimulator(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var defaultOn = configuration.GetValue("Simulators:Enabled", environment.IsDevelopment()) && environment.IsDevelopment();
        if (configuration.GetValue("Maintenance:DemoPlant", defaultOn))
        {
            services.AddDemoData<MaintenanceDemoPlant>();
            services.AddDemoData<MaintenanceDemoHistory>();
        }
        return services;
    }
}
