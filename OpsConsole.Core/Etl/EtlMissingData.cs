using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

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
    /// <summary>
    /// No data yet: the file host had no files for the day (a job waiting for data, ADR 0022). Missing, and explained;
    /// the missing-data scan tries it again. Not an error. (The grid packs a state in three bits: this is the last.)
    /// </summary>
    Waiting,
}

public sealed record GridRow(string BranchId, string BranchName, int Pos, CellState[] Cells, int?[] RecordCounts, Guid?[] JobIds)
{
    public int Count(CellState state) => Cells.Count(c => c == state);

    /// <summary>Cells with no data: missing, or waiting for the file host.</summary>
    public int NoData => Cells.Count(c => c is CellState.Missing or CellState.Waiting);
}

/// <summary>How much of each cell a grid reads.</summary>
public enum GridDetail
{
    /// <summary>States, record counts (so suspicious cells show) and job ids: the heatmap.</summary>
    Full,
    /// <summary>States only (a stored cell is ok, never suspicious): the missing-data API, the scan and the dashboard.</summary>
    States,
}

/// <summary>GET /api/missing as sent: the range (YYYY-MM-DD, the last 30 days when absent) and whether failed cells count as missing.</summary>
public sealed record MissingQueryInput(string? Start, string? End, string? IncludeFailed);

public sealed record MissingGrid(DateOnly Start, DateOnly End, IReadOnlyList<DateOnly> Dates, IReadOnlyList<GridRow> Rows)
{
    public int Total(CellState state) => Rows.Sum(r => r.Count(state));

    /// <summary>The cell a job's status shows as (a cancelled job's cell has no data: missing; one waiting for data: waiting).</summary>
    public static CellState StateOf(EtlJobStatus status, bool awaitingData = false) => status switch
    {
        EtlJobStatus.Succeeded => CellState.Ok,
        EtlJobStatus.Failed when awaitingData => CellState.Waiting,
        EtlJobStatus.Failed => CellState.Failed,
        EtlJobStatus.Running => CellState.Running,
        EtlJobStatus.Queued => CellState.Queued,
        _ => CellState.Missing,
    };

    /// <summary>Live: jobs changed state; their cells in this grid follow, without a reload. Jobs outside it are ignored.</summary>
    public void Apply(IEnumerable<EtlJobState> jobs)
    {
        foreach (var job in jobs)
        {
            var d = job.WorkDate.DayNumber - Start.DayNumber;
            var row = Rows.FirstOrDefault(r => r.BranchId == job.BranchId && r.Pos == job.Pos);
            if (row is null || d < 0 || d >= row.Cells.Length)
            {
                continue;
            }
            row.Cells[d] = StateOf(job.Status, job.AwaitingData);
            row.JobIds[d] = job.Id;
            row.RecordCounts[d] = job.RecordCount;
        }
    }
}

/// <summary>
/// Every expected (branch, POS, date) cell of a range and its state, from one lean read of the jobs in the range:
/// the missing-data view, the heatmap and the missing-data scan all start here.
/// </summary>
public sealed class EtlMissingData(IDbContextFactory<OpsDbContext> contexts, EtlOptions options, TimeProvider time)
{
    public const int MaxDays = 400;
    public const int TrailingDays = 14;
    public const string StatesIndex = "IX_etl_jobs_cell_states";

    /// <summary>From this many days a states-only grid on SQLite scans <see cref="StatesIndex"/> whole; shorter ranges seek by date.</summary>
    public const int WholeIndexFromDays = 60;

    public const int DefaultDays = 30;

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>
    /// A range sent as text: absent ends mean the last <see cref="DefaultDays"/> days up to today; it may not run
    /// backwards or cover more than <see cref="MaxDays"/> days. Errors name the field after <paramref name="prefix"/>.
    /// </summary>
    public (DateOnly From, DateOnly To) ReadRange(FieldErrors errors, string? start, string? end, string prefix = "")
    {
        var to = errors.OptionalDate(prefix + "end", end) ?? Today;
        var from = errors.OptionalDate(prefix + "start", start) ?? to.AddDays(-(DefaultDays - 1));
        if (to < from)
        {
            errors.Add(prefix + "end", "end must not be before start.");
        }
        else if (to.DayNumber - from.DayNumber + 1 > MaxDays)
        {
            errors.Add(prefix + "end", $"The range may cover at most {MaxDays} days.");
        }
        return (from, to);
    }

