using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Analytics;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Features.Maintenance;

// The wire records of /api/maintenance/analytics (ADR 0028). Seconds inside Core become hours here; a mean or ratio
// with nothing to divide by is null ("no failures" is mtbf_hours: null with failures: 0).

public sealed record AnalyticsQueryParameters([FromQuery(Name = "from")] string? From, [FromQuery(Name = "to")] string? To,
    [FromQuery(Name = "machine_id")] string? MachineId, [FromQuery(Name = "area")] string? Area)
{
    public AnalyticsFilterInput ToInput() => new(From, To, MachineId, Area);
}

public sealed record DrillDownParameters([FromQuery(Name = "kpi")] string? Kpi, [FromQuery(Name = "limit")] string? Limit);

public sealed record ScopeRef(AnalyticsScopeKind Kind, int? Id, string Name)
{
    public static ScopeRef From(AnalyticsScope s) => new(s.Kind, s.Id, s.Name);
}

public sealed record MttaResponse(TicketPriority? Priority, int Tickets, int Unacknowledged, double? MttaHours)
{
    public static MttaResponse From(MttaFigure f) => new(f.Priority, f.Tickets, f.Unacknowledged, AnalyticsUnits.Hours(f.MeanSeconds));
}

public sealed record OeeResponse(double? Availability, double? Performance, double? Quality, double? Oee, long Good, long Scrap, double RunHours, int Records)
{
    public static OeeResponse? From(OeeFigures? o) => o is null ? null
        : new(o.Availability, o.Performance, o.Quality, o.Oee, o.Good, o.Scrap, AnalyticsUnits.Hours(o.RunSeconds), o.Records);
}

/// <summary>One scope's KPIs; <c>expected_basis</c> says whether expected time came from shift calendars, 24/7 (<c>all_day</c>) or both (<c>mixed</c>).</summary>
public sealed record KpiResponse(ScopeRef Scope, int Machines, ExpectedBasis ExpectedBasis, double ExpectedHours, double PlannedDowntimeHours,
    double UnplannedDowntimeHours, double UptimeHours, int Failures, double FailureDowntimeHours, int MicroStops, double? MttrHours, double? MtbfHours,
    double? Availability, double? MttaHours, int MttaTickets, int Unacknowledged, IReadOnlyList<MttaResponse> MttaByPriority, double? Oee, OeeResponse? OeeFactors)
{
    public static KpiResponse From(AnalyticsScope scope, int machines, AnalyticsKpis k) => new(ScopeRef.From(scope), machines, k.Basis,
        AnalyticsUnits.Hours(k.ExpectedSeconds), AnalyticsUnits.Hours(k.PlannedDowntimeSeconds), AnalyticsUnits.Hours(k.UnplannedDowntimeSeconds),
        AnalyticsUnits.Hours(k.UptimeSeconds), k.Failures, AnalyticsUnits.Hours(k.FailureDowntimeSeconds), k.MicroStops, AnalyticsUnits.Hours(k.MttrSeconds),
        AnalyticsUnits.Hours(k.MtbfSeconds), k.Availability, AnalyticsUnits.Hours(k.Mtta.MeanSeconds), k.Mtta.Tickets, k.Mtta.Unacknowledged,
        [.. k.MttaByPriority.Select(MttaResponse.From)], k.Oee?.Oee, OeeResponse.From(k.Oee));

    public static KpiResponse From(ScopeAnalytics s) => From(s.Scope, s.Machines, s.Kpis);
}

public sealed record DayResponse(DateOnly Day, double ExpectedHours, double PlannedDowntimeHours, double UnplannedDowntimeHours, double UptimeHours, int Failures,
    double? Availability)
{
    public static DayResponse From(AnalyticsDay d) => new(d.Day, AnalyticsUnits.Hours(d.ExpectedSeconds), AnalyticsUnits.Hours(d.PlannedDowntimeSeconds),
        AnalyticsUnits.Hours(d.UnplannedDowntimeSeconds), AnalyticsUnits.Hours(d.UptimeSeconds), d.Failures, d.Availability);
}

