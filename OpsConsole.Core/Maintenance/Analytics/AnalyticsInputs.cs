namespace OpsConsole.Core.Maintenance.Analytics;

// What the analytics read: small records, independent of EF, that the module fills from its tables (periods and
// daily production roll-ups written at ingest, never raw machine events). Every instant is UTC (a DateTime of kind
// Unspecified, as SQLite reads it back, is taken as UTC). Definitions: docs/analytics.md.

/// <summary>The window [From, To) and the facts the figures depend on besides the data.</summary>
/// <param name="Now">Open periods end here, and nothing after it is expected time (a window reaching into the future).</param>
/// <param name="PlantTimeZone">IANA zone in which days are bucketed (daily series, production dates).</param>
/// <param name="MicroStopSeconds">An unplanned period shorter than this is a micro-stop: downtime, never a failure.</param>
public sealed record AnalyticsQuery(DateTime From, DateTime To, DateTime Now, string PlantTimeZone, int MicroStopSeconds);

/// <summary>A machine, its area and its shift calendar (null: expected 24/7).</summary>
public sealed record AnalyticsMachine(int Id, string Name, int AreaId, string AreaName, AnalyticsCalendar? Calendar = null);

/// <summary>When a machine is expected to run, in the calendar's IANA time zone. <see cref="Id"/> keys a cache: equal ids must mean equal calendars.</summary>
public sealed record AnalyticsCalendar(int Id, string TimeZone, IReadOnlyList<AnalyticsShift> Shifts);

/// <summary>
/// One shift: the days it starts on as bits (1 = Sunday … 64 = Saturday, <see cref="DayOfWeek"/> order), its start in
/// minutes after local midnight and its length in wall-clock minutes (it may run past midnight).
/// </summary>
public sealed record AnalyticsShift(int Days, int StartMinute, int DurationMinutes)
{
    public bool StartsOn(DayOfWeek day) => (Days & (1 << (int)day)) != 0;
}

/// <summary>A downtime period; <see cref="End"/> null while it is open.</summary>
public sealed record AnalyticsPeriod(
    long Id, int MachineId, DateTime Start, DateTime? End, DowntimeKind Kind, long? TicketId = null, string? ReasonCode = null);

/// <summary>A ticket; <see cref="FailureCode"/> is its problem code (the Pareto by failure code).</summary>
public sealed record AnalyticsTicket(
    long Id, int MachineId, TicketKind Kind, TicketPriority Priority, TicketStatus Status, DateTime CreatedAt,
    DateTime? FirstInProgressAt = null, DateTime? ResolvedAt = null, string? FailureCode = null);

/// <summary>A production roll-up: one machine, one plant-local date, one shift.</summary>
/// <param name="IdealCycleSeconds">The machine's ideal seconds per part when the record was made; null: performance unknown.</param>
public sealed record AnalyticsProduction(
    int MachineId, DateOnly Date, string Shift, long Good, long Scrap, double RunSeconds, double PlannedSeconds, double? IdealCycleSeconds);

/// <summary>Everything one computation reads. Periods must include every period of these machines that overlaps the window.</summary>
public sealed record AnalyticsInput(
    IReadOnlyList<AnalyticsMachine> Machines,
    IReadOnlyList<AnalyticsPeriod> Periods,
    IReadOnlyList<AnalyticsTicket> Tickets,
    IReadOnlyList<AnalyticsProduction> Production);
