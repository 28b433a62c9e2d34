using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Settings;

namespace OpsConsole.Core.Etl;

public sealed record EtlAlert(string Kind, string Message);

/// <summary>
/// The dashboard's ETL figures. <see cref="FailedToday"/> counts the failures someone must act on; a job waiting for data
/// (ADR 0022) is not one: the missing cells of the last week include <see cref="WaitingLast7Days"/> of them.
/// </summary>
public sealed record EtlSummary(int Queued, int Running, int SucceededToday, int FailedToday, int MissingLast7Days, int WaitingLast7Days,
    IReadOnlyList<EtlAlert> Alerts);

/// <summary>A branch × POS with no data (missing, waiting or failed) for <paramref name="Days"/> days in a row up to yesterday.</summary>
public sealed record EtlMissingRun(string BranchId, int Pos, int Days);

/// <summary>
/// What the ETL alerts are computed from, once for the dashboard tile and the alerts inbox: the jobs finished in the
/// last hour and how many failed (a job waiting for data is neither), the runs of days without data at or above the
/// threshold, and the thresholds as set now.
/// </summary>
public sealed record EtlAlertConditions(int FailedLastHour, int FinishedLastHour, double FailureRateThreshold, int MissingDaysThreshold,
    IReadOnlyList<EtlMissingRun> MissingRuns, int MissingLast7Days, int WaitingLast7Days = 0)
{
    /// <summary>Five finished jobs at least, so one failure out of two is not an alert.</summary>
    public const int MinFinishedForRate = 5;

    public bool FailureRateTooHigh => FinishedLastHour >= MinFinishedForRate && (double)FailedLastHour / FinishedLastHour > FailureRateThreshold;

    public string FailureRateMessage =>
        $"{FailedLastHour} of {FinishedLastHour} jobs failed in the last hour ({100.0 * FailedLastHour / Math.Max(1, FinishedLastHour):F0}%, threshold {100 * FailureRateThreshold:0.#}%).";

    /// <summary>The tile's lines: the failure rate, then each branch × POS missing too many days.</summary>
    public IReadOnlyList<EtlAlert> TileAlerts() =>
    [
        .. FailureRateTooHigh ? [new EtlAlert("failure-rate", FailureRateMessage)] : Array.Empty<EtlAlert>(),
        .. MissingRuns.Select(r => new EtlAlert("missing-days", $"{r.BranchId} POS {r.Pos} has had no data for {r.Days} days in a row.")),
    ];
}

/// <summary>
/// Today's jobs, the missing cells of the last week and the alert conditions for the dashboard and the alerts inbox:
/// the failure rate over the last hour above the ETL section's threshold (runtime settings; `Etl:AlertFailureRate` is
/// its default), and any branch × POS missing that section's number of days in a row up to yesterday.
/// </summary>
public sealed class EtlOverview(IDbContextFactory<OpsDbContext> contexts, EtlMissingData missing, EtlOptions options, RuntimeSettings settings,
    EtlMetrics metrics, TimeProvider time)
{
    /// <summary>
    /// Counts each branch's POS-days with no data (missing, waiting or failed) over the last `Etl:ScanDays` days up to
    /// yesterday for the `opsconsole.etl.missing.cells` gauge (the scheduled etl.missing-gauge job); true when a count changed.
    /// </summary>
    public async Task<bool> RefreshMissingGaugeAsync(CancellationToken ct = default)
    {
        var yesterday = missing.Today.AddDays(-1);
        var days = Math.Clamp(options.ScanDays, 1, EtlMissingData.MaxDays);
        var grid = await missing.GridAsync(yesterday.AddDays(-(days - 1)), yesterday, ct: ct, detail: GridDetail.States);
        var byBranch = grid.Rows.GroupBy(r => r.BranchId)
            .ToDictionary(g => g.Key, g => g.Sum(r => r.NoData + r.Count(CellState.Failed)));
        return metrics.ReportMissing(byBranch);
    }

    public async Task<EtlSummary> SummaryAsync(CancellationToken ct = default)
    {
        var today = time.GetUtcNow().UtcDateTime.Date;
        List<(EtlJobStatus Status, bool Waiting, int Count)> counts;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            counts = (await db.EtlJobs.AsNoTracking()
                .Where(j => j.Status == EtlJobStatus.Queued || j.Status == EtlJobStatus.Running || j.FinishedAt >= today)
                .GroupBy(j => new { j.Status, j.AwaitingData })
                .Select(g => new { g.Key.Status, g.Key.AwaitingData, Count = g.Count() }).ToListAsync(ct))
                .Select(c => (c.Status, c.Status == EtlJobStatus.Failed && c.AwaitingData, c.Count)).ToList();
        }
        // A job waiting for data is not a failure to act on (ADR 0022): it is counted with the missing cells instead.
        int Count(EtlJobStatus s) => counts.Where(c => c.Status == s && !c.Waiting).Sum(c => c.Count);
        var conditions = await AlertConditionsAsync(ct);
        return new EtlSummary(Count(EtlJobStatus.Queued), Count(EtlJobStatus.Running), Count(EtlJobStatus.Succeeded), Count(EtlJobStatus.Failed),
            conditions.MissingLast7Days, conditions.WaitingLast7Days, conditions.TileAlerts());
    }

    public async Task<EtlAlertConditions> AlertConditionsAsync(CancellationToken ct = default)
    {
        var values = await settings.ReadAsync(EtlModule.Name, ct);
        var failureRate = values.Number(EtlSettings.AlertFailurePercentKey) / 100;
        var missingDays = values.Whole(EtlSettings.AlertMissingDaysKey);
        var hourAgo = time.GetUtcNow().UtcDateTime.AddHours(-1);
        int failed, finished;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            // Waiting for data is neither a success nor a failure: the file host simply has nothing yet.
            var lastHour = await db.EtlJobs.AsNoTracking()
                .Where(j => j.FinishedAt >= hourAgo && (j.Status == EtlJobStatus.Succeeded || (j.Status == EtlJobStatus.Failed && !j.AwaitingData)))
                .GroupBy(j => j.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);
            failed = lastHour.FirstOrDefault(c => c.Status == EtlJobStatus.Failed)?.Count ?? 0;
            finished = lastHour.Sum(c => c.Count);
        }

        var yesterday = missing.Today.AddDays(-1);
        var window = Math.Max(missingDays, 7);
        var grid = await missing.GridAsync(yesterday.AddDays(-(window - 1)), yesterday, ct: ct, detail: GridDetail.States);
        var runs = new List<EtlMissingRun>();
        foreach (var row in grid.Rows)
        {
            var run = 0;
            for (var d = row.Cells.Length - 1; d >= 0 && row.Cells[d] is CellState.Missing or CellState.Waiting or CellState.Failed; d--)
            {
                run++;
            }
            if (run >= missingDays)
            {
                runs.Add(new EtlMissingRun(row.BranchId, row.Pos, run));
            }
        }
        var lastWeek = grid.Rows.SelectMany(r => r.Cells.Skip(Math.Max(0, grid.Dates.Count - 7))).ToList();
        var waiting = lastWeek.Count(c => c == CellState.Waiting);
        return new EtlAlertConditions(failed, finished, failureRate, missingDays, runs, lastWeek.Count(c => c == CellState.Missing) + waiting, waiting);
    }
}
