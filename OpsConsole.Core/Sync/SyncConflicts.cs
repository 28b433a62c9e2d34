using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Core.Sync;

/// <summary>A supervisor's pick for one conflict: `source`, `destination`, or `value` with the value typed (in the source's vocabulary).</summary>
public sealed record ConflictResolution(string? Choice, string? Value = null);

/// <summary>
/// One conflict side by side: the base both sides left, each side's value in its own vocabulary and in the other's
/// (through the field's value map), and the mapped field (null when the map no longer has it).
/// </summary>
public sealed record ConflictDiff(SyncConflict Conflict, FieldMapping? Mapping, string? SourceAsDestination, string? DestinationAsSource)
{
    public static ConflictDiff Of(SyncConflict c, SyncConnection? connection)
    {
        var m = connection?.FieldMap.FirstOrDefault(f => f.Key == c.FieldKey);
        return new ConflictDiff(c, m, m is null ? null : SyncChangeDetector.ToDestination(m, c.SourceValue),
            m is null ? null : SyncChangeDetector.ToSource(m, c.DestinationValue));
    }
}

/// <summary>
/// The manual-conflict review queue (ADR 0037). Runs open conflicts (<see cref="Open"/>, in the item's own commit);
/// everyone who reads sees them; supervisors resolve one field at a time. A resolution is written to the side(s) that
/// lack the chosen value at once, then the field's base, the conflict and an audit line commit together, so the next
/// run finds both sides equal to the base and leaves the field alone.
/// </summary>
public sealed class SyncConflicts(IDbContextFactory<OpsDbContext> contexts, TaskSystemAdapters adapters, AccountGate gate, IOpsEventStream events,
    SyncRunLeases runLeases, TimeProvider time, ILogger<SyncConflicts> logger)
{
    public const int MaxPageSize = 500;

    /// <summary>How long a resolution waits for the connection's lease (a run or another resolution holding it) before it answers 409.</summary>
    public static readonly TimeSpan LeaseWait = TimeSpan.FromSeconds(5);

    /// <summary>The conflict rows for an item's decisions that are manual conflicts (none are open for those fields: the reader holds open ones).</summary>
    internal static IReadOnlyList<SyncConflict> Open(SyncRun run, ItemWork work, DateTime now) =>
        work.Pair is not { } pair || work.Source is null || work.Destination is null ? []
        : work.Decisions.Where(d => d.Outcome == FieldOutcome.Conflict).Select(d => new SyncConflict
        {
            ConnectionId = run.ConnectionId, PairId = pair.Id, SourceId = pair.SourceId, DestinationId = pair.DestinationId, FieldKey = d.Mapping.Key,
            BaseSource = Cap(pair.Bases.GetValueOrDefault(d.Mapping.Key)?.Source), BaseDestination = Cap(pair.Bases.GetValueOrDefault(d.Mapping.Key)?.Destination),
            SourceValue = Cap(d.SourceValue), DestinationValue = Cap(d.DestinationValue),
            SourceUpdatedAt = work.Source.UpdatedAt, DestinationUpdatedAt = work.Destination.UpdatedAt, RunId = run.Id, OpenedAt = now,
        }).ToList();

    private static string? Cap(string? value) => value is { Length: > SyncConflict.MaxValueLength } ? value[..SyncConflict.MaxValueLength] : value;

    /// <summary>A connection's (or every connection's) conflicts in one state, oldest first (the queue's order).</summary>
    public async Task<Page<SyncConflict>> ListAsync(long? connectionId, SyncConflictState state, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.SyncConflicts.AsNoTracking().Where(c => (connectionId == null || c.ConnectionId == connectionId) && c.State == state);
        var ordered = state == SyncConflictState.Open ? query.OrderBy(c => c.Id) : query.OrderByDescending(c => c.Id);
        return Page<SyncConflict>.Of(await ordered.Skip(page.Skip).Take(page.PageSize).ToListAsync(ct), await query.CountAsync(ct), page);
    }

    public async Task<int> OpenCountAsync(long? connectionId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.SyncConflicts.CountAsync(c => (connectionId == null || c.ConnectionId == connectionId) && c.State == SyncConflictState.Open, ct);
    }

    public async Task<ConflictDiff?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var conflict = await db.SyncConflicts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        return conflict is null ? null
            : ConflictDiff.Of(conflict, await db.SyncConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == conflict.ConnectionId, ct));
    }

    /// <summary>A supervisor resolves one conflict: 400 naming the field on bad input, 404, 409 when already resolved, 503 when a side could not be written (it stays open).</summary>
    public async Task<OpsResult<SyncConflict>> ResolveAsync(Actor actor, long id, ConflictResolution request, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Supervise, ct);
        var errors = new FieldErrors();
        var choice = errors.OptionalChoice<SyncConflictChoice>("choice", request.Choice);
        if (choice is null && !errors.Any)
        {
            errors.Add("choice", "choice is required: source, destination or value.");
        }
        if (choice == SyncConflictChoice.Value)
        {
            errors.MaxLength("value", request.Value, SyncConflict.MaxValueLength);
        }
        else if (request.Value is not null && choice is not null)
        {
            errors.Add("value", "value is only taken with choice value.");
        }
        if (errors.Any)
        {
            return errors.ToResult<SyncConflict>();
        }
        long connectionId;
        await using (var read = await contexts.CreateDbContextAsync(ct))
        {
            if (await read.SyncConflicts.AsNoTracking().Where(c => c.Id == id).Select(c => (long?)c.ConnectionId).SingleOrDefaultAsync(ct) is not { } found)
            {
                return OpsResult<SyncConflict>.NotFound($"No sync conflict {id}.");
            }
            connectionId = found;
        }
        // Under the connection's lease, across instances: a run must not commit the pair's old bases over the resolution's,
        // and two supervisors picking different values must not both write to the task systems (the second finds it resolved).
        await using var lease = await AcquireAsync(connectionId, ct);
        if (lease is null)
        {
            var running = await runLeases.RunningRunIdAsync(connectionId, ct);
            return OpsResult<SyncConflict>.Conflict(running is { } run
                    ? $"Run {run} of this connection is under way; resolve the conflict when it has finished."
                    : "Another resolution or run of this connection is under way; try again in a moment.",
                new Dictionary<string, object?> { ["running_run_id"] = running });
        }
        return await ResolveHeldAsync(actor, id, choice!.Value, request.Value, ct);
    }

    private async Task<Shared.Leasing.HeldLease?> AcquireAsync(long connectionId, CancellationToken ct)
    {
        var until = time.GetUtcNow() + LeaseWait;
        while (true)
        {
            if (await runLeases.TryAcquireAsync(connectionId, ct) is { } lease)
            {
                return lease;
            }
            if (time.GetUtcNow() >= until)
            {
                return null;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct);
        }
    }

    private async Task<OpsResult<SyncConflict>> ResolveHeldAsync(Actor actor, long id, SyncConflictChoice choice, string? value, CancellationToken ct)
    {
        SyncConflict? conflict;
        SyncConnection? connection;
        await using (var read = await contexts.CreateDbContextAsync(ct))
        {
            conflict = await read.SyncConflicts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
            if (conflict is null)
            {
                return OpsResult<SyncConflict>.NotFound($"No sync conflict {id}.");
            }
            if (conflict.State == SyncConflictState.Resolved)
            {
                return OpsResult<SyncConflict>.Conflict($"Conflict {id} was resolved already by {conflict.ResolvedBy} at {conflict.ResolvedAt:u}.",
                    new Dictionary<string, object?> { ["resolved_by"] = conflict.ResolvedBy, ["resolved_at"] = conflict.ResolvedAt });
            }
            connection = await read.SyncConnections.AsNoTracking().SingleAsync(c => c.Id == conflict.ConnectionId, ct);
        }
        if (connection.FieldMap.FirstOrDefault(m => m.Key == conflict.FieldKey) is not { } mapping)
        {
            return OpsResult<SyncConflict>.Conflict($"The field {conflict.FieldKey} is no longer in connection {connection.Id}'s map; nothing to resolve.");
        }
        var (chosenSource, chosenDestination) = choice switch
        {
            SyncConflictChoice.Source => (conflict.SourceValue, SyncChangeDetector.ToDestination(mapping, conflict.SourceValue)),
            SyncConflictChoice.Destination => (SyncChangeDetector.ToSource(mapping, conflict.DestinationValue), conflict.DestinationValue),
            _ => (SyncChangeDetector.Normalise(value), SyncChangeDetector.ToDestination(mapping, value)),
        };
        string? sourceVersion, destinationVersion;
        try
        {
            sourceVersion = await WriteAsync(adapters.For(connection.Source), conflict.SourceId, mapping.Source, chosenSource, ct);
            destinationVersion = await WriteAsync(adapters.For(connection.Destination), conflict.DestinationId, mapping.Destination, chosenDestination, ct);
        }
        catch (TaskSystemException ex)
        {
            logger.LogWarning("Sync conflict {Conflict}: writing the chosen value failed: {Error}", id, ex.Message);
            return OpsResult<SyncConflict>.Unavailable($"The chosen value could not be written ({ex.Message}); the conflict stays open, try again.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        SyncConflict row = null!;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            row = await db.SyncConflicts.SingleAsync(c => c.Id == id, ct);
            var pair = await db.SyncPairs.SingleAsync(p => p.Id == row.PairId, ct);
            pair.Bases = new Dictionary<string, FieldBase>(pair.Bases, StringComparer.Ordinal) { [row.FieldKey] = new FieldBase(chosenSource, chosenDestination) };
            // Compared in full next run: the item's hashes no longer describe it.
            (pair.SourceHash, pair.DestinationHash, pair.UpdatedAt) = (null, null, now);
            (pair.SourceVersion, pair.DestinationVersion) = (sourceVersion ?? pair.SourceVersion, destinationVersion ?? pair.DestinationVersion);
            (row.State, row.ResolvedBy, row.ResolvedAt, row.Choice, row.ChosenSource, row.ChosenDestination) =
                (SyncConflictState.Resolved, actor.Name, now, choice, chosenSource, chosenDestination);
            db.Audit(actor, now, SyncModule.Name, "conflict.resolve", nameof(SyncConflict), id.ToString(),
                new { state = SyncConflictState.Open.Wire(), field = row.FieldKey, source = row.SourceValue, destination = row.DestinationValue },
                new { state = SyncConflictState.Resolved.Wire(), choice = choice.Wire(), source = chosenSource, destination = chosenDestination });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        events.Publish(new SyncConflictChanged(row.ConnectionId, row.Id, row.State));
        return OpsResult<SyncConflict>.Ok(row);
    }

    /// <summary>Writes the field where the side does not hold the value already; the new version, or null when nothing was written.</summary>
    private static async Task<string?> WriteAsync(ITaskSystemAdapter side, string itemId, string field, string? chosen, CancellationToken ct)
    {
        var current = await side.GetAsync(itemId, ct) ?? throw new TaskSystemException($"The item {itemId} is gone.", uncertain: false);
        if (SyncChangeDetector.Normalise(current[field]) == chosen)
        {
            return null;
        }
        var written = await side.UpdateAsync(itemId, new Dictionary<string, string?> { [field] = chosen }, ct)
            ?? throw new TaskSystemException($"The item {itemId} is gone.", uncertain: false);
        return written.Version;
    }
}
