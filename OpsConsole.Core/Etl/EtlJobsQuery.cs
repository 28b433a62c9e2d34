using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Etl;

/// <summary>
/// Which jobs: by cell (branch, POS, work dates <see cref="From"/>–<see cref="To"/>), status, the UTC day a job finished
/// (<see cref="FinishedOn"/>), whether it is waiting for data (<see cref="AwaitingData"/>: true only those, false all but
/// those; ADR 0022) and text in its branch, error or creator.
/// </summary>
public sealed record JobFilter(string? BranchId = null, int? Pos = null, EtlJobStatus? Status = null, DateOnly? From = null, DateOnly? To = null,
    string? Text = null, DateOnly? FinishedOn = null, bool? AwaitingData = null);

/// <summary>A job filter as a caller sends it: text, as in a query string; <see cref="EtlJobsQuery.ReadFilter"/> checks it.</summary>
public sealed record JobFilterInput(string? Branch = null, string? Pos = null, string? Status = null, string? From = null, string? To = null,
    string? Text = null, string? FinishedOn = null, string? AwaitingData = null);

public enum JobSort
{
    /// <summary>The work date.</summary>
    Date,
    Branch,
    Status,
    /// <summary>When the job was first queued.</summary>
    Created,
    /// <summary>When its last run ended; jobs not finished come last.</summary>
    Finished,
}

/// <summary>The jobs list's request: filters, the sort and its direction (text, as sent).</summary>
public sealed record JobListInput(JobFilterInput Filter, string? Sort = null, string? Desc = null);

/// <summary>The jobs list's request, checked: no sort means newest work date first.</summary>
public sealed record JobList(JobFilter Filter, JobSort? Sort, bool Descending);

public sealed record JobDetail(EtlJob Job, IReadOnlyList<EtlJobEvent> Events, IReadOnlyList<EtlFile> Files);

/// <summary>Reading jobs: the filtered, sorted, paged list, one job's detail with its timeline and files, and "all matching".</summary>
public sealed class EtlJobsQuery(IDbContextFactory<OpsDbContext> contexts)
{
    public const int MaxTextLength = 200;

    /// <summary>
    /// Checks a filter sent as text. Errors name the field, after <paramref name="prefix"/> ("filter." when the filter
    /// is part of a body).
    /// </summary>
    public static JobFilter ReadFilter(FieldErrors errors, JobFilterInput input, string prefix = "")
    {
        var branch = errors.OptionalText(prefix + "branch", input.Branch, Branch.MaxIdLength);
        var pos = errors.OptionalInt(prefix + "pos", input.Pos, 1, EtlBranches.MaxPosCount);
        var status = errors.OptionalChoice<EtlJobStatus>(prefix + "status", input.Status);
        var from = errors.OptionalDate(prefix + "from", input.From);
        var to = errors.OptionalDate(prefix + "to", input.To);
        if (from > to)
        {
            errors.Add(prefix + "to", "to must not be before from.");
        }
        var text = errors.OptionalText(prefix + "q", input.Text, MaxTextLength);
        var finishedOn = errors.OptionalDate(prefix + "finished_on", input.FinishedOn);
        var awaitingData = errors.OptionalFlag(prefix + "awaiting_data", input.AwaitingData);
        return new JobFilter(branch, pos, status, from, to, text, finishedOn, awaitingData);
    }

    /// <summary>
    /// Checks a jobs list request sent as text (the API's query string, the jobs page's address): its filter, the sort
    /// and the direction, which without desc is <see cref="DescendingByDefault"/>.
    /// </summary>
    public static JobList ReadList(FieldErrors errors, JobListInput input)
    {
        var filter = ReadFilter(errors, input.Filter);
        var sort = errors.OptionalChoice<JobSort>("sort", input.Sort);
        return new JobList(filter, sort, errors.OptionalFlag("desc", input.Desc) ?? DescendingByDefault(sort));
    }

    /// <summary>Dates and times newest first, the rest A to Z: the direction a sort has when desc is not given.</summary>
    public static bool DescendingByDefault(JobSort? sort) => sort is null or JobSort.Date or JobSort.Created or JobSort.Finished;

