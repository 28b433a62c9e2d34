using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Etl;

public sealed record BranchInput(string? Id, string? Name, int? PosCount, bool? IsActive, DateOnly? ActiveFrom, string? ParserConfig);

public sealed record FetchOutcome(EtlJob Job, bool Queued);

public enum QueueMode
{
    /// <summary>Only cells with no data and no job in progress.</summary>
    Missing,
    /// <summary>Missing cells and failed ones.</summary>
    MissingAndFailed,
    /// <summary>Every cell, rerunning succeeded ones too.</summary>
    All,
}

public sealed record EtlCell(string BranchId, int Pos, DateOnly WorkDate);

public sealed record JobFilter(string? BranchId = null, int? Pos = null, EtlJobStatus? Status = null, DateOnly? From = null, DateOnly? To = null, string? Text = null);

public sealed record JobDetail(EtlJob Job, IReadOnlyList<EtlJobEvent> Events, IReadOnlyList<EtlFile> Files);

/// <summary>Branches, and queueing, retrying and cancelling jobs: every command validated, audited and announced.</summary>
public sealed partial class EtlService(IDbContextFactory<OpsDbContext> contexts, IOpsEventStream events, IEtlWake wake, EtlOptions options, TimeProvider time)
{
    public const int MaxCellsPerRequest = 50_000;
    public static readonly DateOnly EarliestDate = new(2000, 1, 1);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
    private static partial Regex BranchIdPattern();

