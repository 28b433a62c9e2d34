using OpsConsole.Core.Shared.Identity;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Shared.Settings;

namespace OpsConsole.Core.Dispatch;

public sealed record NewSuggestion(int? FromStationId, int? ToStationId, int? Qty, string? Reason);

/// <summary>A bulk decision as a caller sends it: the ids, or a filter resolved on the server at the moment of deciding.</summary>
public sealed record BulkDecision(IReadOnlyList<long>? Ids, SuggestionFilter? Filter, string? Reason);

public enum SuggestionOrder
{
    Oldest,
    Newest,
    LargestQty,
}

/// <summary>The approval list: every pending suggestion's count, the filter's matches and the first rows of them.</summary>
public sealed record SuggestionList(int Pending, int Matching, IReadOnlyList<Suggestion> Rows);

/// <summary>The task list's filters as a caller sends them (text from a query string).</summary>
public sealed record TaskListInput(string? Status, string? WorkerId);

public sealed record WorkerThroughput(string WorkerId, int CompletedToday, int Assigned);

public sealed record DispatchBoard(int Ready, int Assigned, int CompletedToday, int PendingSuggestions,
    IReadOnlyList<DispatchTask> ReadyTasks, IReadOnlyList<DispatchTask> AssignedTasks, IReadOnlyList<DispatchTask> CompletedTasks,
    IReadOnlyList<WorkerThroughput> Workers);

public sealed record DecisionOutcome(IReadOnlyList<long> Decided, IReadOnlyDictionary<long, string> Refused);

