using System.Buffers;
using System.Globalization;
using System.Text;
using System.IO.Pipelines;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Etl;

public sealed record RecordFilter(DateOnly? Start = null, DateOnly? End = null, string? BranchId = null, int? Pos = null, string? ItemCode = null);

/// <summary>The records' filters as a caller sends them (text, the seed's names); <see cref="EtlRecords.ReadFilter"/> checks them.</summary>
public sealed record RecordFilterInput(string? Start, string? End, string? Branch, string? Pos, string? Item);

/// <summary>Records by date range, branch, POS and item: a page for the screen, or every row as streamed CSV.</summary>
public sealed class EtlRecords(IDbContextFactory<OpsDbContext> contexts)
{
    public static readonly string[] CsvHeader =
        ["branch", "pos", "work_date", "sold_at", "tnsc", "item_code", "department", "quantity", "amount", "payment_method", "file_type", "source_line", "job_id"];

    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    public const int MaxItemCodeLength = 64;

    public static RecordFilter ReadFilter(FieldErrors errors, RecordFilterInput input)
    {
        var start = errors.OptionalDate("start", input.Start);
        var end = errors.OptionalDate("end", input.End);
        if (start > end)
        {
            errors.Add("end", "end must not be before start.");
        }
        return new RecordFilter(start, end, errors.OptionalText("branch", input.Branch, Branch.MaxIdLength),
            errors.OptionalInt("pos", input.Pos, 1, EtlBranches.MaxPosCount), errors.OptionalText("item", input.Item, MaxItemCodeLength));
    }

    public async Task<Page<EtlRecord>> QueryAsync(RecordFilter filter, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        return await query.PageAsync(q => q.OrderBy(r => r.WorkDate).ThenBy(r => r.BranchId).ThenBy(r => r.Pos).ThenBy(r => r.Id), page, ct);
    }

    /// <summary>Ids per export block: about 2 MB of CSV, the unit two readers share.</summary>
    public const int ExportBlockIds = 16_384;

    /// <summary>
    /// Writes every matching row as CSV, in the order stored (each job's rows together, in file order), while reading
    /// it: memory stays flat for millions of rows. The id range is cut into blocks that two readers, each on its own
    /// connection and thread, render ahead of the writer (a reader alone kept one core busy and the other idle);
    /// blocks go out in order and at most three are held at once. Each block is written as UTF-8 CSV into a pipe of pooled
    /// 64 KB segments (no large-object allocations, which only a full collection gives back); on SQLite straight from
    /// the bytes SQLite holds, so a row allocates nothing.
    /// ADR 0010 has the measurements behind this.
    /// </summary>
    public async Task<long> ExportAsync(RecordFilter filter, Stream output, CancellationToken ct = default)
    {
        var header = new ArrayBufferWriter<byte>(256);
        var headerCsv = new Utf8CsvWriter(header);
        foreach (var name in CsvHeader)
        {
            headerCsv.Field(name);
        }
        headerCsv.EndRecord();
        headerCsv.Flush();
        await output.WriteAsync(header.WrittenMemory, ct);

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
        var pipe = new Pipe(new PipeOptions(pool: BlockSegments.Instance, pauseWriterThreshold: 0, resumeWriterThreshold: 0,
            minimumSegmentSize: BlockSegments.SegmentSize, useSynchronizationContext: false));
        var csv = new Utf8CsvWriter(pipe.Writer);
        var rows = sqlite ? WriteSqliteRows(command, ref csv, ct) : WriteRows(command, ref csv, ct);
        csv.Flush();
        pipe.Writer.Complete();
        return (pipe, rows);
    }

