using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Etl;

/// <summary>GET /api/files's filters as sent (text, as in a query string): the seed's job and branch, and the files page's POS, work dates and type.</summary>
public sealed record FileListInput(string? JobId = null, string? Branch = null, string? Pos = null, string? From = null, string? To = null,
    string? FileType = null);

/// <summary>Which raw files: a job's, or by branch, POS, work dates <see cref="From"/>–<see cref="To"/> and file type (exact).</summary>
public sealed record FileFilter(Guid? JobId = null, string? BranchId = null, int? Pos = null, DateOnly? From = null, DateOnly? To = null,
    string? FileType = null);

/// <summary>The raw files jobs downloaded, newest work date first (then the newest download): the files page and GET /api/files.</summary>
public sealed class EtlFilesQuery(IDbContextFactory<OpsDbContext> contexts)
{
    /// <summary>GET /api/files answers a list (the seed's shape): at most this many, and its default page size.</summary>
    public const int MaxListed = 1000;
    public const int DefaultPageSize = 50;

    /// <summary>Checks filters sent as text; errors name the parameter.</summary>
    public static FileFilter ReadFilter(FieldErrors errors, FileListInput input)
    {
        var jobId = errors.OptionalGuid("job_id", input.JobId);
        var branch = errors.OptionalText("branch", input.Branch, Branch.MaxIdLength);
        var pos = errors.OptionalInt("pos", input.Pos, 1, EtlBranches.MaxPosCount);
        var from = errors.OptionalDate("from", input.From);
        var to = errors.OptionalDate("to", input.To);
        if (from > to)
        {
            errors.Add("to", "to must not be before from.");
        }
        var type = errors.OptionalText("file_type", input.FileType, EtlFileHostClient.MaxTypeLength);
        return new FileFilter(jobId, branch, pos, from, to, type);
    }

    /// <summary>The API's list: one page of matching files (the first <see cref="MaxListed"/> unless a page is asked for).</summary>
    public async Task<OpsResult<IReadOnlyList<EtlFile>>> ListAsync(FileListInput input, PageRequest page, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var filter = ReadFilter(errors, input);
        return errors.Any ? errors.ToResult<IReadOnlyList<EtlFile>>() : OpsResult<IReadOnlyList<EtlFile>>.Ok((await PageAsync(filter, page, ct)).Items);
    }

    /// <summary>One page of the matching files, newest work date first, with how many match.</summary>
    public async Task<Page<EtlFile>> PageAsync(FileFilter filter, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = Filtered(db, filter);
        return await query.PageAsync(q => q.OrderByDescending(f => f.WorkDate).ThenByDescending(f => f.DownloadedAt).ThenBy(f => f.Pos).ThenBy(f => f.FileType)
            .ThenBy(f => f.FileName), page, ct);
    }

    public async Task<EtlFile?> FindAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.EtlFiles.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct);
    }

    private static IQueryable<EtlFile> Filtered(OpsDbContext db, FileFilter f)
    {
        var query = db.EtlFiles.AsNoTracking();
        if (f.JobId is { } job)
        {
            query = query.Where(x => x.JobId == job);
        }
        if (!string.IsNullOrWhiteSpace(f.BranchId))
        {
            query = query.Where(x => x.BranchId == f.BranchId);
        }
        if (f.Pos is { } pos)
        {
            query = query.Where(x => x.Pos == pos);
        }
        if (f.From is { } from)
        {
            query = query.Where(x => x.WorkDate >= from);
        }
        if (f.To is { } to)
        {
            query = query.Where(x => x.WorkDate <= to);
        }
        if (!string.IsNullOrWhiteSpace(f.FileType))
        {
            query = query.Where(x => x.FileType == f.FileType);
        }
        return query;
    }
}
