using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Leasing;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Sync;

/// <summary>
/// One running run per connection, across instances: a run holds the lease `sync:{connection}` (<see cref="DatabaseLease"/>)
/// from before its row is written until it has finished. Whoever takes the lease knows that no run of that connection is
/// alive, so a run still marked queued or running then was left by a process that died: it is closed as failed (ADR 0036).
/// </summary>
public sealed class SyncRunLeases(DatabaseLease leases, IDbContextFactory<OpsDbContext> contexts, IOpsEventStream events, SyncOptions options,
    TimeProvider time, ILogger<SyncRunLeases> logger)
{
    public const string AbandonedError = "Its process stopped while it ran (its lease ran out); the next run carried on from where it stopped.";

    public static string LeaseName(long connectionId) => $"sync:{connectionId}";

    public Task<HeldLease?> TryAcquireAsync(long connectionId, CancellationToken ct) =>
        leases.TryAcquireAsync(LeaseName(connectionId), TimeSpan.FromSeconds(options.LeaseSeconds), ct);

    /// <summary>The run under way on the connection (the oldest queued or running one), for a 409.</summary>
    public async Task<long?> RunningRunIdAsync(long connectionId, CancellationToken ct)
    {
        var active = SyncTransitions.Run.From(SyncRunMove.Fail);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.SyncRuns.AsNoTracking().Where(r => r.ConnectionId == connectionId && active.Contains(r.State)).OrderBy(r => r.Id)
            .Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>Under the connection's lease: closes as failed the runs a dead process left queued or running, each with an audit line.</summary>
    public async Task<int> CloseAbandonedAsync(long connectionId, CancellationToken ct)
    {
        var active = SyncTransitions.Run.From(SyncRunMove.Fail);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var closed = new List<SyncRun>();
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            closed.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            foreach (var run in await db.SyncRuns.Where(r => r.ConnectionId == connectionId && active.Contains(r.State)).ToListAsync(ct))
            {
                var before = run.State;
                run.State = SyncTransitions.Run.Apply(run.State, SyncRunMove.Fail, $"Run {run.Id}").To;
                (run.FinishedAt, run.Error) = (now, AbandonedError);
                db.Audit(Actor.System, now, SyncModule.Name, "run.abandoned", nameof(SyncRun), run.Id.ToString(), new { state = before.Wire() },
                    new { state = run.State.Wire(), connection = connectionId });
                closed.Add(run);
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        foreach (var run in closed)
        {
            logger.LogWarning("Sync run {Run} of connection {Connection} was left by a process that stopped; closed as failed.", run.Id, connectionId);
            events.Publish(new SyncRunChanged(connectionId, run.Id, run.State, run.Added, run.Updated, run.Skipped, run.Conflicted, run.Failed));
        }
        return closed.Count;
    }
}
