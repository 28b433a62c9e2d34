using OpsConsole.Core.Shared.Alerts;

namespace OpsConsole.Core.Etl;

/// <summary>
/// ETL's alerts (ADR 0020): the failure rate over the last hour and the branches missing days in a row. Both change with
/// time as well as with jobs (an hour's window moves, a day passes), so a scheduled check computes them
/// (<see cref="EtlOverview.AlertConditionsAsync"/>, the dashboard's own conditions) and reconciles the module's alerts.
/// </summary>
public sealed class EtlAlerts(EtlOverview overview, OpsAlerts alerts)
{
    public const string FailureRateKey = "failure-rate";
    public const string MissingDaysKeyPrefix = "missing-days:";

    public async Task<AlertReconcile> CheckAsync(CancellationToken ct = default)
    {
        var conditions = await overview.AlertConditionsAsync(ct);
        var current = new List<AlertSignal>();
        if (conditions.FailureRateTooHigh)
        {
            current.Add(new AlertSignal(EtlModule.Name, FailureRateKey, AlertSeverity.Critical, "Many ETL jobs are failing",
                conditions.FailureRateMessage, "/etl/jobs?status=failed&awaiting_data=false&sort=finished"));
        }
        // One alert per branch: its POS are one cause for whoever looks at that branch's files.
        foreach (var branch in conditions.MissingRuns.GroupBy(r => r.BranchId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var longest = branch.Max(r => r.Days);
            current.Add(new AlertSignal(EtlModule.Name, MissingDaysKeyPrefix + branch.Key, AlertSeverity.Warning,
                $"No data from branch {branch.Key} for {longest} days",
                $"{string.Join(", ", branch.OrderBy(r => r.Pos).Select(r => $"POS {r.Pos} ({r.Days} days)"))} had no data up to yesterday " +
                $"(the alert starts at {conditions.MissingDaysThreshold} days in a row).",
                $"/etl/missing?branch={Uri.EscapeDataString(branch.Key)}"));
        }
        return await alerts.ReconcileAsync(EtlModule.Name, current, ct: ct);
    }
}
