using OpsConsole.Core.Shared.Identity;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Etl;

/// <summary>POST /api/jobs/fetch as sent: the cell (the date as YYYY-MM-DD text) and whether to rerun a succeeded job.</summary>
public sealed record FetchInput(string? Branch, int? Pos, string? Date, bool Force = false);

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

/// <summary>A bulk retry or cancel: the ids, or a filter resolved now; <see cref="Force"/> also reruns succeeded jobs.</summary>
public sealed record BulkJobsInput(IReadOnlyList<Guid>? Ids, JobFilterInput? Filter, bool Force = false);

/// <summary>POST /api/missing/run as sent: the seed's {branch: {pos: [dates]}}, or a range filter, and the mode.</summary>
public sealed record MissingRunInput(IReadOnlyDictionary<string, Dictionary<string, List<string>>?>? BranchesMissing, MissingRunFilter? Filter, string? Mode);

public sealed record MissingRunFilter(string? Start, string? End, string? Branch);

/// <summary>Queueing, retrying and cancelling jobs: every command validated, audited and announced; every move through <see cref="EtlTransitions"/>.</summary>
public sealed class EtlService(IDbContextFactory<OpsDbContext> contexts, EtlBranches branches, EtlJobsQuery jobs, EtlMissingData missing,
    IOpsEventStream events, IEtlWake wake, EtlOptions options, TimeProvider time, AccountGate gate)
{
    public const int MaxCellsPerRequest = 50_000;

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>
    /// Queues (branch, pos, date). Idempotent: a job already queued or running, or one that succeeded (unless
    /// forced), is returned as it is; a failed or cancelled one is queued again.
    /// </summary>
    public async Task<OpsResult<FetchOutcome>> FetchAsync(Actor actor, FetchInput input, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, input.Force ? OpsPolicies.Administer : OpsPolicies.Operate, ct);
        var errors = new FieldErrors();
        var branch = EtlBranches.IsBranchId(input.Branch) ? await branches.FindAsync(input.Branch!, ct) : null;
        if (branch is null)
        {
            errors.Add("branch", string.IsNullOrEmpty(input.Branch) ? "branch is required." : $"There is no branch '{Clip(input.Branch)}'.");
        }
        else if (input.Pos is not { } pos || pos < 1 || pos > branch.PosCount)
        {
            errors.Add("pos", $"pos must be between 1 and {branch.PosCount} for branch {branch.Id}.");
        }
        var date = errors.OptionalDate("date", input.Date);
        if (string.IsNullOrWhiteSpace(input.Date))
        {
            errors.Add("date", "date is required (YYYY-MM-DD).");
        }
        else if (date is { } d && (d < EtlBranches.EarliestDate || d > Today))
        {
            errors.Add("date", $"date must be between {EtlBranches.EarliestDate:yyyy-MM-dd} and today ({Today:yyyy-MM-dd}).");
        }
        if (errors.Any)
        {
            return errors.ToResult<FetchOutcome>();
        }
        var cell = new EtlCell(branch!.Id, input.Pos!.Value, date!.Value);
        var queued = await QueueCheckedCellsAsync(actor, [cell], input.Force ? QueueMode.All : QueueMode.MissingAndFailed, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var job = await db.EtlJobs.AsNoTracking().SingleAsync(j => j.BranchId == cell.BranchId && j.Pos == cell.Pos && j.WorkDate == cell.WorkDate, ct);
        return OpsResult<FetchOutcome>.Ok(new FetchOutcome(job, queued.Count > 0));
    }

    /// <summary>
    /// A missing-data run: the cells named in the seed's shape, or those a range filter finds in <c>mode</c>
    /// (missing, missing_and_failed or all). Every cell is checked before anything is queued. Returns the ids queued now.
    /// </summary>
    public async Task<OpsResult<IReadOnlyList<Guid>>> QueueMissingAsync(Actor actor, MissingRunInput input, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var errors = new FieldErrors();
        var mode = errors.OptionalChoice<QueueMode>("mode", input.Mode) ?? QueueMode.Missing;
        var cells = new List<EtlCell>();
        if (input.BranchesMissing is { } map)
        {
            if (input.Filter is not null)
            {
                errors.Add("filter", "Send either branches_missing or filter, not both.");
            }
            var known = (await branches.ListAsync(ct)).ToDictionary(b => b.Id);
            foreach (var (branchId, byPos) in map)
            {
                if (!known.TryGetValue(branchId, out var branch))
                {
                    errors.Add($"branches_missing.{Clip(branchId)}", $"There is no branch '{Clip(branchId)}'.");
                    continue;
                }
                foreach (var (posText, dates) in byPos ?? [])
                {
                    if (!int.TryParse(posText, out var pos) || pos < 1 || pos > branch.PosCount)
                    {
                        errors.Add($"branches_missing.{branchId}.{Clip(posText)}", $"pos must be between 1 and {branch.PosCount} for branch {branchId}.");
                        continue;
                    }
                    var field = $"branches_missing.{branchId}.{pos}";
                    foreach (var text in dates ?? [])
                    {
                        if (string.IsNullOrWhiteSpace(text))
                        {
                            errors.Add(field, $"{field} must be a date written YYYY-MM-DD.");
                        }
                        else if (errors.OptionalDate(field, text) is not { } date)
                        {
                            // OptionalDate named the field.
                        }
                        else if (date < EtlBranches.EarliestDate || date > Today)
                        {
                            errors.Add(field, $"{date:yyyy-MM-dd} is not between {EtlBranches.EarliestDate:yyyy-MM-dd} and today.");
                        }
                        else
                        {
                            cells.Add(new EtlCell(branchId, pos, date));
                        }
                    }
                }
            }
        }
        else if (input.Filter is { } f)
        {
            var (from, to) = missing.ReadRange(errors, f.Start, f.End, "filter.");
            var branch = errors.OptionalText("filter.branch", f.Branch, Branch.MaxIdLength);
            if (!errors.Any)
            {
                var grid = await missing.GridAsync(from, to, branch, ct, detail: GridDetail.States);
                var rows = branch is null ? grid : grid with { Rows = grid.Rows.Where(r => r.BranchId == branch).ToList() };
                cells.AddRange(EtlMissingData.CellsToQueue(rows, mode));
            }
        }
        else
        {
            errors.Add("branches_missing", "Send branches_missing ({branch: {pos: [dates]}}) or a filter.");
        }
        if (!errors.Any && cells.Count > MaxCellsPerRequest)
        {
            errors.Add(input.Filter is null ? "branches_missing" : "filter", $"At most {MaxCellsPerRequest:N0} cells per request; narrow the range.");
        }
        if (errors.Any)
        {
            return errors.ToResult<IReadOnlyList<Guid>>();
        }
        return OpsResult<IReadOnlyList<Guid>>.Ok(await QueueCheckedCellsAsync(actor, cells, mode, ct));
    }

    /// <summary>
    /// Queues many cells at once (missing-data runs): one job per cell whatever the races, since the database
    /// refuses a second job for a cell and the loser simply finds the winner's job. An existing job is queued again
    /// only where <see cref="EtlTransitions.QueueMove"/> says so. Returns the ids queued now.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> QueueCellsAsync(Actor actor, IReadOnlyCollection<EtlCell> cells, QueueMode mode, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        return await QueueCheckedCellsAsync(actor, cells, mode, ct);
    }

    /// <summary>The queueing behind every command above, once the caller's command has checked the actor.</summary>
    private async Task<IReadOnlyList<Guid>> QueueCheckedCellsAsync(Actor actor, IReadOnlyCollection<EtlCell> cells, QueueMode mode, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var queued = new List<EtlJob>();
        foreach (var chunk in cells.Distinct().Chunk(500))
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var branchIds = chunk.Select(c => c.BranchId).Distinct().ToList();
            var dates = chunk.Select(c => c.WorkDate).ToList();
            var (min, max) = (dates.Min(), dates.Max());
            var existing = (await db.EtlJobs.Where(j => branchIds.Contains(j.BranchId) && j.WorkDate >= min && j.WorkDate <= max).ToListAsync(ct))
                .ToDictionary(j => new EtlCell(j.BranchId, j.Pos, j.WorkDate));
            foreach (var cell in chunk)
            {
                if (Queue(db, existing.GetValueOrDefault(cell), cell, mode, actor, now) is { } job)
                {
                    queued.Add(job);
                }
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
                queued.Count == 1 ? new { queued[0].BranchId, queued[0].Pos, queued[0].WorkDate, Mode = mode.Wire() } : new { Count = queued.Count, Mode = mode.Wire() });
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
            var existing = await db.EtlJobs.SingleOrDefaultAsync(j => j.BranchId == cell.BranchId && j.Pos == cell.Pos && j.WorkDate == cell.WorkDate, ct);
            if (Queue(db, existing, cell, mode, actor, now) is not { } job)
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

    /// <summary>A new job for the cell, or the existing one queued again where the mode allows; null when it is left as it is.</summary>
    private EtlJob? Queue(OpsDbContext db, EtlJob? job, EtlCell cell, QueueMode mode, Actor actor, DateTimeOffset now)
    {
        if (job is null)
        {
            job = new EtlJob
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
            db.EtlJobs.Add(job);
            db.EtlJobEvents.Add(Event(job, now, "queued", $"Queued by {actor.Name}."));
            return job;
        }
        if (EtlTransitions.QueueMove(job.Status, mode, job.AwaitingData) is not { } move)
        {
            return null;
        }
        var was = job.IsAwaitingData ? "waiting for data" : job.Status.Name();
        job.Status = EtlTransitions.Job.Apply(job.Status, move, $"Job {job.Id}").To;
        job.Attempts = 0;
        job.MaxAttempts = Math.Max(1, options.MaxAttempts);
        job.Force = move == EtlJobMove.Rerun;
        job.CancelRequested = false;
        job.Error = null;
        job.QueuedAt = now.UtcDateTime;
        job.StartedAt = null;
        job.FinishedAt = null;
        job.LeaseOwner = null;
        job.LeaseExpiresAt = null;
        db.EtlJobEvents.Add(Event(job, now, "queued", $"Queued again by {actor.Name} (was {was}{(job.Force ? ", forced" : "")})."));
        return job;
    }

    public static EtlJobEvent Event(EtlJob job, DateTimeOffset at, string kind, string message) =>
        new() { JobId = job.Id, At = at.UtcDateTime, Kind = kind, Message = message.Length <= 4000 ? message : message[..3999] + "…", Attempt = job.Attempts };

    /// <summary>Retry: a failed or cancelled job is queued again; with <paramref name="force"/> a succeeded one too (admins).</summary>
    public async Task<OpsResult<EtlJob>> RetryAsync(Actor actor, Guid id, bool force, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var job = await db.EtlJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, ct);
        if (job is null)
        {
            return OpsResult<EtlJob>.NotFound($"No job {id}.");
        }
        var mode = force ? QueueMode.All : QueueMode.MissingAndFailed;
        if (EtlTransitions.QueueMove(job.Status, mode, job.AwaitingData) is null)
        {
            return OpsResult<EtlJob>.Conflict(job.Status == EtlJobStatus.Succeeded
                ? $"Job {id} succeeded; rerun it with force."
                : EtlTransitions.Job.Apply(job.Status, EtlJobMove.Requeue, $"Job {id}").Refusal!);
        }
        await QueueCheckedCellsAsync(actor, [new EtlCell(job.BranchId, job.Pos, job.WorkDate)], mode, ct);
        return OpsResult<EtlJob>.Ok(await db.EtlJobs.AsNoTracking().SingleAsync(j => j.Id == id, ct));
    }

    /// <summary>Retries many jobs (failed or cancelled ones; with force, succeeded ones too); others are left as they are.</summary>
    public async Task<IReadOnlyList<Guid>> RetryManyAsync(Actor actor, IReadOnlyCollection<Guid> ids, bool force, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var mode = force ? QueueMode.All : QueueMode.MissingAndFailed;
        var retriable = Enum.GetValues<EtlJobStatus>().Where(s => EtlTransitions.QueueMove(s, mode) is not null).ToList();
        var cells = new List<EtlCell>();
        foreach (var chunk in ids.Distinct().Chunk(1000))
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            cells.AddRange(await db.EtlJobs.AsNoTracking().Where(j => chunk.Contains(j.Id) && retriable.Contains(j.Status))
                .Select(j => new EtlCell(j.BranchId, j.Pos, j.WorkDate)).ToListAsync(ct));
        }
        return cells.Count == 0 ? [] : await QueueCheckedCellsAsync(actor, cells, mode, ct);
    }

    /// <summary>
    /// Cancel: a queued job stops at once; a running one is asked to stop and stores nothing. A job a runner moved
    /// between the read and the write (queued to running) is cancelled in its new state; one that finished meanwhile
    /// answers a conflict that names the state it is in now.
    /// </summary>
    public async Task<OpsResult<EtlJob>> CancelAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        for (var attempt = 0; ; attempt++)
        {
            var cancelled = (await CancelManyAsync(actor, [id], ct)).Contains(id);
            await using var db = await contexts.CreateDbContextAsync(ct);
            var job = await db.EtlJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, ct);
            if (job is null)
            {
                return OpsResult<EtlJob>.NotFound($"No job {id}.");
            }
            if (cancelled)
            {
                return OpsResult<EtlJob>.Ok(job);
            }
            var refusal = EtlTransitions.Job.Apply(job.Status, EtlJobMove.Cancel, $"Job {id}").Refusal;
            if (refusal is not null || attempt == 2)
            {
                return OpsResult<EtlJob>.Conflict(refusal ?? $"Job {id} is {job.Status.Name()} and keeps changing; load it again.");
            }
        }
    }

    public async Task<IReadOnlyList<Guid>> CancelManyAsync(Actor actor, IReadOnlyCollection<Guid> ids, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var now = time.GetUtcNow();
        var cancellable = EtlTransitions.Cancellable;
        var done = new List<EtlJob>();
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var found = await db.EtlJobs.Where(j => chunk.Contains(j.Id) && cancellable.Contains(j.Status)).ToListAsync(ct);
            foreach (var job in found)
            {
                if (job.Status == EtlJobStatus.Queued)
                {
                    job.Status = EtlTransitions.Job.Apply(job.Status, EtlJobMove.Cancel, $"Job {job.Id}").To;
                    job.FinishedAt = now.UtcDateTime;
                    db.EtlJobEvents.Add(Event(job, now, "cancelled", $"Cancelled by {actor.Name} before it ran."));
                }
                else
                {
                    // Running: the runner sees the request at its next heartbeat and makes the move (EtlRunnerPool).
                    job.CancelRequested = true;
                    db.EtlJobEvents.Add(Event(job, now, "cancel-requested", $"{actor.Name} asked the runner to stop; nothing of this run will be stored."));
                }
            }
            if (found.Count > 0)
            {
                db.Audit(actor, now, EtlModule.Name, "job.cancel", "EtlJob", found.Count == 1 ? found[0].Id.ToString() : $"{found.Count} jobs", null, new { Count = found.Count });
            }
            try
            {
                await db.SaveChangesAsync(ct);
                done.AddRange(found);
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

    /// <summary>Bulk retry (<paramref name="retry"/>) or cancel by ids or by a filter resolved now; the ids it moved.</summary>
    public async Task<OpsResult<IReadOnlyList<Guid>>> BulkAsync(Actor actor, BulkJobsInput input, bool retry, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var errors = new FieldErrors();
        IReadOnlyList<Guid> ids = [];
        if (input.Filter is { } f)
        {
            if (input.Ids is not null)
            {
                errors.Add("ids", "Send either ids or filter, not both.");
            }
            var filter = EtlJobsQuery.ReadFilter(errors, f, prefix: "filter.");
            if (!errors.Any)
            {
                ids = await jobs.MatchingIdsAsync(filter, MaxCellsPerRequest, ct);
            }
        }
        else if (input.Ids is { Count: > 0 and <= MaxCellsPerRequest } list)
        {
            ids = list;
        }
        else
        {
            errors.Add("ids", $"ids must list between 1 and {MaxCellsPerRequest:N0} job ids (or send a filter).");
        }
        if (errors.Any)
        {
            return errors.ToResult<IReadOnlyList<Guid>>();
        }
        return OpsResult<IReadOnlyList<Guid>>.Ok(retry ? await RetryManyAsync(actor, ids, input.Force, ct) : await CancelManyAsync(actor, ids.ToList(), ct));
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
