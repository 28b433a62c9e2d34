using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Analytics;

namespace OpsConsole.Tests.Core.Maintenance.Analytics;

/// <summary>Small builders for the analytics' input: hours after a fixed Monday 00:00 UTC.</summary>
internal static class AnalyticsTestData
{
    /// <summary>Monday 2026-01-05 00:00 UTC.</summary>
    public static readonly DateTime T0 = new(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc);

    public const int Monday = 1 << (int)DayOfWeek.Monday;
    public const int MondayToThursday = Monday | 1 << (int)DayOfWeek.Tuesday | 1 << (int)DayOfWeek.Wednesday | 1 << (int)DayOfWeek.Thursday;
    public const int EveryDay = 127;

    public static DateTime H(double hours) => T0.AddTicks((long)Math.Round(hours * TimeSpan.TicksPerHour));

    public static AnalyticsQuery Query(double fromHours, double toHours, double? nowHours = null, string zone = "Etc/UTC", int microStopSeconds = 120) =>
        new(H(fromHours), H(toHours), H(nowHours ?? toHours + 24), zone, microStopSeconds);

    public static AnalyticsCalendar Calendar(int id, string zone, params AnalyticsShift[] shifts) => new(id, zone, shifts);

    /// <summary>The calendar: 00:00–20:00 UTC Monday to Thursday, 80 h in the first 100 h after <see cref="T0"/>.</summary>
    public static AnalyticsCalendar EightyHours { get; } = Calendar(1, "Etc/UTC", new AnalyticsShift(MondayToThursday, 0, 20 * 60));

    public static AnalyticsMachine Machine(int id = 1, AnalyticsCalendar? calendar = null, int areaId = 1, string areaName = "Milling") =>
        new(id, $"M{id}", areaId, areaName, calendar);

    public static AnalyticsPeriod Down(long id, double fromHours, double? toHours, int machineId = 1, long? ticketId = null, string? reason = null) =>
        new(id, machineId, H(fromHours), toHours is { } t ? H(t) : null, DowntimeKind.Unplanned, ticketId, reason);

    public static AnalyticsPeriod PlannedStop(long id, double fromHours, double toHours, int machineId = 1, string? reason = "PM") =>
        new(id, machineId, H(fromHours), H(toHours), DowntimeKind.Planned, null, reason);

    public static AnalyticsPeriod Excluded(long id, double fromHours, double toHours, int machineId = 1) =>
        new(id, machineId, H(fromHours), H(toHours), DowntimeKind.Excluded);

    public static AnalyticsTicket Ticket(long id, double createdHours, double? startedHours = null, int machineId = 1,
        TicketKind kind = TicketKind.Corrective, TicketPriority priority = TicketPriority.Medium, TicketStatus status = TicketStatus.InProgress,
        string? failureCode = null) =>
        new(id, machineId, kind, priority, status, H(createdHours), startedHours is { } s ? H(s) : null, null, failureCode);

    public static AnalyticsInput Input(IEnumerable<AnalyticsMachine> machines, IEnumerable<AnalyticsPeriod>? periods = null,
        IEnumerable<AnalyticsTicket>? tickets = null, IEnumerable<AnalyticsProduction>? production = null) =>
        new([.. machines], [.. periods ?? []], [.. tickets ?? []], [.. production ?? []]);

    public static double Hours(double seconds) => seconds / 3600;
}
