using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

/// <summary>The production list's filters as a caller sends them (text, so every bad value is named).</summary>
public sealed record ProductionFilterInput(string? MachineId, string? From, string? To);

/// <summary>Records of one machine (or all), between two days (inclusive, either open).</summary>
public sealed record ProductionFilter(int? MachineId, DateOnly? From, DateOnly? To)
{
    public static readonly ProductionFilter None = new(null, null, null);
}

/// <summary>A production record as lists show it: with its machine's code and name.</summary>
public sealed record ProductionRow(ProductionRecord Record, string MachineCode, string MachineName);

/// <summary>The sums over every record a filter matches; the rates are null where there is nothing to divide by.</summary>
public sealed record ProductionTotals(int Records, long Good, long Scrap, long RunSeconds, long PlannedSeconds)
{
    /// <summary>Scrap / (good + scrap).</summary>
    public double? ScrapRate => Good + Scrap > 0 ? (double)Scrap / (Good + Scrap) : null;

    /// <summary>Run time / planned time.</summary>
    public double? RunShare => PlannedSeconds > 0 ? (double)RunSeconds / PlannedSeconds : null;
}

/// <summary>Production records per machine and shift (issue 18 item 6): the list and its totals. Imports write through <see cref="ProductionImport"/>.</summary>
public sealed class ProductionLog(IDbContextFactory<OpsDbContext> contexts)
{
    public const int MaxPageSize = 500;

    public static ProductionFilter ReadFilter(FieldErrors errors, ProductionFilterInput input)
    {
        var filter = new ProductionFilter(errors.OptionalInt("machine_id", input.MachineId, 1, int.MaxValue), errors.OptionalDate("from", input.From),
            errors.OptionalDate("to", input.To));
        if (filter.From > filter.To)
        {
            errors.Add("from", "from must be on or before to.");
        }
        return filter;
    }

    /// <summary>Newest day first, then by machine code and shift.</summary>
    public async Task<Page<ProductionRow>> ListAsync(ProductionFilter filter, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = from r in Filtered(db, filter)
                   join m in db.Machines on r.MachineId equals m.Id
                   select new { r, m.Code, m.Name };
        var listed = await rows.PageAsync(q => q.OrderByDescending(x => x.r.Date).ThenBy(x => x.Code).ThenBy(x => x.r.Shift).ThenBy(x => x.r.Id), page, ct);
        return listed.Map(x => new ProductionRow(x.r, x.Code, x.Name));
    }

    public async Task<ProductionTotals> TotalsAsync(ProductionFilter filter, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sums = await Filtered(db, filter).GroupBy(_ => 1).Select(g => new
        {
            Records = g.Count(), Good = g.Sum(r => (long)r.Good), Scrap = g.Sum(r => (long)r.Scrap), Run = g.Sum(r => (long)r.RunSeconds),
            Planned = g.Sum(r => (long)r.PlannedSeconds),
        }).SingleOrDefaultAsync(ct);
        return sums is null ? new ProductionTotals(0, 0, 0, 0, 0) : new ProductionTotals(sums.Records, sums.Good, sums.Scrap, sums.Run, sums.Planned);
    }

    private static IQueryable<ProductionRecord> Filtered(OpsDbContext db, ProductionFilter filter)
    {
        var records = db.ProductionRecords.AsNoTracking();
        if (filter.MachineId is { } machine)
        {
            records = records.Where(r => r.MachineId == machine);
        }
        if (filter.From is { } from)
        {
            records = records.Where(r => r.Date >= from);
        }
        if (filter.To is { } to)
        {
            records = records.Where(r => r.Date <= to);
        }
        return records;
    }
}
