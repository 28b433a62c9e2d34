using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Tests.TestSupport;

/// <summary>
/// Issue 18's analytics fixture in the database: a 100 h window from Monday 2026-01-05 00:00 UTC, a calendar of 20 h
/// Monday to Thursday (80 h expected in it), failures at 10 h (2 h) and 50 h (3 h), a 1 h planned stop at 30 h →
/// MTTR 2.5 h, uptime 74 h, MTBF 37 h, availability 74/79.
/// </summary>
public static class AnalyticsTestData
{
    public static readonly DateTime From = new(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime To = From.AddHours(100);

    public sealed record Fixture(int AreaId, int Machine, int IdleMachine, long FirstFailure, long SecondFailure, long Planned);

    public static DateTime At(double hours) => From.AddHours(hours);

    public static async Task<Fixture> SeedAsync(OpsDbContext db)
    {
        var calendar = new ShiftCalendar
        {
            Name = $"Mon-Thu 20 h {Guid.NewGuid():N}"[..30], TimeZone = "UTC", Version = 1,
            Shifts = [new CalendarShift { Name = "Day", Days = 0b0011110, StartMinute = 0, DurationMinutes = 20 * 60 }],
        };
        db.ShiftCalendars.Add(calendar);
        await db.SaveChangesAsync();
        var ids = await MaintenanceTestData.MachinesAsync(db, 2, openTicketOnDown: false);
        var machine = await db.Machines.FindAsync(ids[0]);
        machine!.CalendarId = calendar.Id;
        var first = Period(ids[0], At(10), At(12), DowntimeKind.Unplanned, "jam");
        var second = Period(ids[0], At(50), At(53), DowntimeKind.Unplanned, "breakdown");
        var planned = Period(ids[0], At(30), At(31), DowntimeKind.Planned, "changeover");
        // Outside the window on both sides: never read, never counted.
        db.DowntimePeriods.AddRange(first, second, planned, Period(ids[0], At(-30), At(-20), DowntimeKind.Unplanned, "jam"),
            Period(ids[0], At(120), At(125), DowntimeKind.Unplanned, "jam"));
        await db.SaveChangesAsync();
        return new Fixture(machine.AreaId, ids[0], ids[1], first.Id, second.Id, planned.Id);
    }

    public static DowntimePeriod Period(int machine, DateTime start, DateTime? end, DowntimeKind kind, string? reason = null, long? ticket = null) => new()
    {
        MachineId = machine, StartAt = start, EndAt = end, Kind = kind, ReasonCode = reason, TicketId = ticket, Origin = DowntimeOrigin.Entered,
        UpdatedAt = start,
    };

    public static Ticket Ticket(int machine, DateTime created, TicketStatus status = TicketStatus.Closed, TicketPriority priority = TicketPriority.High,
        DateTime? started = null, string? problem = null) => new()
    {
        Title = "Stopped", MachineId = machine, Kind = TicketKind.Corrective, Priority = priority, Status = status, ReportedBy = "op", CreatedAt = created,
        UpdatedAt = created, FirstStartedAt = started, ProblemCode = problem, Version = 1,
    };
}
