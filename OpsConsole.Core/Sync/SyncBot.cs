using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Sync;

/// <summary>
/// The bot (ADR 0036): on each tick of its Quartz job, runs every connection that is not paused and whose interval
/// (its own <see cref="SyncConnection.ScheduleSeconds"/>, else <see cref="SyncOptions.IntervalSeconds"/>) has passed
/// since its last run began, whoever started that one. Being due is worked out from the last run, not from a list of
/// slots, so a bot that was down for a day runs each connection once when it is back, not once per missed interval.
/// A connection whose run is under way (here or on another instance) is left to it.
/// </summary>
public sealed class SyncBot(IDbContextFactory<OpsDbContext> contexts, SyncEngine engine, SyncOptions options, TimeProvider time, ILogger<SyncBot> logger)
{
    /// <summary>Who the bot's runs are requested by (the console itself: no account, trusted).</summary>
    public static readonly Actor Actor = new("sync-bot", []);

    /// <summary>The connections due now, with the interval each runs on.</summary>
    public async Task<IReadOnlyList<long>> DueAsync(CancellationToken ct)
    {
        if (!options.AutoSyncEnabled)
        {
            return [];
        }
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connections = await db.SyncConnections.AsNoTracking().Where(c => !c.Paused).Select(c => new { c.Id, c.ScheduleSeconds }).ToListAsync(ct);
        var lastRuns = await db.SyncRuns.AsNoTracking().GroupBy(r => r.ConnectionId).Select(g => new { ConnectionId = g.Key, Last = g.Max(r => r.QueuedAt) })
            .ToDictionaryAsync(x => x.ConnectionId, x => x.Last, ct);
        return connections.Where(c => !lastRuns.TryGetValue(c.Id, out var last) || now - last >= TimeSpan.FromSeconds(c.ScheduleSeconds ?? options.IntervalSeconds))
            .Select(c => c.Id).OrderBy(id => id).ToList();
    }

    /// <summary>When the bot will next run each connection (its last run plus its interval, or now when it never ran); null while the bot is off or the connection paused. For the connections page.</summary>
    public async Task<IReadOnlyDictionary<long, DateTime?>> NextRunsAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connections = await db.SyncConnections.AsNoTracking().Select(c => new { c.Id, c.ScheduleSeconds, c.Paused }).ToListAsync(ct);
        var lastRuns = await db.SyncRuns.AsNoTracking().GroupBy(r => r.ConnectionId).Select(g => new { ConnectionId = g.Key, Last = g.Max(r => r.QueuedAt) })
            .ToDictionaryAsync(x => x.ConnectionId, x => x.Last, ct);
        return connections.ToDictionary(c => c.Id, c => !options.AutoSyncEnabled || c.Paused ? (DateTime?)null
            : lastRuns.TryGetValue(c.Id, out var last) && last + TimeSpan.FromSeconds(c.ScheduleSeconds ?? options.IntervalSeconds) > now
                ? last + TimeSpan.FromSeconds(c.ScheduleSeconds ?? options.IntervalSeconds) : now);
    }

    /// <summary>One tick: runs each due connection once, one after the other; the runs it made (a connection already running is skipped).</summary>
    public async Task<IReadOnlyList<SyncRun>> TickAsync(CancellationToken ct)
    {
        var made = new List<SyncRun>();
        foreach (var id in await DueAsync(ct))
        {
            ct.ThrowIfCancellationRequested();
            var result = await engine.RunAsync(Actor, id, SyncTrigger.Bot, ct);
            if (result.Succeeded)
            {
                made.Add(result.Value!);
            }
            else
            {
                logger.LogInformation("The sync bot left connection {Connection}: {Reason}", id, result.Describe());
            }
        }
        return made;
    }
}
