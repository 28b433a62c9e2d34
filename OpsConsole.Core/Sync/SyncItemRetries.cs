using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Core.Sync;

/// <summary>Why a run left an item alone this time.</summary>
public enum SyncItemHold
{
    /// <summary>It failed before and its next try is later (backoff); the connection's cursor waits for it.</summary>
    Backoff,
    /// <summary>It failed <see cref="SyncOptions.ItemMaxAttempts"/> runs in a row and waits on the needs-attention list.</summary>
    NeedsAttention,
}

/// <summary>
/// Errors by scope, for items (ADR 0036): an item that fails is recorded and tried again next run; from its second
/// failure it waits <see cref="SyncOptions.ItemRetrySeconds"/> doubling each time (at most
/// <see cref="SyncOptions.ItemRetryMaxSeconds"/>); after <see cref="SyncOptions.ItemMaxAttempts"/> failures it goes to the
/// needs-attention list, where it stays until it changes at the source or someone retries it.
/// </summary>
public sealed class SyncItemRetries(IDbContextFactory<OpsDbContext> contexts, AccountGate gate, IOpsEventStream events, SyncOptions options, TimeProvider time)
{
    public const int MaxPageSize = 500;

    /// <summary>How long an item waits before its next try, having failed <paramref name="attempts"/> runs in a row.</summary>
    public static TimeSpan Backoff(int attempts, SyncOptions options) => attempts <= 1 ? TimeSpan.Zero
        : TimeSpan.FromSeconds(Math.Min(options.ItemRetryMaxSeconds, options.ItemRetrySeconds * Math.Pow(2, Math.Min(attempts - 2, 30))));

    /// <summary>The connection's failing items, for one run: which to leave alone, and what to record after each.</summary>
    public async Task<RunRetries> ForRunAsync(long connectionId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.SyncItemAttempts.AsNoTracking().Where(a => a.ConnectionId == connectionId).ToDictionaryAsync(a => a.SourceId, StringComparer.Ordinal, ct);
        return new RunRetries(contexts, options, time, rows);
    }

    /// <summary>The needs-attention list: items that gave up, newest failure first, optionally of one connection.</summary>
    public async Task<Page<SyncItemAttempt>> NeedsAttentionAsync(long? connectionId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.SyncItemAttempts.AsNoTracking().Where(a => a.NeedsAttention && (connectionId == null || a.ConnectionId == connectionId));
        return Page<SyncItemAttempt>.Of(await query.OrderByDescending(a => a.LastFailedAt).ThenBy(a => a.Id).Skip(page.Skip).Take(page.PageSize).ToListAsync(ct),
            await query.CountAsync(ct), page);
    }

    /// <summary>An operator sends an item on the needs-attention list back to the next run (its count starts again), audited.</summary>
    public async Task<OpsResult<SyncItemAttempt>> RetryAsync(Actor actor, long attemptId, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        SyncItemAttempt? row = null;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            row = await db.SyncItemAttempts.SingleOrDefaultAsync(a => a.Id == attemptId, ct);
            if (row is null)
            {
                return;
            }
            db.SyncItemAttempts.Remove(row);
            // The item may not change again at the source: the next read starts no later than its last failure.
            var connection = await db.SyncConnections.SingleAsync(c => c.Id == row.ConnectionId, ct);
            if (row.SourceUpdatedAt is { } at && (connection.SourceCursor is null || connection.SourceCursor > at))
            {
                connection.SourceCursor = at;
            }
            db.Audit(actor, now, SyncModule.Name, "item.retry", nameof(SyncItemAttempt), row.Id.ToString(),
                new { row.ConnectionId, row.SourceId, row.Attempts, row.LastError }, null);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        if (row is null)
        {
            return OpsResult<SyncItemAttempt>.NotFound($"No failing sync item {attemptId}.");
        }
        events.Publish(new SyncConnectionChanged(row.ConnectionId));
        return OpsResult<SyncItemAttempt>.Ok(row);
    }

    /// <summary>One run's view of its connection's failing items.</summary>
    public sealed class RunRetries
    {
        private readonly IDbContextFactory<OpsDbContext> _contexts;
        private readonly SyncOptions _options;
        private readonly TimeProvider _time;
        private readonly Dictionary<string, SyncItemAttempt> _rows;

        internal RunRetries(IDbContextFactory<OpsDbContext> contexts, SyncOptions options, TimeProvider time, Dictionary<string, SyncItemAttempt> rows) =>
            (_contexts, _options, _time, _rows) = (contexts, options, time, rows);

        /// <summary>Whether the run leaves the item alone this time, and why; null: it goes ahead.</summary>
        public SyncItemHold? Holds(string sourceId, RemoteTask? source)
        {
            if (!_rows.TryGetValue(sourceId, out var row))
            {
                return null;
            }
            var changedSince = source is not null && row.SourceUpdatedAt is { } failedAt && source.UpdatedAt > failedAt;
            if (row.NeedsAttention)
            {
                return changedSince ? null : SyncItemHold.NeedsAttention;
            }
            return row.NextAttemptAt is { } next && next > _time.GetUtcNow().UtcDateTime && !changedSince ? SyncItemHold.Backoff : null;
        }

        /// <summary>After the item was carried out: a failure counts (and may send it to the list); anything else clears its record.</summary>
        public async Task RecordAsync(SyncRun run, string sourceId, string? destinationId, RemoteTask? source, SyncAction action, CancellationToken ct)
        {
            var known = _rows.TryGetValue(sourceId, out var row);
            if (action != SyncAction.Error && !known)
            {
                return;
            }
            await using var db = await _contexts.CreateDbContextAsync(ct);
            if (action != SyncAction.Error)
            {
                await db.SyncItemAttempts.Where(a => a.Id == row!.Id).ExecuteDeleteAsync(ct);
                _rows.Remove(sourceId);
                return;
            }
            var now = _time.GetUtcNow().UtcDateTime;
            var error = await db.SyncRunItems.AsNoTracking().Where(i => i.RunId == run.Id && i.SourceId == sourceId).OrderByDescending(i => i.Id)
                .Select(i => i.Error).FirstOrDefaultAsync(ct);
            row ??= new SyncItemAttempt { ConnectionId = run.ConnectionId, SourceId = sourceId, FirstFailedAt = now };
            if (known)
            {
                db.SyncItemAttempts.Attach(row);
            }
            else
            {
                db.SyncItemAttempts.Add(row);
            }
            row.Attempts++;
            (row.LastError, row.LastRunId, row.LastFailedAt, row.DestinationId) = (error, run.Id, now, destinationId ?? row.DestinationId);
            row.SourceUpdatedAt = source?.UpdatedAt ?? row.SourceUpdatedAt;
            row.NeedsAttention = row.Attempts >= _options.ItemMaxAttempts;
            row.NextAttemptAt = row.NeedsAttention ? null : now + Backoff(row.Attempts, _options);
            await db.SaveChangesAsync(ct);
            _rows[sourceId] = row;
        }
    }
}
