using System.Globalization;
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

    /// <summary>
    /// Writes every matching row as CSV while reading it: memory stays flat for millions of rows. A plain data reader
    /// feeds CsvHelper; on SQLite the stored text forms are already what the CSV shows, so most cells pass through.
    /// </summary>
    public async Task<long> ExportAsync(RecordFilter filter, Stream output, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        foreach (var name in CsvHeader)
        {
            csv.WriteField(name);
        }
        await csv.NextRecordAsync();

        var sqlServer = db.Provider == DatabaseProvider.SqlServer;
        var sqlite = db.Provider == DatabaseProvider.Sqlite;
        string C(string name) => sqlServer ? $"[{name}]" : $"\"{name}\"";
        await db.Database.OpenConnectionAsync(ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        var where = new List<string>();
        void Where(string column, string op, object value)
        {
            var p = command.CreateParameter();
            p.ParameterName = $"@w{where.Count}";
            p.Value = value;
            command.Parameters.Add(p);
            where.Add($"{C(column)} {op} {p.ParameterName}");
        }
        object Day(DateOnly d) => sqlite ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : sqlServer ? d.ToDateTime(TimeOnly.MinValue) : d;
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
        string[] columns = [nameof(EtlRecord.BranchId), nameof(EtlRecord.Pos), nameof(EtlRecord.WorkDate), nameof(EtlRecord.SoldAt), nameof(EtlRecord.Tnsc),
            nameof(EtlRecord.ItemCode), nameof(EtlRecord.Department), nameof(EtlRecord.Quantity), nameof(EtlRecord.Amount), nameof(EtlRecord.PaymentMethod),
            nameof(EtlRecord.FileType), nameof(EtlRecord.SourceLine), nameof(EtlRecord.JobId)];
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(C))} FROM {C(EtlRecordConfiguration.Table)}" +
                              (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
                              $" ORDER BY {C(nameof(EtlRecord.WorkDate))}, {C(nameof(EtlRecord.BranchId))}, {C(nameof(EtlRecord.Pos))}, {C(nameof(EtlRecord.Id))}";
        long rows = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            for (var i = 0; i < columns.Length; i++)
            {
                csv.WriteField(Cell(reader.IsDBNull(i) ? null : reader.GetValue(i), i));
            }
            await csv.NextRecordAsync();
            if (++rows % 10_000 == 0)
            {
                await writer.FlushAsync(ct);
            }
        }
        await csv.FlushAsync();
        return rows;
    }

    /// <summary>Each column's CSV form, the same whichever provider stored it.</summary>
    private static string? Cell(object? value, int column) => value switch
    {
        null => null,
        string text when column == 3 => text.Length > 19 ? text[..19] : text,   // SQLite's stored sold-at text: drop the fraction
        string text when column == 12 => text.ToLowerInvariant(),               // SQLite's stored job id text
        string text => text,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t when column == 2 => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
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
