namespace OpsConsole.Core.Maintenance.Analytics;

// What the analytics answer. Durations are seconds (double); a page or the API turns them into hours with
// AnalyticsUnits.Hours at the edge. A ratio or a mean with nothing to divide by is null, never 0 or infinity.

/// <summary>Where expected time came from: shift calendars, 24/7 (no calendar), or both among a scope's machines.</summary>
public enum ExpectedBasis
{
    Calendar,
    AllDay,
    Mixed,
}

public enum AnalyticsScopeKind
{
    Plant,
    Area,
    Machine,
}

/// <summary>A plant, an area (by id) or a machine (by id).</summary>
public sealed record AnalyticsScope(AnalyticsScopeKind Kind, int? Id, string Name)
{
    public static AnalyticsScope Plant { get; } = new(AnalyticsScopeKind.Plant, null, "Plant");
    public static AnalyticsScope Area(int id, string name = "") => new(AnalyticsScopeKind.Area, id, name);
    public static AnalyticsScope Machine(int id, string name = "") => new(AnalyticsScopeKind.Machine, id, name);
}

/// <summary>The KPIs a drill-down line feeds.</summary>
[Flags]
public enum AnalyticsKpi
{
    None = 0,
    Uptime = 1,
    Availability = 2,
    Mttr = 4,
    Mtbf = 8,
    Mtta = 16,
    Oee = 32,
}

/// <summary>Mean time to acknowledge for one priority (null Priority: every priority).</summary>
/// <param name="Tickets">Corrective tickets created in the window, not cancelled.</param>
/// <param name="Unacknowledged">Of those, never moved to in progress (left out of the mean).</param>
public sealed record MttaFigure(TicketPriority? Priority, int Tickets, int Unacknowledged, double? MeanSeconds);

/// <summary>OEE and its factors from production roll-ups; each factor null when it cannot be computed.</summary>
public sealed record OeeFigures(
    double? Availability, double? Performance, double? Quality, double? Oee,
    long Good, long Scrap, double RunSeconds, double IdealSeconds, int Records);

public sealed record AnalyticsKpis(
    ExpectedBasis Basis,
    double ExpectedSeconds,
    double PlannedDowntimeSeconds,
    double UnplannedDowntimeSeconds,
    double UptimeSeconds,
    int Failures,
    double FailureDowntimeSeconds,
    int MicroStops,
    double MicroStopSeconds,
    double? MttrSeconds,
    double? MtbfSeconds,
    double? Availability,
    MttaFigure Mtta,
    IReadOnlyList<MttaFigure> MttaByPriority,
    OeeFigures? Oee);

/// <summary>One plant-local day of a scope (the same definitions with the day as the window).</summary>
public sealed record AnalyticsDay(
    DateOnly Day, double ExpectedSeconds, double PlannedDowntimeSeconds, double UnplannedDowntimeSeconds,
    double UptimeSeconds, int Failures, double FailureDowntimeSeconds, double? Availability);

public sealed record ScopeAnalytics(AnalyticsScope Scope, int Machines, AnalyticsKpis Kpis, IReadOnlyList<AnalyticsDay> Daily);

/// <summary>One bar of a Pareto: largest first, with its share and the running share up to it.</summary>
public sealed record ParetoLine(string Key, int Count, double Seconds, double Share, double CumulativeShare);

public sealed record CountLine<TKey>(TKey Key, int Count);

public sealed record TicketAgeBucket(string Label, double FromSeconds, double? ToSeconds, int Count);

/// <summary>Tickets created in the window by status (cancelled shown), by priority and by machine (cancelled left out); ages of tickets active now.</summary>
public sealed record TicketBreakdown(
    IReadOnlyList<CountLine<TicketStatus>> ByStatus,
    IReadOnlyList<CountLine<TicketPriority>> ByPriority,
    IReadOnlyList<CountLine<int>> ByMachine,
    IReadOnlyList<TicketAgeBucket> ActiveAges);

/// <param name="EffectiveEnd">min(To, Now): where open periods and expected time end.</param>
public sealed record AnalyticsReport(
    DateTime From,
    DateTime To,
    DateTime EffectiveEnd,
    string PlantTimeZone,
    int MicroStopSeconds,
    ScopeAnalytics Plant,
    IReadOnlyList<ScopeAnalytics> Areas,
    IReadOnlyList<ScopeAnalytics> Machines,
    IReadOnlyList<ParetoLine> ReasonPareto,
    IReadOnlyList<ParetoLine> FailureCodePareto,
    TicketBreakdown Tickets);

/// <summary>What a period counts as.</summary>
public enum PeriodRole
{
    /// <summary>Unplanned, at least the micro-stop threshold long, not tied to a planned or cancelled ticket.</summary>
    Failure,
    /// <summary>Unplanned and shorter than the threshold: unplanned downtime, never a failure.</summary>
    MicroStop,
    /// <summary>Unplanned but linked to a planned or cancelled ticket: unplanned downtime, not a failure.</summary>
    UnplannedNotFailure,
    Planned,
    /// <summary>Left out of every figure.</summary>
    Excluded,
}

public sealed record ExpectedLine(int MachineId, ExpectedBasis Basis, string? TimeZone, double ExpectedSeconds, int Blocks);

/// <param name="ClippedStart">The period clipped to [From, EffectiveEnd); null when nothing of it is inside.</param>
/// <param name="CountedSeconds">What it adds to its downtime: inside expected time, not already counted by another period (planned first, then the earlier start).</param>
public sealed record PeriodLine(
    long PeriodId, int MachineId, DowntimeKind Kind, PeriodRole Role, string? FailureKey, long? TicketId, string? ReasonCode,
    DateTime Start, DateTime? End, DateTime? ClippedStart, DateTime? ClippedEnd, double CountedSeconds, AnalyticsKpi Feeds);

/// <summary>One failure: its periods (one ticket's periods are one failure) and the downtime it counts in the window.</summary>
public sealed record FailureLine(
    string Key, long? TicketId, int MachineId, DateTime FirstCountedAt, IReadOnlyList<long> PeriodIds, double DowntimeSeconds, string? FailureCode);

public sealed record TicketLine(
    long TicketId, int MachineId, TicketKind Kind, TicketPriority Priority, TicketStatus Status, DateTime CreatedAt,
    DateTime? FirstInProgressAt, double? AcknowledgeSeconds, AnalyticsKpi Feeds, string? Note);

public sealed record ProductionLine(AnalyticsProduction Record, AnalyticsKpi Feeds);

/// <summary>"How was this computed": every period, failure, ticket and production record behind a scope's KPIs.</summary>
public sealed record AnalyticsDrillDown(
    AnalyticsScope Scope,
    AnalyticsKpis Kpis,
    IReadOnlyList<ExpectedLine> Expected,
    IReadOnlyList<PeriodLine> Periods,
    IReadOnlyList<FailureLine> Failures,
    IReadOnlyList<TicketLine> Tickets,
    IReadOnlyList<ProductionLine> Production);

public static class AnalyticsUnits
{
    public static double Hours(double seconds) => seconds / 3600.0;
    public static double? Hours(double? seconds) => seconds / 3600.0;
}
