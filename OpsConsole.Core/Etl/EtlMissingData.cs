using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Etl;

/// <summary>What the heatmap shows for one (branch, POS, date).</summary>
public enum CellState : byte
{
    /// <summary>Before the branch's active-from date, after today, or the branch is inactive: no data expected.</summary>
    NotExpected,
    Ok,
    Missing,
    Failed,
    Running,
    Queued,
    /// <summary>Stored, but the row count strays from the branch's trailing median by more than `Etl:SuspiciousFactor`.</summary>
    Suspicious,
}

public sealed record GridRow(string BranchId, string BranchName, int Pos, CellState[] Cells, int?[] RecordCounts, Guid?[] JobIds)
{
    public int Count(CellState state) => Cells.Count(c => c == state);
}

public sealed record MissingGrid(DateOnly Start, DateOnly End, IReadOnlyList<DateOnly> Dates, IReadOnlyList<GridRow> Rows);

/// <summary>
/// Every expected (branch, POS, date) cell of a range and its state, from one lean read of the jobs in the range:
/// the missing-data view, the heatmap and the missing-data scan all start here.
/// </summary>
public sealed class EtlMissingData(IDbContextFactory<OpsDbContext> contexts, EtlOptions options, TimeProvider time)
{
    public const int MaxDays = 400;
    public const int TrailingDays = 14;

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public async Task<MissingGrid> GridAsync(DateOnly start, DateOnly end, string? branchFilter = null, CancellationToken ct = default)
    {
        var dates = Enumerable.Range(0, end.DayNumber - start.DayNumber + 1).Select(start.AddDays).ToList();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var branchQuery = db.Branches.AsNoTracking().Where(b => b.IsActive);
        if (!string.IsNullOrWhiteSpace(branchFilter))
        {
            branchQuery = branchQuery.Where(b => b.Id.Contains(branchFilter) || b.Name.Contains(branchFilter));
        }
        var branches = await branchQuery.OrderBy(b => b.Id).Select(b => new { b.Id, b.Name, b.PosCount, b.ActiveFrom }).ToListAsync(ct);
        var index = new Dictionary<(string, int), int>();
        var rows = new List<GridRow>();
        foreach (var b in branches)
        {
            for (var pos = 1; pos <= b.PosCount; pos++)
            {
                var cells = new CellState[dates.Count];
                for (var d = 0; d < dates.Count; d++)
                {
                    cells[d] = dates[d] < b.ActiveFrom || dates[d] > Today ? CellState.NotExpected : CellState.Missing;
                }
                index[(b.Id, pos)] = rows.Count;
                rows.Add(new GridRow(b.Id, b.Name, pos, cells, new int?[dates.Count], new Guid?[dates.Count]));
            }
        }
        var jobs = db.EtlJobs.AsNoTracking().Where(j => j.WorkDate >= start && j.WorkDate <= end)
            .Select(j => new { j.Id, j.BranchId, j.Pos, j.WorkDate, j.Status, j.RecordCount }).AsAsyncEnumerable();
        await foreach (var j in jobs.WithCancellation(ct))
        {
            if (!index.TryGetValue((j.BranchId, j.Pos), out var r))
            {
                continue;
            }
            var row = rows[r];
            var d = j.WorkDate.DayNumber - start.DayNumber;
            row.JobIds[d] = j.Id;
            row.RecordCounts[d] = j.RecordCount;
            if (row.Cells[d] == CellState.NotExpected && j.Status != EtlJobStatus.Succeeded)
            {
                continue;
            }
            row.Cells[d] = j.Status switch
            {
                EtlJobStatus.Succeeded => CellState.Ok,
                EtlJobStatus.Failed => CellState.Failed,
                EtlJobStatus.Running => CellState.Running,
                EtlJobStatus.Queued => CellState.Queued,
                _ => CellState.Missing,
            };
        }
        foreach (var row in rows)
        {
            MarkSuspicious(row);
        }
        return new MissingGrid(start, end, dates, rows);
    }

    /// <summary>An ok cell whose count is more than the factor above or below the median of its previous ok days.</summary>
    private void MarkSuspicious(GridRow row)
    {
        var factor = Math.Max(1.01, options.SuspiciousFactor);
        var trailing = new List<int>(TrailingDays);
        for (var d = 0; d < row.Cells.Length; d++)
        {
            if (row.Cells[d] != CellState.Ok || row.RecordCounts[d] is not { } count)
            {
                continue;
            }
            if (trailing.Count >= 3)
            {
                var sorted = trailing.Order().ToList();
                var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2.0;
                if (median > 0 && (count > median * factor || count < median / factor))
                {
                    row.Cells[d] = CellState.Suspicious;
                }
            }
            trailing.Add(count);
            if (trailing.Count > TrailingDays)
            {
                trailing.RemoveAt(0);
            }
        }
    }

    /// <summary>The seed's shape: {branch: {pos: [dates]}} of cells with no data (and, if asked, failed ones).</summary>
    public static Dictionary<string, Dictionary<string, List<string>>> MissingMap(MissingGrid grid, bool includeFailed)
    {
        var map = new Dictionary<string, Dictionary<string, List<string>>>();
        foreach (var row in grid.Rows)
        {
            var dates = new List<string>();
            for (var d = 0; d < row.Cells.Length; d++)
            {
                if (row.Cells[d] == CellState.Missing || (includeFailed && row.Cells[d] == CellState.Failed))
                {
                    dates.Add(grid.Dates[d].ToString("yyyy-MM-dd"));
                }
            }
            if (dates.Count > 0)
            {
                if (!map.TryGetValue(row.BranchId, out var byPos))
                {
                    map[row.BranchId] = byPos = new Dictionary<string, List<string>>();
                }
                byPos[row.Pos.ToString()] = dates;
            }
        }
        return map;
    }

    /// <summary>The cells a missing-data run in this mode would queue.</summary>
    public static IReadOnlyList<EtlCell> CellsToQueue(MissingGrid grid, QueueMode mode) =>
        grid.Rows.SelectMany(row => row.Cells.Select((state, d) => (state, d))
            .Where(c => c.state switch
            {
                CellState.Missing => true,
                CellState.Failed => mode != QueueMode.Missing,
                CellState.Ok or CellState.Suspicious => mode == QueueMode.All,
                _ => false,
            })
            .Select(c => new EtlCell(row.BranchId, row.Pos, grid.Dates[c.d]))).ToList();
}