public sealed record ParetoResponse(string Key, int Count, double Hours, double Share, double CumulativeShare)
{
    public static ParetoResponse From(ParetoLine l) => new(l.Key, l.Count, AnalyticsUnits.Hours(l.Seconds), l.Share, l.CumulativeShare);
}

public sealed record CountResponse<TKey>(TKey Key, int Count);

public sealed record MachineCountResponse(int MachineId, string Machine, int Count);

public sealed record AgeResponse(string Label, int Count);

/// <summary>
/// GET /api/maintenance/analytics: the filter's scope (a machine, an area or the plant) at the top level, then its
/// areas and machines, its daily series, the Paretos, ticket breakdowns and parts consumption.
/// </summary>
public sealed record AnalyticsResponse(DateTime From, DateTime To, DateTime EffectiveEnd, string PlantTimeZone, int MicroStopSeconds, ScopeRef Scope,
    ExpectedBasis ExpectedBasis, double ExpectedHours, double PlannedDowntimeHours, double UnplannedDowntimeHours, double UptimeHours, int Failures,
    double? MttrHours, double? MtbfHours, double? MttaHours, IReadOnlyList<MttaResponse> MttaByPriority, double? Availability, double? Oee,
    KpiResponse Plant, IReadOnlyList<KpiResponse> Areas, IReadOnlyList<KpiResponse> Machines, IReadOnlyList<DayResponse> Daily,
    IReadOnlyList<ParetoResponse> ReasonPareto, IReadOnlyList<ParetoResponse> FailureCodePareto,
    IReadOnlyList<CountResponse<TicketStatus>> TicketsByStatus, IReadOnlyList<CountResponse<TicketPriority>> TicketsByPriority,
    IReadOnlyList<MachineCountResponse> TicketsByMachine, IReadOnlyList<AgeResponse> ActiveTicketAges, PartsConsumption Parts)
{
    public static AnalyticsResponse Of(MaintenanceAnalyticsView view)
    {
        var r = view.Report;
        var scope = view.Filter.Scope with { Name = ScopeName(view) };
        var k = KpiResponse.From(scope, r.Plant.Machines, r.Plant.Kpis);
        return new AnalyticsResponse(r.From, r.To, r.EffectiveEnd, r.PlantTimeZone, r.MicroStopSeconds, k.Scope, k.ExpectedBasis, k.ExpectedHours,
            k.PlannedDowntimeHours, k.UnplannedDowntimeHours, k.UptimeHours, k.Failures, k.MttrHours, k.MtbfHours, k.MttaHours, k.MttaByPriority, k.Availability,
            k.Oee, KpiResponse.From(r.Plant), [.. r.Areas.Select(KpiResponse.From)], [.. r.Machines.Select(KpiResponse.From)],
            [.. r.Plant.Daily.Select(DayResponse.From)], [.. r.ReasonPareto.Select(ParetoResponse.From)], [.. r.FailureCodePareto.Select(ParetoResponse.From)],
            [.. r.Tickets.ByStatus.Select(c => new CountResponse<TicketStatus>(c.Key, c.Count))],
            [.. r.Tickets.ByPriority.Select(c => new CountResponse<TicketPriority>(c.Key, c.Count))],
            [.. r.Tickets.ByMachine.Select(c => new MachineCountResponse(c.Key, view.MachineNames.GetValueOrDefault(c.Key, $"#{c.Key}"), c.Count))],
            [.. r.Tickets.ActiveAges.Select(a => new AgeResponse(a.Label, a.Count))], view.Parts);
    }

    private static string ScopeName(MaintenanceAnalyticsView view) => view.Filter.Scope.Kind switch
    {
        AnalyticsScopeKind.Machine => view.Report.Machines.FirstOrDefault()?.Scope.Name ?? "",
        AnalyticsScopeKind.Area => view.Report.Areas.FirstOrDefault()?.Scope.Name ?? "",
        _ => "Plant",
    };
}

