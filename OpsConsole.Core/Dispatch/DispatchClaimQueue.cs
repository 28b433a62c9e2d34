using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Dispatch;

/// <summary>
/// Group commit for claims. Workers' requests that arrive together are claimed together: a writer loop takes every
/// waiting request, runs the claim statement once per request inside one transaction with their audit entries, and
/// commits once. Each request still gets the oldest ready task at its turn and no task goes to two callers (the
/// statement is the same atomic claim); what is saved is a transaction, a lock hand-over and a commit per claim,
/// which is what limits a busy database. SQLite has one writer, so one loop; server databases get a few.
/// </summary>
public sealed class DispatchClaimQueue : IAsyncDisposable
{
    public const int MaxBatch = 128;

    private readonly Channel<Pending> _waiting = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
    private readonly IDbContextFactory<OpsDbContext> _contexts;
    private readonly DispatchClaimer _claimer;
    private readonly IOpsEventStream _events;
    private readonly TimeProvider _time;
    private readonly ILogger<DispatchClaimQueue> _logger;
    private readonly AuditPublisher _audit;
    private readonly Lazy<Task[]> _loops;
    private readonly bool _sqlite;
    private OpsDbContext? _writer;

    public DispatchClaimQueue(IDbContextFactory<OpsDbContext> contexts, DispatchClaimer claimer, IOpsEventStream events, TimeProvider time,
        DatabaseOptions database, AuditPublisher audit, ILogger<DispatchClaimQueue> logger)
    {
        _audit = audit;
        (_contexts, _claimer, _events, _time, _logger) = (contexts, claimer, events, time, logger);
        _sqlite = database.Provider == DatabaseProvider.Sqlite;
        _loops = new Lazy<Task[]>(() => _sqlite
            ? [Task.Factory.StartNew(RunOnOwnThread, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)]
            : Enumerable.Range(0, 4).Select(_ => Task.Run(RunAsync)).ToArray());
    }

    private sealed record Pending(Actor Actor, string WorkerId, TaskCompletionSource<DispatchTask?> Done, CancellationToken Ct);