    public static bool IsBranchId(string? id) => id is not null && BranchIdPattern().IsMatch(id);

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public async Task<IReadOnlyList<Branch>> BranchesAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Branches.AsNoTracking().OrderBy(b => b.Id).ToListAsync(ct);
    }

    public async Task<Branch?> BranchAsync(string id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Branches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
    }

    /// <summary>Creates or updates a branch; the parser config is validated field by field.</summary>
    public async Task<OpsResult<Branch>> UpsertBranchAsync(Actor actor, BranchInput input, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (!IsBranchId(input.Id))
        {
            errors.Add("id", "id must be 1 to 32 letters, digits, '-' or '_', starting with a letter or digit.");
        }
        errors.Required("name", input.Name, 200);
        if (input.PosCount is not (>= 1 and <= 20))
        {
            errors.Add("pos_count", "pos_count must be between 1 and 20.");
        }
        if (input.ActiveFrom is { } from && (from < EarliestDate || from > Today.AddYears(1)))
        {
            errors.Add("active_from", $"active_from must be between {EarliestDate:yyyy-MM-dd} and a year from today.");
        }
        var parsed = ParserConfig.Parse(input.ParserConfig);
        foreach (var (field, messages) in parsed.Errors)
        {
            foreach (var message in messages)
            {
                errors.Add(field, message);
            }
        }
        if (errors.Any)
        {
            return errors.ToResult<Branch>();
        }
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var branch = await db.Branches.SingleOrDefaultAsync(b => b.Id == input.Id, ct);
        var before = branch is null ? null : new { branch.Name, branch.PosCount, branch.IsActive, branch.ActiveFrom, ParserConfig = branch.ParserConfigJson };
        if (branch is null)
        {
            branch = new Branch { Id = input.Id!, Name = "", CreatedAt = now.UtcDateTime };
            db.Branches.Add(branch);
        }
        branch.Name = input.Name!.Trim();
        branch.PosCount = input.PosCount!.Value;
        branch.IsActive = input.IsActive ?? true;
        branch.ActiveFrom = input.ActiveFrom ?? branch.ActiveFrom;
        if (branch.ActiveFrom == default)
        {
            branch.ActiveFrom = Today;
        }
        branch.ParserConfigJson = parsed.Value!.ToJson();
        branch.UpdatedAt = now.UtcDateTime;
        db.Audit(actor, now, EtlModule.Name, before is null ? "branch.create" : "branch.update", "Branch", branch.Id, before,
            new { branch.Name, branch.PosCount, branch.IsActive, branch.ActiveFrom, ParserConfig = branch.ParserConfigJson });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (before is null)
        {
            return OpsResult<Branch>.Conflict($"Branch {input.Id} was created by someone else meanwhile; load it and edit again.");
        }
        return OpsResult<Branch>.Ok(branch);
    }

    /// <summary>
    /// Queues (branch, pos, date). Idempotent: a job already queued or running, or one that succeeded (unless
    /// <paramref name="force"/>), is returned as it is; a failed or cancelled one is queued again.
    /// </summary>
    public async Task<OpsResult<FetchOutcome>> FetchAsync(Actor actor, string? branchId, int? pos, DateOnly? date, bool force, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var branch = IsBranchId(branchId) ? await db.Branches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == branchId, ct) : null;
        if (branch is null)
        {
            errors.Add("branch", branchId is null ? "branch is required." : $"There is no branch '{Clip(branchId)}'.");
        }
        else if (pos is null || pos < 1 || pos > branch.PosCount)
        {
            errors.Add("pos", $"pos must be between 1 and {branch.PosCount} for branch {branch.Id}.");
        }
        if (date is null)
        {
            errors.Add("date", "date is required (YYYY-MM-DD).");
        }
        else if (date < EarliestDate || date > Today)
        {
            errors.Add("date", $"date must be between {EarliestDate:yyyy-MM-dd} and today ({Today:yyyy-MM-dd}).");
        }
        if (errors.Any)
        {
            return errors.ToResult<FetchOutcome>();
        }
        var queued = await QueueCellsAsync(actor, [new EtlCell(branch!.Id, pos!.Value, date!.Value)], force ? QueueMode.All : QueueMode.MissingAndFailed, ct);
        var job = await db.EtlJobs.AsNoTracking().SingleAsync(j => j.BranchId == branch.Id && j.Pos == pos && j.WorkDate == date, ct);
        return OpsResult<FetchOutcome>.Ok(new FetchOutcome(job, queued.Count > 0));
    }

    /// <summary>
    /// Queues many cells at once (missing-data runs): one job per cell whatever the races, since the database
    /// refuses a second job for a cell and the loser simply finds the winner's job. Returns the ids queued now.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> QueueCellsAsync(Actor actor, IReadOnlyCollection<EtlCell> cells, QueueMode mode, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var queued = new List<EtlJob>();
        foreach (var chunk in cells.Distinct().Chunk(500))
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var branches = chunk.Select(c => c.BranchId).Distinct().ToList();
            var dates = chunk.Select(c => c.WorkDate).ToList();
            var (min, max) = (dates.Min(), dates.Max());
            var existing = (await db.EtlJobs.Where(j => branches.Contains(j.BranchId) && j.WorkDate >= min && j.WorkDate <= max).ToListAsync(ct))
                .ToDictionary(j => new EtlCell(j.BranchId, j.Pos, j.WorkDate));
            foreach (var cell in chunk)
            {
                if (existing.TryGetValue(cell, out var job))
                {
                    var again = job.Status switch
                    {
                        EtlJobStatus.Cancelled => true,
                        EtlJobStatus.Failed => mode != QueueMode.Missing,
                        EtlJobStatus.Succeeded => mode == QueueMode.All,
                        _ => false,
                    };
                    if (again)
                    {
                        Requeue(db, job, actor, now, force: job.Status == EtlJobStatus.Succeeded);
                        queued.Add(job);
                    }
                    continue;
                }
                var created = NewJob(cell, actor, now);
                db.EtlJobs.Add(created);
                db.EtlJobEvents.Add(Event(created, now, "queued", $"Queued by {actor.Name}."));
                queued.Add(created);
            }
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Someone queued some of these cells (or moved a job) meanwhile: do this chunk cell by cell.
                queued.RemoveAll(j => chunk.Contains(new EtlCell(j.BranchId, j.Pos, j.WorkDate)));
                queued.AddRange(await QueueOneByOneAsync(actor, chunk, mode, ct));
            }
        }
        if (queued.Count > 0)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            db.Audit(actor, now, EtlModule.Name, "job.queue", "EtlJob", queued.Count == 1 ? queued[0].Id.ToString() : $"{queued.Count} jobs", null,
                queued.Count == 1 ? new { queued[0].BranchId, queued[0].Pos, queued[0].WorkDate, Mode = mode.ToString() } : new { Count = queued.Count, Mode = mode.ToString() });
            await db.SaveChangesAsync(ct);
            events.Publish(new EtlJobsChanged(queued.Select(EtlJobState.Of).ToList()));
            wake.Wake();
        }
        return queued.Select(j => j.Id).ToList();
    }

    private async Task<List<EtlJob>> QueueOneByOneAsync(Actor actor, IEnumerable<EtlCell> cells, QueueMode mode, CancellationToken ct)
    {
        var queued = new List<EtlJob>();
        foreach (var cell in cells)
        {
            var now = time.GetUtcNow();
            await using var db = await contexts.CreateDbContextAsync(ct);
            var job = await db.EtlJobs.SingleOrDefaultAsync(j => j.BranchId == cell.BranchId && j.Pos == cell.Pos && j.WorkDate == cell.WorkDate, ct);
            if (job is null)
            {
                job = NewJob(cell, actor, now);
                db.EtlJobs.Add(job);
                db.EtlJobEvents.Add(Event(job, now, "queued", $"Queued by {actor.Name}."));
            }
            else if (job.Status == EtlJobStatus.Cancelled || (job.Status == EtlJobStatus.Failed && mode != QueueMode.Missing)
                     || (job.Status == EtlJobStatus.Succeeded && mode == QueueMode.All))
            {
                Requeue(db, job, actor, now, force: job.Status == EtlJobStatus.Succeeded);
            }
            else
            {
                continue;
            }
            try
            {
                await db.SaveChangesAsync(ct);
                queued.Add(job);
            }
            catch (DbUpdateException)
            {
                // Lost the race for this cell: the other request's job stands.
            }
        }
        return queued;
    }

    private EtlJob NewJob(EtlCell cell, Actor actor, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        BranchId = cell.BranchId,
        Pos = cell.Pos,
        WorkDate = cell.WorkDate,
        Status = EtlJobStatus.Queued,
        MaxAttempts = Math.Max(1, options.MaxAttempts),
        CreatedBy = actor.Name,
        CreatedAt = now.UtcDateTime,
        QueuedAt = now.UtcDateTime,
    };

    private void Requeue(OpsDbContext db, EtlJob job, Actor actor, DateTimeOffset now, bool force)
    {
        var was = job.Status.Name();
        job.Status = EtlJobStatus.Queued;
        job.Attempts = 0;
        job.MaxAttempts = Math.Max(1, options.MaxAttempts);
        job.Force = force;
        job.CancelRequested = false;
        job.Error = null;
        job.QueuedAt = now.UtcDateTime;
        job.StartedAt = null;
        job.FinishedAt = null;
        job.LeaseOwner = null;
        job.LeaseExpiresAt = null;
        db.EtlJobEvents.Add(Event(job, now, "queued", $"Queued again by {actor.Name} (was {was}{(force ? ", forced" : "")})."));
    }

    public static EtlJobEvent Event(EtlJob job, DateTimeOffset at, string kind, string message) =>
        new() { JobId = job.Id, At = at.UtcDateTime, Kind = kind, Message = message.Length <= 4000 ? message : message[..3999] + "…", Attempt = job.Attempts };

    /// <summary>Retry: a failed or cancelled job is queued again (admins).</summary>
    public async Task<OpsResult<EtlJob>> RetryAsync(Actor actor, Guid id, bool force, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var job = await db.EtlJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, ct);
        if (job is null)
        {
            return OpsResult<EtlJob>.NotFound($"No job {id}.");
        }
        var allowed = job.Status is EtlJobStatus.Failed or EtlJobStatus.Cancelled || (force && job.Status == EtlJobStatus.Succeeded);
        if (!allowed)
        {
            return OpsResult<EtlJob>.Conflict(job.Status == EtlJobStatus.Succeeded
                ? $"Job {id} succeeded; rerun it with force."
                : $"Job {id} is {job.Status.Name()}; only a failed or cancelled job can be retried.");
        }
        await QueueCellsAsync(actor, [new EtlCell(job.BranchId, job.Pos, job.WorkDate)], force ? QueueMode.All : QueueMode.MissingAndFailed, ct);
        return OpsResult<EtlJob>.Ok(await db.EtlJobs.AsNoTracking().SingleAsync(j => j.Id == id, ct));
    }

    /// <summary>Retries many jobs (failed or cancelled ones; with force, succeeded ones too); others are left as they are.</summary>
    public async Task<IReadOnlyList<Guid>> RetryManyAsync(Actor actor, IReadOnlyCollection<Guid> ids, bool force, CancellationToken ct = default)
    {
        var cells = new List<EtlCell>();
        foreach (var chunk in ids.Distinct().Chunk(1000))
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            cells.AddRange(await db.EtlJobs.AsNoTracking()
                .Where(j => chunk.Contains(j.Id) && (j.Status == EtlJobStatus.Failed || j.Status == EtlJobStatus.Cancelled || (force && j.Status == EtlJobStatus.Succeeded)))
                .Select(j => new EtlCell(j.BranchId, j.Pos, j.WorkDate)).ToListAsync(ct));
        }
        return cells.Count == 0 ? [] : await QueueCellsAsync(actor, cells, force ? QueueMode.All : QueueMode.MissingAndFailed, ct);
    }

    /// <summary>Cancel: a queued job stops at once; a running one is asked to stop and stores nothing.</summary>
    public async Task<OpsResult<EtlJob>> CancelAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        var outcome = await CancelManyAsync(actor, [id], ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var job = await db.EtlJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, ct);
        if (job is null)
        {
            return OpsResult<EtlJob>.NotFound($"No job {id}.");
        }
        return outcome.Contains(id) ? OpsResult<EtlJob>.Ok(job) : OpsResult<EtlJob>.Conflict($"Job {id} is {job.Status.Name()}; only a queued or running job can be cancelled.");
    }

    public async Task<IReadOnlyList<Guid>> CancelManyAsync(Actor actor, IReadOnlyCollection<Guid> ids, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var done = new List<EtlJob>();
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var jobs = await db.EtlJobs.Where(j => chunk.Contains(j.Id) && (j.Status == EtlJobStatus.Queued || j.Status == EtlJobStatus.Running)).ToListAsync(ct);
            foreach (var job in jobs)
            {
                if (job.Status == EtlJobStatus.Queued)
                {
                    job.Status = EtlJobStatus.Cancelled;
                    job.FinishedAt = now.UtcDateTime;
                    db.EtlJobEvents.Add(Event(job, now, "cancelled", $"Cancelled by {actor.Name} before it ran."));
                }
                else
                {
                    job.CancelRequested = true;
                    db.EtlJobEvents.Add(Event(job, now, "cancel-requested", $"{actor.Name} asked the runner to stop; nothing of this run will be stored."));
                }
            }
            if (jobs.Count > 0)
            {
                db.Audit(actor, now, EtlModule.Name, "job.cancel", "EtlJob", jobs.Count == 1 ? jobs[0].Id.ToString() : $"{jobs.Count} jobs", null, new { Count = jobs.Count });
            }
            try
            {
                await db.SaveChangesAsync(ct);
                done.AddRange(jobs);
            }
            catch (DbUpdateConcurrencyException)
            {
                // A runner moved one of them meanwhile; the caller sees the ones that were cancelled.
            }
        }
        if (done.Count > 0)
        {
            events.Publish(new EtlJobsChanged(done.Select(EtlJobState.Of).ToList()));
        }
        return done.Select(j => j.Id).ToList();
    }

    /// <summary>Ids of every job matching a filter (for "retry or cancel everything matching"), capped.</summary>
    public async Task<IReadOnlyList<Guid>> MatchingIdsAsync(JobFilter filter, int limit, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Filtered(db, filter).OrderBy(j => j.WorkDate).Select(j => j.Id).Take(limit).ToListAsync(ct);
    }

    public async Task<Page<EtlJob>> JobsAsync(JobFilter filter, string? sort, bool descending, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = Filtered(db, filter).AsNoTracking();
        var total = await query.CountAsync(ct);
        query = (sort?.ToLowerInvariant(), descending) switch
        {
            ("branch", false) => query.OrderBy(j => j.BranchId).ThenBy(j => j.Pos).ThenBy(j => j.WorkDate),
            ("branch", true) => query.OrderByDescending(j => j.BranchId).ThenBy(j => j.Pos).ThenBy(j => j.WorkDate),
            ("status", false) => query.OrderBy(j => j.Status).ThenByDescending(j => j.WorkDate),
            ("status", true) => query.OrderByDescending(j => j.Status).ThenByDescending(j => j.WorkDate),
            ("created", false) => query.OrderBy(j => j.CreatedAt),
            ("created", true) => query.OrderByDescending(j => j.CreatedAt),
            ("date", false) => query.OrderBy(j => j.WorkDate).ThenBy(j => j.BranchId).ThenBy(j => j.Pos),
            _ => query.OrderByDescending(j => j.WorkDate).ThenBy(j => j.BranchId).ThenBy(j => j.Pos),
        };
        var items = await query.Skip(page.Skip).Take(page.PageSize).ToListAsync(ct);
        return Page<EtlJob>.Of(items, total, page);
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
        if (!string.IsNullOrWhiteSpace(f.Text))
        {
            var text = f.Text.Trim();
            query = query.Where(j => j.BranchId.Contains(text) || (j.Error != null && j.Error.Contains(text)) || j.CreatedBy.Contains(text));
        }
        return query;
    }

    public async Task<JobDetail?> JobAsync(Guid id, CancellationToken ct = default)
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

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