/// <summary>Suggestions in, decisions by supervisors, tasks out to workers: every command audited, every move checked.</summary>
public sealed class DispatchService(IDbContextFactory<OpsDbContext> contexts, DispatchClaimQueue claims, IOpsEventStream events, RuntimeSettings settings,
    DispatchMetrics metrics, TimeProvider time, AccountGate gate)
{
    public const int MaxWorkerIdLength = 128;
    public const int MaxBatch = 10_000;

    /// <summary>Every pending suggestion, oldest first (the seed's GET /suggestions).</summary>
    public async Task<IReadOnlyList<Suggestion>> PendingSuggestionsAsync(CancellationToken ct = default) =>
        (await PendingSuggestionsAsync(new SuggestionFilter(), SuggestionOrder.Oldest, int.MaxValue, ct)).Rows;

    /// <summary>
    /// The approval list: how many suggestions are pending, how many of them the filter matches, and the first
    /// <paramref name="limit"/> of those in the chosen order.
    /// </summary>
    public async Task<SuggestionList> PendingSuggestionsAsync(SuggestionFilter filter, SuggestionOrder order, int limit, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var pending = await db.Suggestions.CountAsync(s => s.Status == SuggestionStatus.Pending, ct);
        var matching = db.Suggestions.AsNoTracking().Where(filter.Predicate(time.GetUtcNow().UtcDateTime));
        var count = filter.IsEmpty ? pending : await matching.CountAsync(ct);
        var ordered = order switch
        {
            SuggestionOrder.Newest => matching.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id),
            SuggestionOrder.LargestQty => matching.OrderByDescending(s => s.Qty).ThenBy(s => s.CreatedAt).ThenBy(s => s.Id),
            _ => matching.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id),
        };
        return new SuggestionList(pending, count, await ordered.Take(limit).ToListAsync(ct));
    }

    /// <summary>
    /// Decides every pending suggestion the filter matches (up to <see cref="MaxBatch"/>, oldest first), resolved on
    /// the server at the moment of the decision.
    /// </summary>
    public async Task<OpsResult<DecisionOutcome>> DecideMatchingAsync(Actor actor, SuggestionFilter filter, bool approve, string? reason, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Supervise, ct);
        var errors = new FieldErrors();
        filter.Validate(errors);
        if (!approve && ReasonError(reason) is { } reasonError)
        {
            errors.Add("reason", reasonError);
        }
        if (errors.Any)
        {
            return errors.ToResult<DecisionOutcome>();
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var ids = await db.Suggestions.AsNoTracking().Where(filter.Predicate(time.GetUtcNow().UtcDateTime))
            .OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).Select(s => s.Id).Take(MaxBatch).ToListAsync(ct);
        return OpsResult<DecisionOutcome>.Ok(ids.Count == 0 ? new DecisionOutcome([], new Dictionary<long, string>()) : await DecideAsync(actor, ids, approve, reason, ct));
    }

    /// <summary>
    /// A bulk approval or rejection as the API takes it: either a list of ids (up to <see cref="MaxBatch"/>) or a filter,
    /// not both; a rejection needs a reason.
    /// </summary>
    public async Task<OpsResult<DecisionOutcome>> DecideBulkAsync(Actor actor, BulkDecision request, bool approve, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Supervise, ct);
        if (request.Filter is { } filter)
        {
            return request.Ids is not null
                ? OpsResult<DecisionOutcome>.Invalid("ids", "Send either ids or filter, not both.")
                : await DecideMatchingAsync(actor, filter, approve, request.Reason, ct);
        }
        var errors = new FieldErrors();
        if (request.Ids is not { Count: > 0 and <= MaxBatch })
        {
            errors.Add("ids", $"ids must list between 1 and {MaxBatch} suggestion ids (or send a filter).");
        }
        if (!approve && ReasonError(request.Reason) is { } reasonError)
        {
            errors.Add("reason", reasonError);
        }
        return errors.Any ? errors.ToResult<DecisionOutcome>() : OpsResult<DecisionOutcome>.Ok(await DecideAsync(actor, request.Ids!, approve, request.Reason, ct));
    }

    /// <summary>Validates every suggestion first; stores all of them or none (the ML engine's and admins' API).</summary>
    public async Task<OpsResult<IReadOnlyList<Suggestion>>> SubmitAsync(Actor actor, IReadOnlyList<NewSuggestion> batch, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.PostSuggestions, ct);
        return await StoreSuggestionsAsync(actor, batch, ct);
    }

    /// <summary>As <see cref="SubmitAsync"/>, for a caller that checked its own policy (the supervisors' CSV import).</summary>
    internal async Task<OpsResult<IReadOnlyList<Suggestion>>> StoreSuggestionsAsync(Actor actor, IReadOnlyList<NewSuggestion> batch, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (batch.Count == 0 || batch.Count > MaxBatch)
        {
            errors.Add("body", $"Send between 1 and {MaxBatch} suggestions.");
        }
        for (var i = 0; i < batch.Count && i < MaxBatch; i++)
        {
            Validate(errors, batch.Count == 1 ? "" : $"[{i}].", batch[i]);
        }
        if (errors.Any)
        {
            return errors.ToResult<IReadOnlyList<Suggestion>>();
        }
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            var rows = batch.Select(s => new Suggestion
            {
                FromStationId = s.FromStationId!.Value,
                ToStationId = s.ToStationId!.Value,
                Qty = s.Qty!.Value,
                Reason = string.IsNullOrWhiteSpace(s.Reason) ? null : s.Reason.Trim(),
                CreatedAt = now.UtcDateTime,
                Status = SuggestionStatus.Pending,
            }).ToList();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.Suggestions.AddRange(rows);
            await db.SaveChangesAsync(ct);
            // The ids exist once the rows are inserted; the audit line that names them commits in the same transaction.
            db.Audit(actor, now, DispatchModule.Name, "suggestion.create", "Suggestion", rows.Count == 1 ? rows[0].Id.ToString() : $"{rows.Count} suggestions", null,
                rows.Count == 1
                    ? new { rows[0].FromStationId, rows[0].ToStationId, rows[0].Qty, rows[0].Reason }
                    : new
                    {
                        Count = rows.Count,
                        FirstId = rows.Min(r => r.Id),
                        LastId = rows.Max(r => r.Id),
                        // Every id while the line stays readable; a bigger batch is found by its id range.
                        Ids = rows.Count <= 200 ? rows.Select(r => r.Id).ToList() : null,
                        Reasons = rows.Select(r => r.Reason).Distinct().Take(20).ToList(),
                    });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return rows;
        });
        metrics.Suggestions.Add(rows.Count);
        events.Publish(new SuggestionsChanged(rows.Select(r => r.Id).ToList(), SuggestionStatus.Pending));
        return OpsResult<IReadOnlyList<Suggestion>>.Ok(rows);
    }

    public static void Validate(FieldErrors errors, string prefix, NewSuggestion s)
    {
        StationId(errors, prefix, "from_station_id", s.FromStationId);
        StationId(errors, prefix, "to_station_id", s.ToStationId);
        if (s.FromStationId is > 0 && s.FromStationId == s.ToStationId)
        {
            errors.Add(prefix + "to_station_id", "to_station_id must differ from from_station_id.");
        }
        if (s.Qty is null)
        {
            errors.Add(prefix + "qty", "qty is required.");
        }
        else if (s.Qty < 1)
        {
            errors.Add(prefix + "qty", "qty must be at least 1.");
        }
        else if (s.Qty > 1000)
        {
            errors.Add(prefix + "qty", "qty must be at most 1000.");
        }
        errors.MaxLength(prefix + "reason", s.Reason, Suggestion.MaxReasonLength);
    }

    /// <summary>A missing id is reported as missing (a misspelt field name arrives as one), a bad one as bad.</summary>
    private static void StationId(FieldErrors errors, string prefix, string field, int? id)
    {
        if (id is null)
        {
            errors.Add(prefix + field, $"{field} is required.");
        }
        else if (id < 1)
        {
            errors.Add(prefix + field, $"{field} must be a positive station id.");
        }
    }

    /// <summary>Approve: the suggestion becomes a ready task, in one transaction.</summary>
    public async Task<OpsResult<DispatchTask>> ApproveAsync(Actor actor, long? suggestionId, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Supervise, ct);
        if (suggestionId is not { } id)
        {
            return OpsResult<DispatchTask>.Invalid("suggestion_id", "suggestion_id is required.");
        }
        var outcome = await DecideAsync(actor, [id], approve: true, reason: null, ct);
        return await SingleAsync(outcome, id, () => LoadTaskForSuggestionAsync(id, ct));
    }

    public async Task<OpsResult<Suggestion>> RejectAsync(Actor actor, long suggestionId, string? reason, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Supervise, ct);
        if (ReasonError(reason) is { } error)
        {
            return OpsResult<Suggestion>.Invalid("reason", error);
        }
        var outcome = await DecideAsync(actor, [suggestionId], approve: false, reason, ct);
        return await SingleAsync(outcome, suggestionId, async () =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            return await db.Suggestions.AsNoTracking().SingleAsync(s => s.Id == suggestionId, ct);
        });
    }

    public static string? ReasonError(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? "reason is required when rejecting."
        : reason.Length > Suggestion.MaxReasonLength ? $"reason must be at most {Suggestion.MaxReasonLength} characters." : null;

    /// <summary>
    /// Decides many suggestions in one transaction, set-based (10,000 at once in well under 3 s): the pending ones
    /// are decided, the others are reported with their state. A suggestion someone else decided meanwhile is
    /// reported, not decided twice: the update only touches rows still pending, and if fewer rows moved than were
    /// read as pending, the whole decision is rolled back and reported as a conflict.
    /// </summary>
    public async Task<DecisionOutcome> DecideAsync(Actor actor, IReadOnlyCollection<long> ids, bool approve, string? reason, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Supervise, ct);
        var now = time.GetUtcNow();
        var decidedAt = now.UtcDateTime;
        var move = approve ? SuggestionMove.Approve : SuggestionMove.Reject;
        var from = DispatchTransitions.Suggestion.OnlyFrom(move);
        var status = DispatchTransitions.Suggestion.To(move);
        var rejectReason = approve ? null : reason!.Trim();
        var wanted = ids.Distinct().ToList();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var refused = new Dictionary<long, string>();
            var decided = new List<long>(wanted.Count);
            foreach (var chunk in wanted.Chunk(1000))
            {
                var found = await db.Suggestions.AsNoTracking().Where(s => chunk.Contains(s.Id)).Select(s => new { s.Id, s.Status }).ToListAsync(ct);
                var foundIds = found.Select(s => s.Id).ToHashSet();
                foreach (var id in chunk.Where(id => !foundIds.Contains(id)))
                {
                    refused[id] = "not found";
                }
                foreach (var s in found.Where(s => !DispatchTransitions.Suggestion.CanApply(s.Status, move)))
                {
                    refused[s.Id] = $"already {s.Status.Wire()}";
                }
                var pending = found.Where(s => DispatchTransitions.Suggestion.CanApply(s.Status, move)).Select(s => s.Id).ToList();
                if (pending.Count == 0)
                {
                    continue;
                }
                var moved = await db.Suggestions.Where(s => pending.Contains(s.Id) && s.Status == from)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, status).SetProperty(s => s.DecidedBy, actor.Name)
                        .SetProperty(s => s.DecidedAt, decidedAt).SetProperty(s => s.RejectReason, rejectReason), ct);
                if (moved != pending.Count)
                {
                    await tx.RollbackAsync(ct);
                    return new DecisionOutcome([], wanted.ToDictionary(id => id, id => refused.GetValueOrDefault(id) ?? "decided by someone else meanwhile"));
                }
                if (approve)
                {
                    await InsertTasksAsync(db, pending, actor.Name, decidedAt, ct);
                }
                decided.AddRange(pending);
            }
            if (decided.Count > 0)
            {
                var action = approve ? "suggestion.approve" : "suggestion.reject";
                db.Audit(actor, now, DispatchModule.Name, action, "Suggestion", decided.Count == 1 ? decided[0].ToString() : $"{decided.Count} suggestions",
                    new { Status = from.Wire() }, decided.Count == 1 ? new { Status = status.Wire(), Reason = reason } : new { Count = decided.Count, Reason = reason });
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
            if (decided.Count > 0)
            {
                metrics.Decisions.Add(decided.Count, new KeyValuePair<string, object?>("outcome", status.Wire()));
                events.Publish(new SuggestionsChanged(decided, status));
                if (approve)
                {
                    events.Publish(new DispatchTasksChanged(decided, null, DispatchTaskStatus.Ready));
                }
            }
            return new DecisionOutcome(decided, refused);
        });
    }

    /// <summary>One INSERT … SELECT per chunk: each approved suggestion becomes a ready task (unique per suggestion).</summary>
    private static Task InsertTasksAsync(OpsDbContext db, List<long> suggestionIds, string approvedBy, DateTime createdAt, CancellationToken ct)
    {
        var idList = string.Join(", ", suggestionIds.Select((_, i) => $"{{{i + 2}}}"));
        var sql = $$"""
            INSERT INTO "{{DispatchClaimer.Table}}" ("FromStationId", "ToStationId", "Qty", "Reason", "Status", "CreatedAt", "ApprovedBy", "SuggestionId")
            SELECT "FromStationId", "ToStationId", "Qty", "Reason", 'ready', {0}, {1}, "Id" FROM "dispatch_suggestions"
            WHERE "Id" IN ({{idList}})
            ORDER BY "CreatedAt", "Id"
            """;
        return db.Database.ExecuteSqlRawAsync(sql, [createdAt, approvedBy, .. suggestionIds.Cast<object>()], ct);
    }

    /// <summary>
    /// Claims the oldest ready task for a worker and writes the audit entry in the same transaction, so a crash can
    /// never leave an assignment nobody recorded (or a record of an assignment that did not happen). Concurrent
    /// claims share a transaction (<see cref="DispatchClaimQueue"/>).
    /// </summary>
    public async Task<OpsResult<DispatchTask>> NextAsync(Actor actor, string? workerId, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Dispatch, ct);
        if (string.IsNullOrWhiteSpace(workerId) || workerId.Length > MaxWorkerIdLength)
        {
            return OpsResult<DispatchTask>.Invalid("worker_id", $"worker_id is required (at most {MaxWorkerIdLength} characters).");
        }
        var task = await claims.ClaimAsync(actor, workerId.Trim(), ct);
        metrics.Claims.Add(1, new KeyValuePair<string, object?>("outcome", task is null ? "none_ready" : "assigned"));
        return task is null ? OpsResult<DispatchTask>.NotFound("No task is ready.") : OpsResult<DispatchTask>.Ok(task);
    }

    /// <summary>Completes an assigned task; a worker id, when given, must be the one it is assigned to.</summary>
    public Task<OpsResult<DispatchTask>> CompleteAsync(Actor actor, long taskId, string? workerId, CancellationToken ct = default)
    {
        if (workerId?.Length > MaxWorkerIdLength)
        {
            return Task.FromResult(OpsResult<DispatchTask>.Invalid("worker_id", $"worker_id must be at most {MaxWorkerIdLength} characters."));
        }
        return MoveTaskAsync(actor, taskId, DispatchTaskMove.Complete, "task.complete", t =>
        {
            if (!string.IsNullOrWhiteSpace(workerId) && !string.Equals(workerId.Trim(), t.WorkerId, StringComparison.Ordinal))
            {
                return $"Task {t.Id} is assigned to {t.WorkerId}, not {workerId.Trim()}.";
            }
            t.CompletedAt = time.GetUtcNow().UtcDateTime;
            return null;
        }, ct);
    }

    /// <summary>A supervisor takes a stuck task back: it is ready for the next worker.</summary>
    public Task<OpsResult<DispatchTask>> UnassignAsync(Actor actor, long taskId, CancellationToken ct = default) =>
        MoveTaskAsync(actor, taskId, DispatchTaskMove.Unassign, "task.unassign", t =>
        {
            t.WorkerId = null;
            t.AssignedAt = null;
            return null;
        }, ct);

    /// <summary>
    /// The task board: counts per state, the lists (capped), completed today (UTC) and per-worker throughput. With a
    /// worker, the assigned and completed lists hold only that worker's tasks (the counts and the rest stay whole).
    /// </summary>
    public async Task<DispatchBoard> BoardAsync(int listLimit = 200, CancellationToken ct = default, string? workerId = null)
    {
        var today = time.GetUtcNow().UtcDateTime.Date;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var tasks = db.DispatchTasks.AsNoTracking();
        var ready = await tasks.CountAsync(t => t.Status == DispatchTaskStatus.Ready, ct);
        var assigned = await tasks.CountAsync(t => t.Status == DispatchTaskStatus.Assigned, ct);
        var completedToday = await tasks.CountAsync(t => t.Status == DispatchTaskStatus.Completed && t.CompletedAt >= today, ct);
        var pending = await db.Suggestions.CountAsync(s => s.Status == SuggestionStatus.Pending, ct);
        if (listLimit <= 0)
        {
            return new DispatchBoard(ready, assigned, completedToday, pending, [], [], [], []);
        }
        var readyList = await tasks.Where(t => t.Status == DispatchTaskStatus.Ready).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Take(listLimit).ToListAsync(ct);
        var worker = workerId?.Trim();
        var mine = string.IsNullOrEmpty(worker) ? tasks : tasks.Where(t => t.WorkerId == worker);
        var assignedList = await mine.Where(t => t.Status == DispatchTaskStatus.Assigned).OrderBy(t => t.AssignedAt).ThenBy(t => t.Id).Take(listLimit).ToListAsync(ct);
        var completedList = await mine.Where(t => t.Status == DispatchTaskStatus.Completed && t.CompletedAt >= today)
            .OrderByDescending(t => t.CompletedAt).Take(listLimit).ToListAsync(ct);
        var done = await tasks.Where(t => t.Status == DispatchTaskStatus.Completed && t.CompletedAt >= today && t.WorkerId != null)
            .GroupBy(t => t.WorkerId!).Select(g => new { Worker = g.Key, Count = g.Count() }).ToListAsync(ct);
        var holding = await tasks.Where(t => t.Status == DispatchTaskStatus.Assigned && t.WorkerId != null)
            .GroupBy(t => t.WorkerId!).Select(g => new { Worker = g.Key, Count = g.Count() }).ToListAsync(ct);
        var workers = done.Select(d => d.Worker).Union(holding.Select(h => h.Worker))
            .Select(w => new WorkerThroughput(w, done.FirstOrDefault(d => d.Worker == w)?.Count ?? 0, holding.FirstOrDefault(h => h.Worker == w)?.Count ?? 0))
            .OrderByDescending(w => w.CompletedToday).ThenBy(w => w.WorkerId).ToList();
        return new DispatchBoard(ready, assigned, completedToday, pending, readyList, assignedList, completedList, workers);
    }

    /// <summary>The task list as the API asks for it: its filters are checked and each error names its field.</summary>
    public async Task<OpsResult<Page<DispatchTask>>> TasksAsync(TaskListInput input, PageRequest page, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var status = errors.OptionalChoice<DispatchTaskStatus>("status", input.Status);
        var worker = errors.OptionalText("worker_id", input.WorkerId, MaxWorkerIdLength);
        return errors.Any ? errors.ToResult<Page<DispatchTask>>() : OpsResult<Page<DispatchTask>>.Ok(await TasksAsync(status, worker, page, ct));
    }

    public async Task<Page<DispatchTask>> TasksAsync(DispatchTaskStatus? status, string? workerId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.DispatchTasks.AsNoTracking();
        if (status is { } s)
        {
            query = query.Where(t => t.Status == s);
        }
        if (!string.IsNullOrWhiteSpace(workerId))
        {
            query = query.Where(t => t.WorkerId == workerId.Trim());
        }
        return await query.PageAsync(q => q.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id), page, ct);
    }

    /// <summary>
    /// The lease of the Dispatch settings (runtime; `Dispatch:LeaseMinutes` is its default) &gt; 0:
    /// <see cref="ReclaimExpiredAsync(TimeSpan, CancellationToken)"/> with that lease; off at 0.
    /// </summary>
    public async Task<IReadOnlyList<long>> ReclaimExpiredAsync(CancellationToken ct = default)
    {
        var lease = (await settings.ReadAsync(DispatchModule.Name, ct)).Number(DispatchSettings.LeaseMinutesKey);
        return lease > 0 ? await ReclaimExpiredAsync(TimeSpan.FromMinutes(lease), ct) : [];
    }

    /// <summary>
    /// Returns tasks assigned longer than the lease to ready (a worker whose phone died keeps no bikes hostage).
    /// Each return is audited and announced as "reclaimed".
    /// </summary>
    public async Task<IReadOnlyList<long>> ReclaimExpiredAsync(TimeSpan lease, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var cutoff = (now - lease).UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var from = DispatchTransitions.Task.OnlyFrom(DispatchTaskMove.Reclaim);
        var expired = await db.DispatchTasks.Where(t => t.Status == from && t.AssignedAt < cutoff).ToListAsync(ct);
        foreach (var task in expired)
        {
            var to = DispatchTransitions.Task.Apply(task.Status, DispatchTaskMove.Reclaim, $"Task {task.Id}").To;
            db.Audit(Actor.System, now, DispatchModule.Name, "task.reclaim", "DispatchTask", task.Id.ToString(),
                new { Status = task.Status.Wire(), task.WorkerId, task.AssignedAt }, new { Status = to.Wire(), Lease = lease.ToString() });
            task.Status = to;
            task.WorkerId = null;
            task.AssignedAt = null;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Completed or unassigned meanwhile: the next pass looks again.
            return [];
        }
        if (expired.Count > 0)
        {
            metrics.TaskMoves.Add(expired.Count, new KeyValuePair<string, object?>("move", "reclaim"));
            events.Publish(new DispatchTasksChanged(expired.Select(t => t.Id).ToList(), DispatchTaskMove.Reclaim, DispatchTaskStatus.Ready));
        }
        return expired.Select(t => t.Id).ToList();
    }

    /// <summary>
    /// One move of one task: the transition table decides whether it is allowed (409 naming the allowed moves if not),
    /// <paramref name="apply"/> checks what else the move needs and sets its fields, and the change and its audit entry
    /// are saved together.
    /// </summary>
    private async Task<OpsResult<DispatchTask>> MoveTaskAsync(Actor actor, long taskId, DispatchTaskMove move, string action,
        Func<DispatchTask, string?> apply, CancellationToken ct)
    {
        await gate.EnsureAsync(actor, move == DispatchTaskMove.Unassign ? OpsPolicies.Supervise : OpsPolicies.Dispatch, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var task = await db.DispatchTasks.SingleOrDefaultAsync(t => t.Id == taskId, ct);
        if (task is null)
        {
            return OpsResult<DispatchTask>.NotFound($"No task {taskId}.");
        }
        var before = new { Status = task.Status.Wire(), task.WorkerId };
        var transition = DispatchTransitions.Task.Apply(task.Status, move, $"Task {task.Id}");
        if (!transition.Allowed)
        {
            return OpsResult<DispatchTask>.Conflict(transition.Refusal!);
        }
        if (apply(task) is { } refusal)
        {
            return OpsResult<DispatchTask>.Conflict(refusal);
        }
        task.Status = transition.To;
        db.Audit(actor, time.GetUtcNow(), DispatchModule.Name, action, "DispatchTask", task.Id.ToString(), before,
            new { Status = task.Status.Wire(), task.WorkerId });
        try
        {
            // The status is a concurrency token: this saves only if nobody moved the task since it was read.
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return OpsResult<DispatchTask>.Conflict($"Task {taskId} changed meanwhile; look again.");
        }
        metrics.TaskMoves.Add(1, new KeyValuePair<string, object?>("move", move.Wire()));
        events.Publish(new DispatchTasksChanged([task.Id], move, task.Status));
        return OpsResult<DispatchTask>.Ok(task);
    }

    private async Task<DispatchTask> LoadTaskForSuggestionAsync(long suggestionId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.DispatchTasks.AsNoTracking().SingleAsync(t => t.SuggestionId == suggestionId, ct);
    }

    private static async Task<OpsResult<T>> SingleAsync<T>(DecisionOutcome outcome, long id, Func<Task<T>> load)
    {
        if (outcome.Refused.TryGetValue(id, out var why))
        {
            return why == "not found" ? OpsResult<T>.NotFound($"No suggestion {id}.") : OpsResult<T>.Conflict($"Suggestion {id} is {why}.");
        }
        return OpsResult<T>.Ok(await load());
    }
}