    public Task<DispatchTask?> ClaimAsync(Actor actor, string workerId, CancellationToken ct)
    {
        _ = _loops.Value;
        var pending = new Pending(actor, workerId, new TaskCompletionSource<DispatchTask?>(TaskCreationOptions.RunContinuationsAsynchronously), ct);
        if (!_waiting.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(DispatchClaimQueue));
        }
        return pending.Done.Task.WaitAsync(ct);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _waiting.Reader.WaitToReadAsync())
        {
            if (TakeWaiting(batch))
            {
                await RunBatchAsync(batch);
            }
        }
    }

    /// <summary>
    /// SQLite's one loop, on a thread of its own: its statements run synchronously (Microsoft.Data.Sqlite has no real
    /// asynchronous I/O), and on pool threads that blocking made the pool grow to a dozen threads on two cores, whose
    /// switching cost more than the claims. Between batches it sleeps until a request arrives.
    /// </summary>
    private void RunOnOwnThread()
    {
        var batch = new List<Pending>(MaxBatch);
        using var wake = new ManualResetEventSlim(false, spinCount: 0);
        while (WaitForRequests(wake))
        {
            if (TakeWaiting(batch))
            {
                RunBatchAsync(batch).GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>
    /// Blocks the loop's thread until a request is waiting (true) or the queue is closed (false), without spinning:
    /// a blocking wait on the channel's task spun first, and on two cores a fifth of the loop's time went to spinning
    /// against the request threads it was waiting for.
    /// </summary>
    private bool WaitForRequests(ManualResetEventSlim wake)
    {
        var waiting = _waiting.Reader.WaitToReadAsync().AsTask();
        if (!waiting.IsCompleted)
        {
            wake.Reset();
            waiting.ContinueWith(static (_, state) => ((ManualResetEventSlim)state!).Set(), wake, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            wake.Wait();
        }
        return waiting.GetAwaiter().GetResult();
    }

    /// <summary>Every request waiting now (up to a batch), less those whose callers have gone.</summary>
    private bool TakeWaiting(List<Pending> batch)
    {
        batch.Clear();
        while (batch.Count < MaxBatch && _waiting.Reader.TryRead(out var next))
        {
            if (next.Ct.IsCancellationRequested)
            {
                next.Done.TrySetCanceled(next.Ct);
            }
            else
            {
                batch.Add(next);
            }
        }
        return batch.Count > 0;
    }

    private async Task RunBatchAsync(List<Pending> batch)
    {
        try
        {
            var (claimed, audited) = await ClaimBatchAsync(batch);
            // The callers first, then the live views.
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(i < claimed.Count ? claimed[i] : null);
            }
            _audit.PublishWritten(audited);
            if (claimed.Count > 0)
            {
                _events.Publish(new DispatchTasksChanged(claimed.Select(t => t.Id).ToList(), DispatchTaskMove.Claim, DispatchTaskStatus.Assigned));
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "A batch of {Count} dispatch claims failed; nothing of it was committed", batch.Count);
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>Claims for each request in turn until the ready tasks run out; one transaction, one commit.</summary>
    private async Task<(List<DispatchTask> Claimed, List<AuditEntry> Audited)> ClaimBatchAsync(List<Pending> batch)
    {
        if (_sqlite)
        {
            // SQLite's one loop keeps its context and connection open between batches (and so its prepared
            // statements, which SqliteStatement.Reuse keeps per connection): opening a pooled connection, setting up
            // a context and preparing two statements cost more than a small batch's claims. A failed batch closes them.
            _writer ??= await OpenWriterAsync();
            try
            {
                return await ClaimBatchAsync(_writer, batch);
            }
            catch
            {
                await _writer.DisposeAsync();
                _writer = null;
                throw;
            }
        }
        await using var db = await _contexts.CreateDbContextAsync();
        return await ClaimBatchAsync(db, batch);
    }

    private async Task<OpsDbContext> OpenWriterAsync()
    {
        var db = await _contexts.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        return db;
    }

    private async Task<(List<DispatchTask> Claimed, List<AuditEntry> Audited)> ClaimBatchAsync(OpsDbContext db, List<Pending> batch)
    {
        if (_sqlite)
        {
            // BEGIN IMMEDIATE and COMMIT as statements kept with the loop's connection: EF's transaction API prepared
            // both anew for every batch and cost a tenth of the loop's time. On failure the transaction is rolled back.
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            SqliteStatement.Execute(connection, "BEGIN IMMEDIATE");
            try
            {
                var result = await ClaimAndAuditAsync(db, batch);
                SqliteStatement.Execute(connection, "COMMIT");
                return result;
            }
            catch
            {
                if (SqliteStatement.InTransaction(connection))
                {
                    SqliteStatement.Execute(connection, "ROLLBACK");
                }
                throw;
            }
        }
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync();
            var result = await ClaimAndAuditAsync(db, batch);
            await tx.CommitAsync();
            return result;
        });
    }

    /// <summary>The claims in arrival order, then their audit entries, on the caller's open transaction.</summary>
    private async Task<(List<DispatchTask> Claimed, List<AuditEntry> Audited)> ClaimAndAuditAsync(OpsDbContext db, List<Pending> batch)
    {
        var now = _time.GetUtcNow();
        var claimed = await _claimer.ClaimEachAsync(db, batch.Select(p => p.WorkerId).ToList());
        var entries = claimed.Select((task, i) => AuditTrail.Entry(batch[i].Actor, now, DispatchModule.Name, "task.assign", "DispatchTask",
            task.Id.ToString(), new { Status = ClaimedFrom }, new { Status = ClaimedTo, task.WorkerId })).ToList();
        await db.AppendBatchAsync(entries);
        return (claimed, entries);
    }

    private static readonly string ClaimedFrom = DispatchTransitions.Task.OnlyFrom(DispatchTaskMove.Claim).Wire();
    private static readonly string ClaimedTo = DispatchTransitions.Task.To(DispatchTaskMove.Claim).Wire();

    public async ValueTask DisposeAsync()
    {
        _waiting.Writer.TryComplete();
        if (_loops.IsValueCreated)
        {
            await Task.WhenAll(_loops.Value);
        }
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }
    }
}
