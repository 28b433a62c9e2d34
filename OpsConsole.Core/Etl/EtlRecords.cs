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

    /// <summary>Writes every matching row as CSV while reading it: memory stays flat for millions of rows.</summary>
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
        long rows = 0;
        var query = Filtered(db, filter).OrderBy(r => r.WorkDate).ThenBy(r => r.BranchId).ThenBy(r => r.Pos).ThenBy(r => r.Id).AsAsyncEnumerable();
        await foreach (var r in query.WithCancellation(ct))
        {
            csv.WriteField(r.BranchId);
            csv.WriteField(r.Pos);
            csv.WriteField(r.WorkDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            csv.WriteField(r.SoldAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            csv.WriteField(r.Tnsc);
            csv.WriteField(r.ItemCode);
            csv.WriteField(r.Department);
            csv.WriteField(r.Quantity);
            csv.WriteField(r.Amount);
            csv.WriteField(r.PaymentMethod);
            csv.WriteField(r.FileType);
            csv.WriteField(r.SourceLine);
            csv.WriteField(r.JobId);
            await csv.NextRecordAsync();
            if (++rows % 10_000 == 0)
            {
                await writer.FlushAsync(ct);
            }
        }
        await csv.FlushAsync();
        return rows;
    }

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