    /// <summary>
    /// SQLite's rows through the connection's own handle: each value is read as the UTF-8 bytes SQLite holds and
    /// written as they are, so a row allocates nothing (a data reader would make a string of every value).
    /// </summary>
    private static long WriteSqliteRows(System.Data.Common.DbCommand command, ref Utf8CsvWriter csv, CancellationToken ct)
    {
        using var select = new SqliteStatement((SqliteConnection)command.Connection!, command.CommandText);
        foreach (System.Data.Common.DbParameter p in command.Parameters)
        {
            select.Bind(p.ParameterName, p.Value);
        }
        long rows = 0;
        while (select.Step())
        {
            WriteSqliteRow(select, ref csv);
            if (++rows % 4096 == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }
        return rows;
    }

    /// <summary>
    /// One SQLite row, in the forms the other providers' typed values give (<see cref="Cell"/>): sold-at without its
    /// fraction, the job id in lower case, "2.0" as "2". In a small method of its own so the JIT optimises it early.
    /// </summary>
    private static void WriteSqliteRow(SqliteStatement row, ref Utf8CsvWriter csv)
    {
        Span<byte> lower = stackalloc byte[64];
        for (var i = 0; i < ExportColumns.Length; i++)
        {
            if (row.IsNull(i))
            {
                csv.Field(ReadOnlySpan<byte>.Empty);
                continue;
            }
            // For an INTEGER column SQLite gives its text; every other exported column is stored as text.
            scoped var value = row.Bytes(i);
            switch (i)
            {
                case SoldAtColumn when value.Length > 19:
                    value = value[..19];
                    break;
                case JobIdColumn when value.Length <= lower.Length:
                    Ascii.ToLower(value, lower, out var written);
                    value = lower[..written];
                    break;
                case QuantityColumn or AmountColumn when value.EndsWith(".0"u8):
                    value = value[..^2];
                    break;
            }
            if (TextColumns[i])
            {
                csv.TextField(value);
            }
            else
            {
                csv.Field(value);
            }
        }
        csv.EndRecord();
    }

    /// <summary>Other providers' rows through their data reader, each value in <see cref="Cell"/>'s form.</summary>
    private static long WriteRows(System.Data.Common.DbCommand command, ref Utf8CsvWriter csv, CancellationToken ct)
    {
        using var reader = command.ExecuteReader();
        long rows = 0;
        while (reader.Read())
        {
            for (var i = 0; i < ExportColumns.Length; i++)
            {
                var cell = reader.IsDBNull(i) ? null : Cell(reader.GetValue(i), i);
                if (TextColumns[i])
                {
                    csv.TextField(cell);
                }
                else
                {
                    csv.Field(cell);
                }
            }
            csv.EndRecord();
            if (++rows % 4096 == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }
        return rows;
    }

    /// <summary>
    /// The 64 KB segments of the block pipes, kept between blocks and exports. The shared array pool keeps only a few
    /// arrays of a size, so the rest of a million-row export's 120 MB went to the garbage collector segment by segment,
    /// and its young generation grew to take them; the blocks in flight need about 10 MB, which this pool keeps.
    /// </summary>
    private sealed class BlockSegments : MemoryPool<byte>
    {
        public const int SegmentSize = 64 * 1024;
        public static readonly BlockSegments Instance = new();
        private readonly ArrayPool<byte> _arrays = ArrayPool<byte>.Create(SegmentSize, 256);

        public override int MaxBufferSize => SegmentSize;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1) => new Segment(_arrays, _arrays.Rent(SegmentSize));

        protected override void Dispose(bool disposing)
        {
        }

        private sealed class Segment(ArrayPool<byte> arrays, byte[] array) : IMemoryOwner<byte>
        {
            private byte[]? _array = array;

            public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Segment));

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _array, null) is { } returned)
                {
                    arrays.Return(returned);
                }
            }
        }
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

    /// <summary>
    /// The columns of text from outside (the file host's codes and names, branch ids), written through the formula rule
    /// (<see cref="Shared.Csv.CsvCells"/>, ADR 0014); numbers, dates and ids the console formats are written as they are.
    /// </summary>
    private static readonly bool[] TextColumns = ExportColumns.Select(c => c is nameof(EtlRecord.BranchId) or nameof(EtlRecord.Tnsc)
        or nameof(EtlRecord.ItemCode) or nameof(EtlRecord.Department) or nameof(EtlRecord.PaymentMethod) or nameof(EtlRecord.FileType)).ToArray();

    /// <summary>Positions in <see cref="ExportColumns"/> whose text needs a form of its own on some provider.</summary>
    private const int WorkDateColumn = 2, SoldAtColumn = 3, QuantityColumn = 7, AmountColumn = 8, JobIdColumn = 12;

    /// <summary>Each column's CSV form from a provider's typed value: the text SQLite holds, which is what <see cref="WriteSqliteRow"/> writes.</summary>
    private static string? Cell(object? value, int column) => value switch
    {
        null => null,
        string text => text,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t when column == WorkDateColumn => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
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