public sealed record PeriodLineResponse(long PeriodId, int MachineId, DowntimeKind Kind, PeriodRole Role, string? FailureKey, long? TicketId, string? ReasonCode,
    DateTime Start, DateTime? End, DateTime? ClippedStart, DateTime? ClippedEnd, double CountedHours, IReadOnlyList<string> Feeds)
{
    public static PeriodLineResponse From(PeriodLine p) => new(p.PeriodId, p.MachineId, p.Kind, p.Role, p.FailureKey, p.TicketId, p.ReasonCode, p.Start, p.End,
        p.ClippedStart, p.ClippedEnd, AnalyticsUnits.Hours(p.CountedSeconds), AnalyticsDrillDownLines.Names(p.Feeds));
}

public sealed record FailureLineResponse(string Key, long? TicketId, int MachineId, DateTime FirstCountedAt, IReadOnlyList<long> PeriodIds, double DowntimeHours,
    string? FailureCode)
{
    public static FailureLineResponse From(FailureLine f) => new(f.Key, f.TicketId, f.MachineId, f.FirstCountedAt, f.PeriodIds, AnalyticsUnits.Hours(f.DowntimeSeconds),
        f.FailureCode);
}

public sealed record TicketLineResponse(long TicketId, int MachineId, TicketKind Kind, TicketPriority Priority, TicketStatus Status, DateTime CreatedAt,
    DateTime? FirstInProgressAt, double? AcknowledgeHours, IReadOnlyList<string> Feeds, string? Note)
{
    public static TicketLineResponse From(TicketLine t) => new(t.TicketId, t.MachineId, t.Kind, t.Priority, t.Status, t.CreatedAt, t.FirstInProgressAt,
        AnalyticsUnits.Hours(t.AcknowledgeSeconds), AnalyticsDrillDownLines.Names(t.Feeds), t.Note);
}

public sealed record ExpectedLineResponse(int MachineId, ExpectedBasis Basis, string? TimeZone, double ExpectedHours, int Blocks)
{
    public static ExpectedLineResponse From(ExpectedLine e) => new(e.MachineId, e.Basis, e.TimeZone, AnalyticsUnits.Hours(e.ExpectedSeconds), e.Blocks);
}

/// <summary>
/// GET /api/maintenance/analytics/drill-down: what the scope's KPIs (or one KPI, <c>kpi=</c>) were computed from. Each list
/// holds at most <c>limit</c> lines; its <c>*_total</c> says how many there are.
/// </summary>
public sealed record DrillDownResponse(ScopeRef Scope, string? Kpi, KpiResponse Kpis, IReadOnlyList<ExpectedLineResponse> Expected,
    int PeriodsTotal, IReadOnlyList<PeriodLineResponse> Periods, int FailuresTotal, IReadOnlyList<FailureLineResponse> Failures,
    int TicketsTotal, IReadOnlyList<TicketLineResponse> Tickets, int ProductionTotal, IReadOnlyList<AnalyticsProduction> Production)
{
    public static DrillDownResponse From(AnalyticsDrillDown d, AnalyticsKpi? kpi, int limit)
    {
        var lines = AnalyticsDrillDownLines.For(d, kpi);
        return new DrillDownResponse(ScopeRef.From(d.Scope), kpi?.Wire(), KpiResponse.From(d.Scope, d.Expected.Count, d.Kpis),
            [.. lines.Expected.Select(ExpectedLineResponse.From)],
            lines.Periods.Count, [.. lines.Periods.Take(limit).Select(PeriodLineResponse.From)],
            lines.Failures.Count, [.. lines.Failures.Take(limit).Select(FailureLineResponse.From)],
            lines.Tickets.Count, [.. lines.Tickets.Take(limit).Select(TicketLineResponse.From)],
            lines.Production.Count, [.. lines.Production.Take(limit).Select(p => p.Record)]);
    }
}
