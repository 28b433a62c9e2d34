using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Sync;

/// <summary>A connection's state for the status endpoint: its health, its last finished run and the run under way.</summary>
public sealed record ConnectionStatus(SyncConnection Connection, SyncRun? LastRun, long? RunningRunId, int Pairs);

/// <summary>What the sync did: status per connection, runs newest first, a run's items, plans.</summary>
public sealed class SyncHistory(IDbContextFactory<OpsDbContext> contexts)
{
    public const int MaxPageSize = 500;

    public async Task<IReadOnlyList<ConnectionStatus>> StatusAsync(long? connectionId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connections = await db.SyncConnections.AsNoTracking().Where(c => connectionId == null || c.Id == connectionId).OrderBy(c => c.Name).ToListAsync(ct);
        var active = SyncTransitions.Run.From(SyncRunMove.Fail);
        var result = new List<ConnectionStatus>();
        foreach (var c in connections)
        {
            var last = await db.SyncRuns.AsNoTracking().Where(r => r.ConnectionId == c.Id && !active.Contains(r.State)).OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
            var running = await db.SyncRuns.AsNoTracking().Where(r => r.ConnectionId == c.Id && active.Contains(r.State)).OrderBy(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
            var pairs = await db.SyncPairs.CountAsync(p => p.ConnectionId == c.Id, ct);
            result.Add(new ConnectionStatus(c, last, running, pairs));
        }
        return result;
    }

    public async Task<Page<SyncRun>> RunsAsync(long? connectionId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.SyncRuns.AsNoTracking().Where(r => connectionId == null || r.ConnectionId == connectionId);
        return Page<SyncRun>.Of(await query.OrderByDescending(r => r.Id).Skip(page.Skip).Take(page.PageSize).ToListAsync(ct), await query.CountAsync(ct), page);
    }

    public async Task<SyncRun?> RunAsync(long runId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.SyncRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct);
    }

    public async Task<Page<SyncRunItem>> RunItemsAsync(long runId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.SyncRunItems.AsNoTracking().Where(i => i.RunId == runId);
        return Page<SyncRunItem>.Of(await query.OrderBy(i => i.Id).Skip(page.Skip).Take(page.PageSize).ToListAsync(ct), await query.CountAsync(ct), page);
    }

    public async Task<SyncPlan?> PlanAsync(long planId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.SyncPlans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == planId, ct);
    }

    /// <summary>The connection a request without one means: the only one there is; null when there are none or several.</summary>
    public async Task<long?> OnlyConnectionAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var ids = await db.SyncConnections.AsNoTracking().OrderBy(c => c.Id).Select(c => c.Id).Take(2).ToListAsync(ct);
        return ids is [var only] ? only : null;
    }
}