    /// <summary>The seed's GET /api/missing: {branch: {pos: [dates]}} of the cells with no data in the range.</summary>
    public async Task<OpsResult<Dictionary<string, Dictionary<string, List<string>>>>> MissingMapAsync(MissingQueryInput input, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var (from, to) = ReadRange(errors, input.Start, input.End);
        var includeFailed = errors.OptionalFlag("include_failed", input.IncludeFailed) ?? false;
        if (errors.Any)
        {
            return errors.ToResult<Dictionary<string, Dictionary<string, List<string>>>>();
        }
        var grid = await GridAsync(from, to, ct: ct, detail: GridDetail.States);
        return OpsResult<Dictionary<string, Dictionary<string, List<string>>>>.Ok(MissingMap(grid, includeFailed));
    }

    /// <summary>The grid of a range, with as much of each cell as <paramref name="detail"/> asks for.</summary>
    public async Task<MissingGrid> GridAsync(DateOnly start, DateOnly end, string? branchFilter = null, CancellationToken ct = default,
        GridDetail detail = GridDetail.Full)
    {
        var full = detail == GridDetail.Full;
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
        // One lean read of the range (a year of 500 branches is ~350k jobs): a plain data reader over five columns,
        // without EF's per-row materialisation, is what keeps a whole-year query well under a second.
        await db.Database.OpenConnectionAsync(ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        string C(string name) => RawSql.Quote(db.Provider, name);
        var sqlite = db.Provider == DatabaseProvider.Sqlite;
        // The state as a number (the CellState values) and, on SQLite, the day as an offset: no strings per row for them.
        // Both covering indexes carry AwaitingData, so a failed job waiting for data is told apart without the table.
        var state = $"CASE WHEN {C("Status")} = 'succeeded' THEN 1 WHEN {C("Status")} = 'failed' AND {C("AwaitingData")} = @waiting THEN 7 " +
                    $"WHEN {C("Status")} = 'failed' THEN 3 WHEN {C("Status")} = 'running' THEN 4 WHEN {C("Status")} = 'queued' THEN 5 ELSE 2 END";
        var day = sqlite ? $"CAST(julianday({C("WorkDate")}) - julianday(@start) AS INTEGER)" : C("WorkDate");
        var range = $"{C("WorkDate")} >= @start AND {C("WorkDate")} <= @end";
        command.AddParameter("@start", RawSql.Date(db.Provider, start));
        command.AddParameter("@end", RawSql.Date(db.Provider, end));
        command.AddParameter("@waiting", true);
        if (!full && sqlite)
        {
            // SQLite steps rows cheaply but each row costs the reader ~1 µs: group per (branch, POS) in the engine, each
            // cell packed as day × 8 + state, so a year is ~1,000 rows. A long range reads the (branch, POS, date,
            // status) index whole and in order (no sort); a short one seeks by date.
            var indexed = dates.Count >= WholeIndexFromDays ? $" INDEXED BY {C(StatesIndex)}" : "";
            command.CommandText = $"SELECT {C("BranchId")}, {C("Pos")}, group_concat({day} * 8 + {state}) FROM {C(EtlJobClaimer.Table)}{indexed} " +
                                  $"WHERE {range} GROUP BY {C("BranchId")}, {C("Pos")}";
            await using var grouped = await command.ExecuteReaderAsync(ct);
            while (await grouped.ReadAsync(ct))
            {
                if (!index.TryGetValue((grouped.GetString(0), grouped.GetInt32(1)), out var r))
                {
                    continue;
                }
                var packed = 0;
                foreach (var ch in grouped.GetString(2))
                {
                    if (ch == ',')
                    {
                        Set(rows[r], packed >> 3, (CellState)(packed & 7));
                        packed = 0;
                    }
                    else
                    {
                        packed = packed * 10 + (ch - '0');
                    }
                }
                Set(rows[r], packed >> 3, (CellState)(packed & 7));
            }
            return new MissingGrid(start, end, dates, rows);
        }
        command.CommandText = $"SELECT {C("BranchId")}, {C("Pos")}, {day}, {state}{(full ? $", {C("RecordCount")}, {C("Id")}" : "")} " +
                              $"FROM {C(EtlJobClaimer.Table)} WHERE {range}";
        string? lastBranch = null;
        int lastPos = 0, lastRow = 0;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                // Rows arrive in index order (date, branch, POS): remember the last branch string to skip most hashing.
                var branchId = reader.GetString(0);
                var posNo = reader.GetInt32(1);
                int r;
                if (branchId == lastBranch && posNo == lastPos)
                {
                    r = lastRow;
                }
                else if (index.TryGetValue((branchId, posNo), out r))
                {
                    (lastBranch, lastPos, lastRow) = (branchId, posNo, r);
                }
                else
                {
                    continue;
                }
                var d = sqlite ? reader.GetInt32(2) : DayOf(reader.GetValue(2)).DayNumber - start.DayNumber;
                var row = rows[r];
                if (!Set(row, d, (CellState)reader.GetInt32(3)) || !full)
                {
                    continue;
                }
                row.RecordCounts[d] = reader.IsDBNull(4) ? null : reader.GetInt32(4);
                row.JobIds[d] = reader.GetValue(5) switch { Guid g => g, var v => Guid.Parse(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!) };
            }
        }
        if (full)
        {
            foreach (var row in rows)
            {
                MarkSuspicious(row);
            }
        }
        return new MissingGrid(start, end, dates, rows);
    }

    /// <summary>A job's state on its day of the row (a stored day outside the branch's expected days still shows as ok).</summary>
    private static bool Set(GridRow row, int d, CellState cell)
    {
        if (d < 0 || d >= row.Cells.Length)
        {
            return false;
        }
        if (row.Cells[d] != CellState.NotExpected || cell == CellState.Ok)
        {
            row.Cells[d] = cell;
        }
        return true;
    }

    private static DateOnly DayOf(object value) => value switch
    {
        DateOnly date => date,
        DateTime time => DateOnly.FromDateTime(time),
        string text => DateOnly.ParseExact(text.AsSpan(0, 10), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        var other => DateOnly.FromDateTime(Convert.ToDateTime(other, System.Globalization.CultureInfo.InvariantCulture)),
    };

    /// <summary>An ok cell whose count is more than the factor above or below the median of its previous ok days.</summary>
    private void MarkSuspicious(GridRow row)
    {
        var factor = Math.Max(1.01, options.SuspiciousFactor);
        Span<int> trailing = stackalloc int[TrailingDays];
        Span<int> sorted = stackalloc int[TrailingDays];
        var count = 0;
        var next = 0;
        for (var d = 0; d < row.Cells.Length; d++)
        {
            if (row.Cells[d] != CellState.Ok || row.RecordCounts[d] is not { } rows)
            {
                continue;
            }
            if (count >= 3)
            {
                var window = sorted[..count];
                trailing[..count].CopyTo(window);
                window.Sort();
                var median = count % 2 == 1 ? window[count / 2] : (window[count / 2 - 1] + window[count / 2]) / 2.0;
                if (median > 0 && (rows > median * factor || rows < median / factor))
                {
                    row.Cells[d] = CellState.Suspicious;
                }
            }
            trailing[next] = rows;
            next = (next + 1) % TrailingDays;
            count = Math.Min(count + 1, TrailingDays);
        }
    }

    /// <summary>
    /// The seed's shape: {branch: {pos: [dates]}} of cells with no data, those waiting for the file host included (and,
    /// if asked, failed ones).
    /// </summary>
    public static Dictionary<string, Dictionary<string, List<string>>> MissingMap(MissingGrid grid, bool includeFailed)
    {
        var map = new Dictionary<string, Dictionary<string, List<string>>>();
        foreach (var row in grid.Rows)
        {
            var dates = new List<string>();
            for (var d = 0; d < row.Cells.Length; d++)
            {
                if (row.Cells[d] is CellState.Missing or CellState.Waiting || (includeFailed && row.Cells[d] == CellState.Failed))
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

    /// <summary>The cells a missing-data run in this mode would queue (a cell waiting for data is missing in every mode).</summary>
    public static IReadOnlyList<EtlCell> CellsToQueue(MissingGrid grid, QueueMode mode) =>
        grid.Rows.SelectMany(row => row.Cells.Select((state, d) => (state, d))
            .Where(c => c.state switch
            {
                CellState.Missing or CellState.Waiting => true,
                CellState.Failed => mode != QueueMode.Missing,
                CellState.Ok or CellState.Suspicious => mode == QueueMode.All,
                _ => false,
            })
            .Select(c => new EtlCell(row.BranchId, row.Pos, grid.Dates[c.d]))).ToList();
}
