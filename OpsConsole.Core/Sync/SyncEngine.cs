using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Core.Sync;

/// <summary>
/// Runs a connection: reads both sides (changed since each side's cursor minus the overlap, all pages), pairs the items,
/// decides each item (<see cref="SyncChangeDetector"/>) and, in a real run, carries the decisions out item by item:
/// each pushed item's pairing, bases and history line are committed together, creates go through an intent row and a
/// marker. A dry run takes the same path up to the writes and keeps the plan instead (ADR 0034).
/// </summary>
public sealed class SyncEngine(IDbContextFactory<OpsDbContext> contexts, TaskSystemAdapters adapters, AccountGate gate, IOpsEventStream events,
    SyncMetrics metrics, SyncOptions options, TimeProvider time, ILogger<SyncEngine> logger, SyncRunLeases runLeases, SyncItemRetries itemRetries) : ISyncCaller
{
    /// <summary>How many 429s in a row one call takes before it fails (each waits in the system's token bucket, <see cref="SyncRateLimits"/>).</summary>
    public const int RateLimitTries = 8;

    /// <summary>
    /// An operator (or the bot, or a webhook) runs a connection now, under its lease (<see cref="SyncRunLeases"/>): 409 with
    /// the running run's id while one runs, here or on another instance.
    /// </summary>
    public Task<OpsResult<SyncRun>> RunAsync(Actor actor, long connectionId, SyncTrigger trigger = SyncTrigger.Manual, CancellationToken ct = default) =>
        RunAsync(actor, connectionId, trigger, SyncRunOptions.None, ct);

    /// <summary>A run of only these items (source ids, a webhook's); such a run does not move the connection's cursors.</summary>
    public Task<OpsResult<SyncRun>> RunAsync(Actor actor, long connectionId, SyncTrigger trigger, IReadOnlyCollection<string>? onlyItems, CancellationToken ct) =>
        RunAsync(actor, connectionId, trigger, SyncRunOptions.None with { OnlyItems = onlyItems }, ct);

    /// <summary>A run with options (ADR 0037): applying a plan instead of reading afresh, an admin's confirmation of a stopped mass archive, linking, only some items.</summary>
    public async Task<OpsResult<SyncRun>> RunAsync(Actor actor, long connectionId, SyncTrigger trigger, SyncRunOptions runOptions, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        if (runOptions.ConfirmDeletes)
        {
            await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        }
        SyncConnection? connection;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            connection = await db.SyncConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == connectionId, ct);
        }
        if (connection is null)
        {
            return OpsResult<SyncRun>.NotFound($"No sync connection {connectionId}.");
        }
        if (SyncLinking.Invalid(connection, runOptions.LinkBy) is { } invalidLink)
        {
            return OpsResult<SyncRun>.Invalid("link_by", invalidLink);
        }
        await using var lease = await runLeases.TryAcquireAsync(connectionId, ct);
        if (lease is null)
        {
            var runningId = await runLeases.RunningRunIdAsync(connectionId, ct);
            return OpsResult<SyncRun>.Conflict(runningId is { } id ? $"Connection {connectionId} has run {id} under way." : $"Connection {connectionId} has a run starting.",
                new Dictionary<string, object?> { ["running_run_id"] = runningId });
        }
        await runLeases.CloseAbandonedAsync(connectionId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var run = new SyncRun { ConnectionId = connectionId, Trigger = trigger, RequestedBy = actor.Name, QueuedAt = now, PlanId = runOptions.Plan?.Id };
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            db.SyncRuns.Add(run);
            db.Audit(actor, now, SyncModule.Name, "run.start", nameof(SyncConnection), connectionId.ToString(), null,
                new { trigger = trigger.Wire(), plan = runOptions.Plan?.Id, confirm_deletes = runOptions.ConfirmDeletes, items = runOptions.OnlyItems?.Count });
            await db.SaveChangesAsync(ct);
        }
        // The run stops when its lease is lost (taken over after a stall): another run may be under way by then.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, lease.Lost);
        await ExecuteAsync(connection, run, runOptions, stop.Token);
        return OpsResult<SyncRun>.Ok(run);
    }

    /// <summary>
    /// An operator's dry run: the same reads and decisions as a run, no write to either side; only the plan (with an
    /// id) and an audit line are written.
    /// </summary>
    public Task<OpsResult<SyncPlan>> DryRunAsync(Actor actor, long connectionId, CancellationToken ct = default) =>
        DryRunAsync(actor, connectionId, SyncRunOptions.None, ct);

    /// <summary>A dry run with a first run's option (<see cref="SyncRunOptions.LinkBy"/>): the links show as adds with a "link:" note.</summary>
    public async Task<OpsResult<SyncPlan>> DryRunAsync(Actor actor, long connectionId, SyncRunOptions runOptions, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connection = await db.SyncConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == connectionId, ct);
        if (connection is null)
        {
            return OpsResult<SyncPlan>.NotFound($"No sync connection {connectionId}.");
        }
        if (SyncLinking.Invalid(connection, runOptions.LinkBy) is { } invalidLink)
        {
            return OpsResult<SyncPlan>.Invalid("link_by", invalidLink);
        }
        Snapshot snapshot;
        try
        {
            snapshot = await ReadAsync(connection, runOptions with { Plan = null }, ct);
        }
        catch (TaskSystemException ex)
        {
            return OpsResult<SyncPlan>.Unavailable($"The dry run could not read the task systems: {ex.Message}");
        }
        var items = snapshot.Work.Select(w => w.Plan).ToList();
        var now = time.GetUtcNow().UtcDateTime;
        var plan = new SyncPlan
        {
            ConnectionId = connectionId, CreatedBy = actor.Name, CreatedAt = now, Items = items,
            Adds = items.Count(i => i.Action == SyncAction.Add), Updates = items.Count(i => i.Action == SyncAction.Update),
            Skips = items.Count(i => i.Action == SyncAction.Skip), Conflicts = items.Count(i => i.Action == SyncAction.Conflict),
            Archives = items.Count(i => i.Action == SyncAction.Archive),
            Warning = runOptions.ConfirmDeletes ? null : SyncDeleteGuard.PlanWarning(snapshot, options),
        };
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.SyncPlans.Add(plan);
            await db.SaveChangesAsync(ct);
            db.Audit(actor, now, SyncModule.Name, "dry-run", nameof(SyncPlan), plan.Id.ToString(), null,
                new { connection = connectionId, plan.Adds, plan.Updates, plan.Skips, plan.Conflicts, plan.Archives });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        events.Publish(new SyncPlanMade(connectionId, plan.Id));
        return OpsResult<SyncPlan>.Ok(plan);
    }

    private async Task ExecuteAsync(SyncConnection connection, SyncRun run, SyncRunOptions runOptions, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var healthBefore = connection.Health;
        var onlyItems = runOptions.OnlyItems?.ToHashSet(StringComparer.Ordinal);
        try
        {
            await MoveAsync(run, SyncRunMove.Start, connection, SyncConnectionHealth.Syncing, null, null, ct);
            Snapshot snapshot;
            try
            {
                snapshot = await ReadAsync(connection, runOptions, ct);
            }
            catch (TaskSystemException ex)
            {
                // A failed or partial read pushes nothing and archives nothing: the run fails as a whole. A connection
                // error (credentials, shape) fails every run the same way, so the connection is paused, saying why.
                logger.LogWarning("Sync run {Run} of connection {Connection} could not read: {Error}", run.Id, connection.Id, ex.Message);
                var pause = SyncConnectionErrors.PauseReason(ex);
                await MoveAsync(run, SyncRunMove.Fail, connection, SyncConnectionHealth.UnableToSync, Trim(pause is null ? ex.Message : $"{ex.Message} {pause}"),
                    null, ct, pause);
                return;
            }
            var retries = await itemRetries.ForRunAsync(connection.Id, ct);
            var work = onlyItems is null ? snapshot.Work : snapshot.Work.Where(w => onlyItems.Contains(w.SourceId)).ToList();
            run.Planned = work.Count;
            if (SyncDeleteGuard.Refusal(snapshot, options, runOptions.ConfirmDeletes) is { } refusal)
            {
                // Stopped before any write: an admin confirms (confirm_deletes) or the source is looked at first.
                await MoveAsync(run, SyncRunMove.Fail, connection, SyncConnectionHealth.UnableToSync, refusal, null, ct);
                return;
            }
            var source = adapters.For(connection.Source);
            var destination = adapters.For(connection.Destination);
            var heldBack = false;
            foreach (var item in work)
            {
                ct.ThrowIfCancellationRequested();
                if (retries.Holds(item.SourceId, item.Source) is { } hold)
                {
                    // Left for later (backoff) or for someone (needs attention); a backoff keeps the cursor where it is.
                    heldBack |= hold == SyncItemHold.Backoff;
                    run.Skipped++;
                    continue;
                }
                var action = await CarryOutAsync(connection, run, item, source, destination, ct);
                await retries.RecordAsync(run, item.SourceId, item.Pair?.DestinationId, item.Source, action, ct);
                metrics.Items.Add(1, new KeyValuePair<string, object?>("action", action.Wire()));
                switch (action)
                {
                    case SyncAction.Add: run.Added++; break;
                    case SyncAction.Update: run.Updated++; break;
                    case SyncAction.Skip: run.Skipped++; break;
                    case SyncAction.Conflict: run.Conflicted++; break;
                    case SyncAction.Archive: run.Archived++; break;
                    default: run.Failed++; break;
                }
            }
            // The cursors move only after every item is committed, not past an item that failed or waits for its next
            // try (it is read again), and not after a run limited to some items.
            var cursors = run.Failed == 0 && !heldBack && onlyItems is null
                ? (snapshot.SourceHighWater ?? connection.SourceCursor, snapshot.DestinationHighWater ?? connection.DestinationCursor) : ((DateTime?, DateTime?)?)null;
            var move = SyncTransitions.Finish(run);
            await MoveAsync(run, move, connection, move == SyncRunMove.Fail ? SyncConnectionHealth.UnableToSync : SyncConnectionHealth.Healthy,
                run.Failed > 0 ? $"{run.Failed} item(s) failed; see the run's items." : null, cursors, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped (shutdown, the caller gave up, or the lease was lost): what was committed stays; the next run goes on from there.
            logger.LogWarning("Sync run {Run} of connection {Connection} was cancelled.", run.Id, connection.Id);
            if (run.State is SyncRunState.Queued or SyncRunState.Running)
            {
                await MoveAsync(run, SyncRunMove.Cancel, connection, healthBefore, "Cancelled before it finished; the next run carries on from where it stopped.",
                    null, CancellationToken.None);
            }
        }
        metrics.Runs.Add(1, new KeyValuePair<string, object?>("state", run.State.Wire()));
        metrics.RunSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Moves the run through <see cref="SyncTransitions.Run"/>, with the connection's health (and cursors), and tells the stream.</summary>
    private async Task MoveAsync(SyncRun run, SyncRunMove move, SyncConnection connection, SyncConnectionHealth health, string? error,
        (DateTime? Source, DateTime? Destination)? cursors, CancellationToken ct, string? pauseReason = null)
    {
        var transition = SyncTransitions.Run.Apply(run.State, move, $"Run {run.Id}");
        if (!transition.Allowed)
        {
            throw new InvalidOperationException(transition.Refusal);
        }
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var row = await db.SyncRuns.SingleAsync(r => r.Id == run.Id, ct);
            row.State = transition.To;
            row.StartedAt = move == SyncRunMove.Start ? now : row.StartedAt;
            row.FinishedAt = move == SyncRunMove.Start ? null : now;
            (row.Planned, row.Added, row.Updated, row.Skipped, row.Conflicted, row.Failed, row.Archived, row.Error) =
                (run.Planned, run.Added, run.Updated, run.Skipped, run.Conflicted, run.Failed, run.Archived, error);
            var c = await db.SyncConnections.SingleAsync(x => x.Id == connection.Id, ct);
            if (pauseReason is not null && !c.Paused)
            {
                (c.Paused, c.PauseReason) = (true, pauseReason);
                db.Audit(Actor.System, now, SyncModule.Name, "connection.pause", nameof(SyncConnection), c.Id.ToString(), new { paused = false },
                    new { paused = true, reason = pauseReason, run = run.Id });
            }
            c.Health = c.Paused ? SyncConnectionHealth.Paused : health;
            if (cursors is { } moved)
            {
                (c.SourceCursor, c.DestinationCursor) = moved;
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            (run.State, run.StartedAt, run.FinishedAt, run.Error) = (row.State, row.StartedAt, row.FinishedAt, row.Error);
        });
        events.Publish(new SyncRunChanged(connection.Id, run.Id, run.State, run.Added, run.Updated, run.Skipped, run.Conflicted, run.Failed));
    }

    /// <summary>One item of a real run: its writes, then its pairing, bases and history line in one transaction. Returns what it did.</summary>
    private async Task<SyncAction> CarryOutAsync(SyncConnection connection, SyncRun run, ItemWork work, ITaskSystemAdapter source,
        ITaskSystemAdapter destination, CancellationToken ct)
    {
        var plan = work.Plan;
        try
        {
            switch (plan.Action)
            {
                case SyncAction.Add:
                    return await AddAsync(connection, run, work, destination, ct);
                case SyncAction.Archive:
                {
                    await RateLimitedAsync(() => destination.ArchiveAsync(work.Pair!.DestinationId, connection.DeletePolicy == DeletePolicy.Delete, ct), ct);
                    await CommitAsync(run, work, SyncAction.Archive, plan.Fields, null, pair => pair.Archived = true, ct);
                    return SyncAction.Archive;
                }
                case SyncAction.Skip when work.Decisions.Count == 0:
                    if (work.Recorded)
                    {
                        await CommitAsync(run, work, SyncAction.Skip, plan.Fields, plan.Note, null, ct);
                    }
                    return SyncAction.Skip;
                case SyncAction.Update:
                case SyncAction.Conflict:
                case SyncAction.Skip:
                    return await UpdateAsync(connection, run, work, source, destination, ct);
                default:
                    await CommitAsync(run, work, plan.Action, plan.Fields, plan.Note, null, ct);
                    return plan.Action;
            }
        }
        catch (TaskSystemException ex)
        {
            logger.LogInformation("Sync run {Run}: item {Item} failed: {Error}", run.Id, plan.SourceId, ex.Message);
            await CommitAsync(run, work, SyncAction.Error, plan.Fields, Trim(ex.Message), null, ct);
            return SyncAction.Error;
        }
    }

    private async Task<SyncAction> AddAsync(SyncConnection connection, SyncRun run, ItemWork work, ITaskSystemAdapter destination, CancellationToken ct)
    {
        var marker = connection.Marker(work.SourceId);
        var (fields, bases) = SyncChangeDetector.ForCreate(connection.FieldMap, work.Source!);
        if (work.LinkTo is { } existing)
        {
            // A first run's link: no create; the source's values go to the fields where the existing item differs
            // (the source is the system of record, as in the tie rule), and they are the bases (ADR 0037).
            var differing = fields.Where(f => SyncChangeDetector.Normalise(existing[f.Key]) != f.Value).ToDictionary(f => f.Key, f => f.Value);
            var linked = differing.Count == 0 ? existing
                : await RateLimitedAsync(() => destination.UpdateAsync(existing.Id, differing, ct), ct)
                  ?? throw new TaskSystemException($"The destination item {existing.Id} is gone.", uncertain: false);
            await CommitAddAsync(connection, run, work, linked, bases, intentId: 0, work.Plan.Note, ct);
            return SyncAction.Add;
        }
        var intent = work.Intent;
        if (intent is not null)
        {
            // An earlier create's outcome is unknown: look for what it may have made before making another.
            var found = await RateLimitedAsync(() => destination.SearchByMarkerAsync(marker, ct), ct);
            if (found.Count > 0)
            {
                var made = found.OrderBy(t => t.Id, StringComparer.Ordinal).First();
                await CommitAddAsync(connection, run, work, made, bases, intent.Id, "found by its marker after an uncertain create", ct);
                return SyncAction.Add;
            }
        }
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            if (intent is null)
            {
                intent = new SyncCreateIntent
                {
                    ConnectionId = connection.Id, SourceId = work.SourceId, Marker = marker, IdempotencyKey = Guid.NewGuid().ToString("N"),
                    RunId = run.Id, CreatedAt = time.GetUtcNow().UtcDateTime, Attempts = 1,
                };
                db.SyncCreateIntents.Add(intent);
            }
            else
            {
                db.SyncCreateIntents.Attach(intent);
                intent.Attempts++;
                intent.RunId = run.Id;
            }
            await db.SaveChangesAsync(ct);
        }
        RemoteTask created;
        try
        {
            created = await RateLimitedAsync(() => destination.CreateAsync(fields, marker, intent.IdempotencyKey, ct), ct);
        }
        catch (TaskSystemException ex) when (!ex.Uncertain)
        {
            // Refused for sure: nothing was made, so no marker needs looking for.
            await using var db = await contexts.CreateDbContextAsync(ct);
            await db.SyncCreateIntents.Where(i => i.Id == intent.Id).ExecuteDeleteAsync(ct);
            throw;
        }
        await CommitAddAsync(connection, run, work, created, bases, intent.Id, null, ct);
        return SyncAction.Add;
    }

    private async Task CommitAddAsync(SyncConnection connection, SyncRun run, ItemWork work, RemoteTask made, Dictionary<string, FieldBase> bases, long intentId,
        string? note, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.SyncPairs.Add(new SyncPair
            {
                ConnectionId = run.ConnectionId, SourceId = work.SourceId, DestinationId = made.Id, SourceVersion = work.Source!.Version,
                DestinationVersion = made.Version, Bases = bases, CreatedAt = now, UpdatedAt = now,
                SourceHash = SyncItemHash.Of(SyncItemHash.SourceFields(connection), work.Source!),
                DestinationHash = SyncItemHash.Of(SyncItemHash.DestinationFields(connection), made),
            });
            db.SyncRunItems.Add(new SyncRunItem
            {
                RunId = run.Id, ConnectionId = run.ConnectionId, SourceId = work.SourceId, DestinationId = made.Id, Action = SyncAction.Add,
                Fields = [.. work.Plan.Fields], Error = note, At = now,
            });
            await db.SyncCreateIntents.Where(i => i.Id == intentId).ExecuteDeleteAsync(ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
    }

    private async Task<SyncAction> UpdateAsync(SyncConnection connection, SyncRun run, ItemWork work, ITaskSystemAdapter source, ITaskSystemAdapter destination,
        CancellationToken ct)
    {
        var decisions = work.Decisions;
        var toDestination = decisions.Where(d => d.Outcome == FieldOutcome.ToDestination).ToDictionary(d => d.Mapping.Destination, d => d.DestinationValue);
        var toSource = decisions.Where(d => d.Outcome == FieldOutcome.ToSource).ToDictionary(d => d.Mapping.Source, d => d.SourceValue);
        var pair = work.Pair!;
        string? destinationVersion = pair.DestinationVersion, sourceVersion = pair.SourceVersion;
        RemoteTask? sourceNow = work.Source, destinationNow = work.Destination;
        if (toDestination.Count > 0)
        {
            var written = await RateLimitedAsync(() => destination.UpdateAsync(pair.DestinationId, toDestination, ct), ct)
                ?? throw new TaskSystemException($"The destination item {pair.DestinationId} is gone.", uncertain: false);
            destinationVersion = written.Version;
            destinationNow = written;
        }
        var sourceWritten = toSource.Count == 0;
        string? error = null;
        if (toSource.Count > 0)
        {
            try
            {
                var written = await RateLimitedAsync(() => source.UpdateAsync(pair.SourceId, toSource, ct), ct)
                    ?? throw new TaskSystemException($"The source item {pair.SourceId} is gone.", uncertain: false);
                sourceVersion = written.Version;
                sourceNow = written;
                sourceWritten = true;
            }
            catch (TaskSystemException ex)
            {
                // The destination's half is written: its bases are kept, the source's half is tried again next run.
                error = Trim(ex.Message);
            }
        }
        var bases = new Dictionary<string, FieldBase>(pair.Bases, StringComparer.Ordinal);
        foreach (var d in decisions.Where(d => d.Outcome != FieldOutcome.Held && (d.Outcome != FieldOutcome.ToSource || sourceWritten)))
        {
            bases[d.Mapping.Key] = d.NewBase;
        }
        var action = error is not null ? SyncAction.Error : work.Plan.Action;
        var changedBases = !bases.OrderBy(b => b.Key).SequenceEqual(pair.Bases.OrderBy(b => b.Key));
        // The hashes of both sides as they now stand, so that a re-read of them is dropped; none after a half-written
        // item (its source half is tried again, so it must be compared in full).
        var (sourceHash, destinationHash) = error is null && sourceNow is not null && destinationNow is not null
            ? (SyncItemHash.Of(SyncItemHash.SourceFields(connection), sourceNow), SyncItemHash.Of(SyncItemHash.DestinationFields(connection), destinationNow))
            : ((string?)null, (string?)null);
        if (action == SyncAction.Skip && !changedBases && (sourceHash, destinationHash) == (pair.SourceHash, pair.DestinationHash))
        {
            return SyncAction.Skip;
        }
        var conflicts = SyncConflicts.Open(run, work, time.GetUtcNow().UtcDateTime);
        await CommitAsync(run, work, action, work.Plan.Fields, error ?? work.Plan.Note, p =>
        {
            p.Bases = bases;
            (p.SourceVersion, p.DestinationVersion) = (sourceVersion, destinationVersion);
            (p.SourceHash, p.DestinationHash) = (sourceHash, destinationHash);
        }, ct, line: action != SyncAction.Skip, conflicts);
        foreach (var conflict in conflicts)
        {
            events.Publish(new SyncConflictChanged(conflict.ConnectionId, conflict.Id, conflict.State));
        }
        return action;
    }

    /// <summary>The item's history line and its pairing's change, in one transaction.</summary>
    private async Task CommitAsync(SyncRun run, ItemWork work, SyncAction action, IReadOnlyList<FieldDiff> fields, string? note, Action<SyncPair>? change,
        CancellationToken ct, bool line = true, IReadOnlyList<SyncConflict>? conflicts = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (change is not null && work.Pair is { } known)
            {
                var pair = await db.SyncPairs.SingleAsync(p => p.Id == known.Id, ct);
                change(pair);
                pair.UpdatedAt = now;
            }
            if (line)
            {
                db.SyncRunItems.Add(new SyncRunItem
                {
                    RunId = run.Id, ConnectionId = run.ConnectionId, SourceId = work.SourceId, DestinationId = work.Pair?.DestinationId,
                    Action = action, Fields = [.. fields], Error = note, At = now,
                });
            }
            // A manual conflict enters the review queue with the item's other fields (ADR 0037).
            db.SyncConflicts.AddRange(conflicts ?? []);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
    }

    /// <summary>Calls again after a 429, up to <see cref="RateLimitTries"/> times; the wait (Retry-After, then the learned rate) is the token bucket's, in the adapter.</summary>
    private static async Task<T> RateLimitedAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return await call();
            }
            catch (TaskSystemRateLimitedException) when (attempt < RateLimitTries)
            {
            }
        }
    }

    private static string Trim(string message) => message.Length <= SyncRun.MaxErrorLength ? message : message[..(SyncRun.MaxErrorLength - 1)] + "…";

    // ---- reading and deciding: shared by runs, dry runs and applied plans (SyncReader, ADR 0037) ----

    private SyncReader Reader => new(contexts, adapters, options, this);

    Task<T> ISyncCaller.CallAsync<T>(Func<Task<T>> call, CancellationToken ct) => RateLimitedAsync(call, ct);

    private Task<Snapshot> ReadAsync(SyncConnection connection, SyncRunOptions runOptions, CancellationToken ct) =>
        runOptions.Plan is { } plan ? Reader.RecheckAsync(connection, plan, ct) : Reader.ReadAsync(connection, runOptions.LinkBy, ct);
}
