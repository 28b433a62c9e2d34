using System.Globalization;
using System.IO.Pipelines;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Etl;

public sealed record RecordFilter(DateOnly? Start = null, DateOnly? End = null, string? BranchId = null, int? Pos = null, string? ItemCode = null);

/// <summary>Records by date range, branch, POS and item: a page for the screen, or every row as streamed CSV.</summary>
public sealed class EtlRecords(IDbContextFactory<OpsDbContext> contexts)
{
    public static readonly string[] CsvHeader =
        ["branch", "pos", "work_date", "sold_at", "tnsc", "item_code", "department", "quantity", "amount", "payment_method", "file_type", "source_line", "job_id"];

    public async Task<Page<EtlRecord>> QueryAsync(RecordFilter filter, int pageIndex, int pageSize, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(r => r.WorkDate).ThenBy(r => r.BranchId).ThenBy(r => r.Pos).ThenBy(r => r.Id)
            .Skip(pageIndex * pageSize).Take(pageSize).ToListAsync(ct);
        return new Page<EtlRecord>(items, total, pageIndex, pageSize);
    }

    /// <summary>Ids per export block: about 2 MB of CSV, the unit two readers share.</summary>
    public const int ExportBlockIds = 16_384;

    /// <summary>
    /// Writes every matching row as CSV, in the order stored (each job's rows together, in file order), while reading
    /// it: memory stays flat for millions of rows. The id range is cut into blocks that two readers, each on its own
    /// connection and thread, render ahead of the writer (a reader alone kept one core busy and the other idle);
    /// blocks go out in order and at most three are held at once. Each block is a plain data reader feeding CsvHelper
    /// into a pipe of pooled 64 KB segments (no large-object allocations, which only a full collection gives back).
    /// ADR 0010 has the measurements behind this.
    /// </summary>
    public async Task<long> ExportAsync(RecordFilter filter, Stream output, CancellationToken ct = default)
    {
        using (var header = new MemoryStream())
        {
            await using (var writer = new StreamWriter(header, new System.Text.UTF8Encoding(false), 1024, leaveOpen: true))
            await using (var csv = new CsvWriter(writer, CultureInfo.InvariantCulture, leaveOpen: true))
            {
                foreach (var name in CsvHeader)
                {
                    csv.WriteField(name);
                }
                csv.NextRecord();
            }
            await output.WriteAsync(header.GetBuffer().AsMemory(0, (int)header.Length), ct);
        }

        long first, last;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            await db.Database.OpenConnectionAsync(ct);
            await using var command = RecordsCommand(db, filter, $"SELECT MIN({{0}}), MAX({{0}})", null);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            if (reader.IsDBNull(0))
            {
                await output.FlushAsync(ct);
                return 0;
            }
            (first, last) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        var blockCount = (int)((last - first) / ExportBlockIds) + 1;
        var done = Enumerable.Range(0, blockCount).Select(_ => new TaskCompletionSource<(Pipe Csv, long Rows)>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        using var window = new SemaphoreSlim(ExportBlocksAhead);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var next = -1;
        Exception? failure = null;
        // Two readers on threads of their own: each takes the next block when the writer is no more than a few behind.
        // (On pool threads the native allocations of the readers spread over many malloc arenas and stay there.)
        var readers = Enumerable.Range(0, ExportReaders).Select(_ => Task.Factory.StartNew(() =>
        {
            try
            {
                ReadBlocks();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                // The first failure is what the writer reports; the other reader stops.
                Interlocked.CompareExchange(ref failure, ex, null);
                stop.Cancel();
            }
        }, stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        void ReadBlocks()
        {
            using var db = contexts.CreateDbContext();
            db.Database.OpenConnection();
            var sqlite = db.Provider == DatabaseProvider.Sqlite;
            if (sqlite)
            {
                // A streaming read gains nothing from the connection's 16 MB page cache; it is given back afterwards.
                db.Database.ExecuteSqlRaw("PRAGMA cache_size=-1024");
            }
            try
            {
                while (true)
                {
                    // The permit comes before the block number, so the block the writer waits for always has one.
                    window.Wait(stop.Token);
                    var k = Interlocked.Increment(ref next);
                    if (k >= blockCount)
                    {
                        window.Release();
                        break;
                    }
                    var lo = first + (long)k * ExportBlockIds;
                    done[k].SetResult(RenderBlock(db, filter, lo, Math.Min(lo + ExportBlockIds, last + 1), sqlite, stop.Token));
                }
            }
            finally
            {
                if (sqlite)
                {
                    db.Database.ExecuteSqlRaw(OpsDatabase.SqliteCacheSizePragma);
                }
            }
        }

        long rows = 0;
        try
        {
            foreach (var block in done)
            {
                (Pipe Csv, long Rows) rendered;
                try
                {
                    rendered = await block.Task.WaitAsync(stop.Token);
                }
                catch (OperationCanceledException) when (failure is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                    throw;
                }
                var (csv, count) = rendered;
                await csv.Reader.CopyToAsync(output, ct);
                await csv.Reader.CompleteAsync();
                window.Release();
                rows += count;
            }
        }
        finally
        {
            // A client that goes away (or a failed block) stops the readers; blocks already rendered are dropped.
            await stop.CancelAsync();
            await Task.WhenAll(readers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await output.FlushAsync(ct);
        return rows;
    }

    /// <summary>Readers rendering blocks at once, and how many blocks may wait rendered ahead of the writer.</summary>
    private const int ExportReaders = 2, ExportBlocksAhead = 3;

    /// <summary>The matching rows with ids in [lo, hi), as CSV in a pipe that never holds its writer back.</summary>
    private static (Pipe Csv, long Rows) RenderBlock(OpsDbContext db, RecordFilter filter, long lo, long hi, bool sqlite, CancellationToken ct)
    {
        using var command = RecordsCommand(db, filter, "SELECT {1}", (lo, hi));
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false));
        long rows = 0;
        using (var writer = new StreamWriter(pipe.Writer.AsStream(leaveOpen: true), new System.Text.UTF8Encoding(false), 8 * 1024, leaveOpen: true))
        using (var csv = new CsvWriter(writer, CultureInfo.InvariantCulture, leaveOpen: true))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                WriteRow(reader, csv, sqlite);
                if (++rows % 4096 == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }
            }
        }
        pipe.Writer.Complete();
        return (pipe, rows);
    }

    /// <summary>
    /// A query over the records that match the filter (and an id range): <paramref name="select"/> gets the quoted id
    /// column as {0} and the exported columns as {1}; rows come in id order.
    /// </summary>
    private static System.Data.Common.DbCommand RecordsCommand(OpsDbContext db, RecordFilter filter, string select, (long Lo, long Hi)? ids)
    {
        string C(string name) => RawSql.Quote(db.Provider, name);
        var command = db.Database.GetDbConnection().CreateCommand();
        var where = new List<string>();
        void Where(string column, string op, object value) =>
            where.Add($"{C(column)} {op} {command.AddParameter($"@w{where.Count}", value).ParameterName}");
        object Day(DateOnly d) => RawSql.Date(db.Provider, d);
        if (ids is var (lo, hi))
        {
            Where(nameof(EtlRecord.Id), ">=", lo);
            Where(nameof(EtlRecord.Id), "<", hi);
        }
        if (filter.Start is { } start)
        {
            Where(nameof(EtlRecord.WorkDate), ">=", Day(start));
        }
        if (filter.End is { } end)
        {
            Where(nameof(EtlRecord.WorkDate), "<=", Day(end));
        }
        if (!string.IsNullOrWhiteSpace(filter.BranchId))
        {
            Where(nameof(EtlRecord.BranchId), "=", filter.BranchId);
        }
        if (filter.Pos is { } pos)
        {
            Where(nameof(EtlRecord.Pos), "=", pos);
        }
        if (!string.IsNullOrWhiteSpace(filter.ItemCode))
        {
            Where(nameof(EtlRecord.ItemCode), "=", filter.ItemCode.Trim());
        }
        command.CommandText = string.Format(CultureInfo.InvariantCulture, select, C(nameof(EtlRecord.Id)), string.Join(", ", ExportColumns.Select(C))) +
                              $" FROM {C(EtlRecordConfiguration.Table)}" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
                              (ids is null ? "" : $" ORDER BY {C(nameof(EtlRecord.Id))}");
        return command;
    }

    /// <summary>The exported columns, in <see cref="CsvHeader"/> order; only department and payment method may be null.</summary>
    private static readonly string[] ExportColumns =
    [
        nameof(EtlRecord.BranchId), nameof(EtlRecord.Pos), nameof(EtlRecord.WorkDate), nameof(EtlRecord.SoldAt), nameof(EtlRecord.Tnsc),
        nameof(EtlRecord.ItemCode), nameof(EtlRecord.Department), nameof(EtlRecord.Quantity), nameof(EtlRecord.Amount), nameof(EtlRecord.PaymentMethod),
        nameof(EtlRecord.FileType), nameof(EtlRecord.SourceLine), nameof(EtlRecord.JobId),
    ];

    private static readonly bool[] NullableColumn = ExportColumns.Select(c => c is nameof(EtlRecord.Department) or nameof(EtlRecord.PaymentMethod)).ToArray();

    /// <summary>
    /// One row, in a small synchronous method of its own: it runs a million times, so the JIT optimises it within the
    /// first export (a loop inside the long-running async method would stay in its first, unoptimised code).
    /// SQLite hands every stored value over as its text (no boxing); other providers give typed values.
    /// </summary>
    private static void WriteRow(System.Data.Common.DbDataReader reader, CsvWriter csv, bool sqlite)
    {
        for (var i = 0; i < ExportColumns.Length; i++)
        {
            csv.WriteField(NullableColumn[i] && reader.IsDBNull(i) ? null : sqlite ? Cell(reader.GetString(i), i) : Cell(reader.GetValue(i), i));
        }
        csv.NextRecord();
    }

    /// <summary>Each column's CSV form, the same whichever provider stored it.</summary>
    private static string? Cell(object? value, int column) => value switch
    {
        null => null,
        string text when column == 3 => text.Length > 19 ? text[..19] : text,   // SQLite's stored sold-at text: drop the fraction
        string text when column == 12 => text.ToLowerInvariant(),               // SQLite's stored job id text
        string text when column is 7 or 8 && text.EndsWith(".0", StringComparison.Ordinal) => text[..^2], // SQLite's "2.0": as "2"
        string text => text,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t when column == 2 => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        decimal m => m.ToString("0.############################", CultureInfo.InvariantCulture),     // no trailing zeros: the text SQLite gives
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    private static IQueryable<EtlRecord> Filtered(OpsDbContext db, RecordFilter f)
    {
        var query = db.EtlRecords.AsNoTracking();
        if (f.Start is { } start)
        {
            query = query.Where(r => r.WorkDate >= start);
        }
        if (f.End is { } end)
        {
            query = query.Where(r => r.WorkDate <= end);
        }
        if (!string.IsNullOrWhiteSpace(f.BranchId))
        {
            query = query.Where(r => r.BranchId == f.BranchId);
        }
        if (f.Pos is { } pos)
        {
            query = query.Where(r => r.Pos == pos);
        }
        if (!string.IsNullOrWhiteSpace(f.ItemCode))
        {
            query = query.Where(r => r.ItemCode == f.ItemCode.Trim());
        }
        return query;
    }
}
