using OpsConsole.Core.Maintenance.Analytics;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

/// <summary>
/// One table of the analytics page, as shown under its chart and as exported to CSV: the same columns and values in
/// both. A cell is text (<see cref="string"/>), a count (<see cref="int"/>), hours or a share (<see cref="double"/>,
/// shares 0…1), money (<see cref="decimal"/>) or empty (null: "no failures", nothing to divide by).
/// </summary>
public sealed record AnalyticsTable(string Key, string Title, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);

/// <summary>The analytics page's tables, by key (<c>machines</c>, <c>reasons</c>…), built from one report.</summary>
public static class AnalyticsTables
{
    public static readonly IReadOnlyList<string> Keys =
        ["machines", "areas", "daily", "reasons", "failure_codes", "tickets_by_status", "tickets_by_priority", "tickets_by_machine", "ticket_ages", "parts", "parts_by_machine"];

    private static readonly string[] KpiColumns =
        ["Machines", "Expected from", "Expected h", "Planned downtime h", "Unplanned downtime h", "Uptime h", "Failures", "MTTR h", "MTBF h", "MTTA h", "Availability", "OEE"];

    public static string? Check(FieldErrors errors, string field, string? key)
    {
        if (key is not null && Keys.Contains(key))
        {
            return key;
        }
        errors.Add(field, $"{field} must be one of {OpsNames.List(Keys)}.");
        return null;
    }

    public static AnalyticsTable Build(MaintenanceAnalyticsView view, string key)
    {
        var r = view.Report;
        string Machine(int id) => view.MachineNames.GetValueOrDefault(id, $"#{id}");
        return key switch
        {
            "machines" => new(key, "Downtime by machine", ["Machine", .. KpiColumns],
                [.. r.Machines.OrderByDescending(m => m.Kpis.UnplannedDowntimeSeconds + m.Kpis.PlannedDowntimeSeconds).Select(Kpis)]),
            "areas" => new(key, "Areas", ["Area", .. KpiColumns], [.. r.Areas.Append(r.Plant with { Scope = r.Plant.Scope with { Name = "Total" } }).Select(Kpis)]),
            "daily" => new(key, "Per day", ["Day", "Expected h", "Planned downtime h", "Unplanned downtime h", "Uptime h", "Failures", "Availability"],
                [.. r.Plant.Daily.Select(d => new object?[] { d.Day.ToString("yyyy-MM-dd"), H(d.ExpectedSeconds), H(d.PlannedDowntimeSeconds),
                    H(d.UnplannedDowntimeSeconds), H(d.UptimeSeconds), d.Failures, d.Availability })]),
            "reasons" => new(key, "Unplanned downtime by reason", ["Reason", "Stops", "Hours", "Share", "Cumulative share"], [.. r.ReasonPareto.Select(Pareto)]),
            "failure_codes" => new(key, "Failures by failure code", ["Failure code", "Failures", "Hours", "Share", "Cumulative share"],
                [.. r.FailureCodePareto.Select(Pareto)]),
            "tickets_by_status" => new(key, "Tickets by status", ["Status", "Tickets"], [.. r.Tickets.ByStatus.Select(c => new object?[] { c.Key.Wire(), c.Count })]),
            "tickets_by_priority" => new(key, "Tickets by priority", ["Priority", "Tickets"],
                [.. r.Tickets.ByPriority.Select(c => new object?[] { c.Key.Wire(), c.Count })]),
            "tickets_by_machine" => new(key, "Tickets by machine", ["Machine", "Tickets"],
                [.. r.Tickets.ByMachine.OrderByDescending(c => c.Count).Select(c => new object?[] { Machine(c.Key), c.Count })]),
            "ticket_ages" => new(key, "Active tickets by age", ["Age", "Tickets"], [.. r.Tickets.ActiveAges.Select(a => new object?[] { a.Label, a.Count })]),
            "parts" => new(key, "Parts consumed", ["Part", "Name", "Quantity", "Unit", "Unit cost", "Cost"],
                [.. view.Parts.ByPart.Select(p => new object?[] { p.Number, p.Name, p.Quantity, p.Unit, p.UnitCost, p.Cost })]),
            "parts_by_machine" => new(key, "Parts cost by machine", ["Machine", "Quantity", "Cost"],
                [.. view.Parts.ByMachine.Select(p => new object?[] { p.Machine, p.Quantity, p.Cost })]),
            _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Not an analytics table."),
        };
    }

    public static string BasisText(ExpectedBasis basis) => basis switch
    {
        ExpectedBasis.Calendar => "shift calendars",
        ExpectedBasis.AllDay => "24/7 (no calendar)",
        _ => "calendars and 24/7",
    };

    private static object?[] Kpis(ScopeAnalytics s)
    {
        var k = s.Kpis;
        return [s.Scope.Name, s.Machines, BasisText(k.Basis), H(k.ExpectedSeconds), H(k.PlannedDowntimeSeconds), H(k.UnplannedDowntimeSeconds), H(k.UptimeSeconds),
            k.Failures, H(k.MttrSeconds), H(k.MtbfSeconds), H(k.Mtta.MeanSeconds), k.Availability, k.Oee?.Oee];
    }

    private static object?[] Pareto(ParetoLine l) => [l.Key, l.Count, H(l.Seconds), l.Share, l.CumulativeShare];

    private static double H(double seconds) => Math.Round(AnalyticsUnits.Hours(seconds), 3);

    private static double? H(double? seconds) => seconds is { } s ? H(s) : null;
}
