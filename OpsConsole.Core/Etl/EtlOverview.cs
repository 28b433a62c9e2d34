using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Etl;

public sealed record EtlAlert(string Kind, string Message);

public sealed record EtlSummary(int Queued, int Running, int SucceededToday, int FailedToday, int MissingLast7Days, IReadOnlyList<EtlAlert> Alerts);

/// <summary>
/// Today's jobs, the missing cells of the last week and the alerts for the dashboard: the failure rate over the
/// last hour above `Etl:AlertFailureRate` (with at least five finished jobs), and any branch × POS missing
/// `Etl:AlertMissingDays` days in a row up to yesterday.
/// </summary>
public sealed class EtlOverview(IDbContextFactory<OpsDbContext> contexts, EtlMissingData missing, EtlOptions options, EtlMetrics metrics, TimeProvider time)
{
    /// <summary>
    /// Counts each branch's POS-days with no data (missing or failed) over the last `Etl:ScanDays` days up to
    /// yesterday for the `opsconsole.etl.missing.cells` gauge (the scheduled etl.missing-gauge job); true when a count changed.
    /// </summary>
    public async Task<bool> RefreshMissingGaugeAsync(CancellationToken ct = default)
    {
        var yesterday = missing.Today.AddDays(-1);
        var days = Math.Clamp(options.ScanDays, 1, EtlMissingData.MaxDays);
        var grid = await missing.GridAsync(yesterday.AddDays(-(days - 1)), yesterday, ct: ct, detail: GridDetail.States);
        var byBranch = grid.Rows.GroupBy(r => r.BranchId)
            .ToDictionary(g => g.Key, g => g.Sum(r => r.Count(CellState.Missing) + r.Count(CellState.Failed)));
        return metrics.ReportMissing(byBranch);
    }

    public async Task<EtlSummary> SummaryAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var today = now.Date;
        var hourAgo = now.AddHours(-1);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var counts = await db.EtlJobs.AsNoTracking()
            .Where(j => j.Status == EtlJobStatus.Queued || j.Status == EtlJobStatus.Running || j.FinishedAt >= today)
            .GroupBy(j => j.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);
        int Count(EtlJobStatus s) => counts.FirstOrDefault(c => c.Status == s)?.Count ?? 0;
        var lastHour = await db.EtlJobs.AsNoTracking().Where(j => j.FinishedAt >= hourAgo && (j.Status == EtlJobStatus.Succeeded || j.Status == EtlJobStatus.Failed))
            .GroupBy(j => j.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);
        var failed = lastHour.FirstOrDefault(c => c.Status == EtlJobStatus.Failed)?.Count ?? 0;
        var finished = lastHour.Sum(c => c.Count);

        var alerts = new List<EtlAlert>();
        if (finished >= 5 && (double)failed / finished > options.AlertFailureRate)
        {
            alerts.Add(new EtlAlert("failure-rate", $"{failed} of {finished} jobs failed in the last hour ({100.0 * failed / finished:F0}%, threshold {100 * options.AlertFailureRate:F0}%)."));
        }
        var yesterday = missing.Today.AddDays(-1);
        var window = Math.Max(options.AlertMissingDays, 7);
        var grid = await missing.GridAsync(yesterday.AddDays(-(window - 1)), yesterday, ct: ct, detail: GridDetail.States);
        foreach (var row in grid.Rows)
        {
            var run = 0;
            for (var d = row.Cells.Length - 1; d >= 0 && row.Cells[d] is CellState.Missing or CellState.Failed; d--)
            {
                run++;
            }
            if (run >= options.AlertMissingDays)
            {
                alerts.Add(new EtlAlert("missing-days", $"{row.BranchId} POS {row.Pos} has had no data for {run} days in a row."));
            }
        }
        var week = grid.Dates.Count > 7 ? grid.Rows.Sum(r => r.Cells.Skip(grid.Dates.Count - 7).Count(c => c == CellState.Missing)) : grid.Rows.Sum(r => r.Count(CellState.Missing));
        return new EtlSummary(Count(EtlJobStatus.Queued), Count(EtlJobStatus.Running), Count(EtlJobStatus.Succeeded), Count(EtlJobStatus.Failed), week, alerts);
    }
}
