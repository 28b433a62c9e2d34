using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance.Analytics;

/// <summary>The lines of a drill-down behind one KPI ("how was MTTR computed"), or all of them.</summary>
public sealed record DrillDownLines(
    IReadOnlyList<ExpectedLine> Expected, IReadOnlyList<PeriodLine> Periods, IReadOnlyList<FailureLine> Failures,
    IReadOnlyList<TicketLine> Tickets, IReadOnlyList<ProductionLine> Production);

public static class AnalyticsDrillDownLines
{
    /// <summary>The KPIs one can drill into, by their wire names.</summary>
    public static readonly IReadOnlyList<AnalyticsKpi> Kpis =
        [AnalyticsKpi.Uptime, AnalyticsKpi.Availability, AnalyticsKpi.Mttr, AnalyticsKpi.Mtbf, AnalyticsKpi.Mtta, AnalyticsKpi.Oee];

    /// <summary>
    /// What a KPI is computed from: periods that feed it (their <see cref="PeriodLine.Feeds"/>), the expected time
    /// where it is a part (uptime, availability, MTBF), the failures (MTTR, MTBF), every ticket created in the window
    /// for MTTA (those left out say why), production records and the availability's periods for OEE. Null: everything.
    /// </summary>
    public static DrillDownLines For(AnalyticsDrillDown drill, AnalyticsKpi? kpi)
    {
        if (kpi is not { } k)
        {
            return new DrillDownLines(drill.Expected, drill.Periods, drill.Failures, drill.Tickets, drill.Production);
        }
        var periodFlag = k == AnalyticsKpi.Oee ? AnalyticsKpi.Availability : k;
        var expected = k is AnalyticsKpi.Uptime or AnalyticsKpi.Availability or AnalyticsKpi.Mtbf or AnalyticsKpi.Oee;
        return new DrillDownLines(
            expected ? drill.Expected : [],
            k == AnalyticsKpi.Mtta ? [] : [.. drill.Periods.Where(p => (p.Feeds & periodFlag) != 0)],
            k is AnalyticsKpi.Mttr or AnalyticsKpi.Mtbf ? drill.Failures : [],
            k == AnalyticsKpi.Mtta ? drill.Tickets : [],
            k == AnalyticsKpi.Oee ? drill.Production : []);
    }

    /// <summary>The wire names of the KPIs a line feeds (<c>["uptime","availability"]</c>).</summary>
    public static IReadOnlyList<string> Names(AnalyticsKpi feeds) => [.. Kpis.Where(k => (feeds & k) != 0).Select(k => k.Wire())];

    /// <summary>A KPI named on the wire (<c>mttr</c>), or null and an error naming the field.</summary>
    public static AnalyticsKpi? Read(FieldErrors errors, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var kpi = Kpis.FirstOrDefault(k => k.Wire() == text.Trim().ToLowerInvariant());
        if (kpi == AnalyticsKpi.None)
        {
            errors.Add(field, $"{field} must be one of {OpsNames.List([.. Kpis.Select(k => k.Wire())])}.");
            return null;
        }
        return kpi;
    }
}
