namespace OpsConsole.Core.Maintenance.Analytics;

/// <summary>
/// Reliability analytics over a window, per machine, area and plant, as pure functions of their input (no database,
/// no clock: the query carries "now"). Every definition is written in docs/analytics.md; the drill-down runs the same
/// code as the figures, so what it lists always adds up to them.
/// </summary>
public static class MaintenanceAnalytics
{
    public const string NoCode = "(none)";

    /// <summary>The figures for every machine, area and the plant, daily series, Paretos and ticket breakdowns.</summary>
    public static AnalyticsReport Compute(AnalyticsInput input, AnalyticsQuery query)
    {
        var window = new AnalyticsWindow(query);
        var engine = new AnalyticsEngine(input, window, sink: null);
        engine.Run(input.Machines);

        var plant = new AnalyticsTotals(window.DayCount);
        var areas = new Dictionary<int, (string Name, AnalyticsTotals Totals)>();
        var machines = new List<ScopeAnalytics>(input.Machines.Count);
        for (var m = 0; m < input.Machines.Count; m++)
        {
            var machine = input.Machines[m];
            var totals = engine.MachineTotals[m];
            if (totals is null)
            {
                continue;
            }
            plant.Add(totals);
            if (!areas.TryGetValue(machine.AreaId, out var area))
            {
                area = (machine.AreaName, new AnalyticsTotals(window.DayCount));
                areas.Add(machine.AreaId, area);
            }
            area.Totals.Add(totals);
            machines.Add(Scope(AnalyticsScope.Machine(machine.Id, machine.Name), totals, window));
        }
        return new AnalyticsReport(
            query.From, query.To, new DateTime(window.End, DateTimeKind.Utc), query.PlantTimeZone, query.MicroStopSeconds,
            Scope(AnalyticsScope.Plant, plant, window),
            [.. areas.OrderBy(a => a.Value.Name, StringComparer.OrdinalIgnoreCase).Select(a => Scope(AnalyticsScope.Area(a.Key, a.Value.Name), a.Value.Totals, window))],
            machines,
            Pareto(engine.ReasonPareto),
            Pareto(engine.FailureCodePareto),
            engine.TicketBreakdown());
    }

    /// <summary>
    /// "How was this computed" for one scope: its KPIs with every period (clipped, seconds counted, role), failure,
    /// ticket and production record behind them, and each machine's expected time.
    /// </summary>
    public static AnalyticsDrillDown DrillDown(AnalyticsInput input, AnalyticsQuery query, AnalyticsScope scope)
    {
        var window = new AnalyticsWindow(query);
        var machines = scope.Kind switch
        {
            AnalyticsScopeKind.Machine => input.Machines.Where(m => m.Id == scope.Id).ToList(),
            AnalyticsScopeKind.Area => input.Machines.Where(m => m.AreaId == scope.Id).ToList(),
            _ => input.Machines.ToList(),
        };
        var sink = new DrillDownSink();
        var engine = new AnalyticsEngine(input, window, sink);
        engine.Run(machines);
        var totals = new AnalyticsTotals(window.DayCount);
        foreach (var machineTotals in engine.MachineTotals)
        {
            if (machineTotals is not null)
            {
                totals.Add(machineTotals);
            }
        }
        var name = scope.Name.Length > 0 ? scope.Name : scope.Kind switch
        {
            AnalyticsScopeKind.Machine => machines.FirstOrDefault()?.Name ?? "",
            AnalyticsScopeKind.Area => machines.FirstOrDefault()?.AreaName ?? "",
            _ => "Plant",
        };
        return new AnalyticsDrillDown(scope with { Name = name }, totals.ToKpis(), sink.Expected,
            [.. sink.Periods.OrderBy(p => p.MachineId).ThenBy(p => p.Start).ThenBy(p => p.PeriodId)],
            [.. sink.Failures.OrderBy(f => f.MachineId).ThenBy(f => f.FirstCountedAt)],
            [.. sink.Tickets.OrderBy(t => t.CreatedAt).ThenBy(t => t.TicketId)],
            sink.Production);
    }

    private static ScopeAnalytics Scope(AnalyticsScope scope, AnalyticsTotals totals, AnalyticsWindow window) =>
        new(scope, totals.Machines, totals.ToKpis(), totals.ToDays(window.FirstDay));

    private static IReadOnlyList<ParetoLine> Pareto(Dictionary<string, (int Count, long Ticks)> groups)
    {
        var total = groups.Values.Sum(g => (double)g.Ticks);
        var running = 0.0;
        var lines = new List<ParetoLine>(groups.Count);
        foreach (var (key, group) in groups.OrderByDescending(g => g.Value.Ticks).ThenByDescending(g => g.Value.Count).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            running += group.Ticks;
            lines.Add(new ParetoLine(key, group.Count, (double)group.Ticks / TimeSpan.TicksPerSecond,
                total > 0 ? group.Ticks / total : 0, total > 0 ? running / total : 0));
        }
        return lines;
    }
}

/// <summary>Collects the drill-down's lines; absent (null) when only figures are wanted, so the figures pay nothing for it.</summary>
internal sealed class DrillDownSink
{
    public List<ExpectedLine> Expected { get; } = [];
    public List<PeriodLine> Periods { get; } = [];
    public List<FailureLine> Failures { get; } = [];
    public List<TicketLine> Tickets { get; } = [];
    public List<ProductionLine> Production { get; } = [];
}