    /// <summary>The jobs list as the API asks for it; newest work date first unless a sort is given.</summary>
    public async Task<OpsResult<Page<EtlJob>>> ListAsync(JobListInput input, PageRequest page, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var list = ReadList(errors, input);
        return errors.Any ? errors.ToResult<Page<EtlJob>>() : OpsResult<Page<EtlJob>>.Ok(await ListAsync(list.Filter, list.Sort, list.Descending, page, ct));
    }

    public async Task<Page<EtlJob>> ListAsync(JobFilter filter, JobSort? sort, bool descending, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = Filtered(db, filter).AsNoTracking();
        return await query.PageAsync(q => (sort, descending) switch
        {
            (JobSort.Branch, false) => q.OrderBy(j => j.BranchId).ThenBy(j => j.Pos).ThenBy(j => j.WorkDate),
            (JobSort.Branch, true) => q.OrderByDescending(j => j.BranchId).ThenBy(j => j.Pos).ThenBy(j => j.WorkDate),
            (JobSort.Status, false) => q.OrderBy(j => j.Status).ThenByDescending(j => j.WorkDate),
            (JobSort.Status, true) => q.OrderByDescending(j => j.Status).ThenByDescending(j => j.WorkDate),
            (JobSort.Created, false) => q.OrderBy(j => j.CreatedAt),
            (JobSort.Created, true) => q.OrderByDescending(j => j.CreatedAt),
            // Providers put nulls at different ends: unfinished jobs go last either way.
            (JobSort.Finished, false) => q.OrderBy(j => j.FinishedAt == null).ThenBy(j => j.FinishedAt).ThenBy(j => j.Id),
            (JobSort.Finished, true) => q.OrderBy(j => j.FinishedAt == null).ThenByDescending(j => j.FinishedAt).ThenByDescending(j => j.Id),
            (JobSort.Date, false) => q.OrderBy(j => j.WorkDate).ThenBy(j => j.BranchId).ThenBy(j => j.Pos),
            _ => q.OrderByDescending(j => j.WorkDate).ThenBy(j => j.BranchId).ThenBy(j => j.Pos),
        }, page, ct);
    }

    /// <summary>Ids of every job matching a filter (for "retry or cancel everything matching"), capped.</summary>
    public async Task<IReadOnlyList<Guid>> MatchingIdsAsync(JobFilter filter, int limit, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Filtered(db, filter).OrderBy(j => j.WorkDate).Select(j => j.Id).Take(limit).ToListAsync(ct);
    }

    public async Task<JobDetail?> DetailAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var job = await db.EtlJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, ct);
        if (job is null)
        {
            return null;
        }
        var timeline = await db.EtlJobEvents.AsNoTracking().Where(e => e.JobId == id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        var files = await db.EtlFiles.AsNoTracking().Where(f => f.JobId == id).OrderByDescending(f => f.DownloadedAt).ThenBy(f => f.FileType).ThenBy(f => f.FileName).ToListAsync(ct);
        return new JobDetail(job, timeline, files);
    }

    private static IQueryable<EtlJob> Filtered(OpsDbContext db, JobFilter f)
    {
        var query = db.EtlJobs.AsQueryable();
        if (!string.IsNullOrWhiteSpace(f.BranchId))
        {
            query = query.Where(j => j.BranchId == f.BranchId);
        }
        if (f.Pos is { } pos)
        {
            query = query.Where(j => j.Pos == pos);
        }
        if (f.Status is { } status)
        {
            query = query.Where(j => j.Status == status);
        }
        if (f.From is { } from)
        {
            query = query.Where(j => j.WorkDate >= from);
        }
        if (f.To is { } to)
        {
            query = query.Where(j => j.WorkDate <= to);
        }
        if (f.FinishedOn is { } day)
        {
            var (start, end) = (day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
            query = query.Where(j => j.FinishedAt >= start && j.FinishedAt < end);
        }
        if (f.AwaitingData is { } waiting)
        {
            query = waiting
                ? query.Where(j => j.Status == EtlJobStatus.Failed && j.AwaitingData)
                : query.Where(j => j.Status != EtlJobStatus.Failed || !j.AwaitingData);
        }
        if (!string.IsNullOrWhiteSpace(f.Text))
        {
            var text = f.Text.Trim();
            query = query.Where(j => j.BranchId.Contains(text) || (j.Error != null && j.Error.Contains(text)) || j.CreatedBy.Contains(text));
        }
        return query;
    }
}
