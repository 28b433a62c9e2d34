using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Leasing;

namespace OpsConsole.Core.Maintenance;

/// <summary>
/// The ticket events outbox (issue 18 item 4, ADR 0031): every ticket change writes its event in its own transaction
/// (<see cref="TicketJournal"/>); a relay hands the unpublished ones, oldest first, to a transport (MQTT in the app) and
/// marks each once the transport took it. Transport-free, so it is tested with a plain delegate.
/// </summary>
public sealed class TicketEvents(IDbContextFactory<OpsDbContext> contexts, DatabaseLease leases, TimeProvider time)
{
    public const int BatchSize = 200;

    /// <summary>
    /// The lease a publishing pass holds (ADR 0040): one instance publishes at a time, so each event goes out once and in
    /// order, whichever console relays it.
    /// </summary>
    public const string LeaseName = "maintenance:ticket-events";

    public static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Publishes the unpublished events in id order through <paramref name="publish"/> until none are left or one fails.
    /// A failure is recorded on its row (attempts, error) and rethrown: the rows after it wait, so order is kept.
    /// While another instance's pass holds the lease, that pass publishes them and this one does nothing.
    /// </summary>
    /// <returns>How many were published.</returns>
    public async Task<int> PublishPendingAsync(Func<string, CancellationToken, Task> publish, CancellationToken ct)
    {
        await using var lease = await leases.TryAcquireAsync(LeaseName, LeaseTtl, ct);
        if (lease is null)
        {
            return 0;
        }
        using var held = CancellationTokenSource.CreateLinkedTokenSource(ct, lease.Lost);
        return await PublishUnderLeaseAsync(publish, held.Token);
    }

    private async Task<int> PublishUnderLeaseAsync(Func<string, CancellationToken, Task> publish, CancellationToken ct)
    {
        var published = 0;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var pending = await db.TicketEventOutbox.Where(e => e.PublishedAt == null).OrderBy(e => e.Id).Take(BatchSize).ToListAsync(ct);
            if (pending.Count == 0)
            {
                return published;
            }
            foreach (var row in pending)
            {
                try
                {
                    await publish(row.Payload, ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    row.Attempts++;
                    var error = ex.GetBaseException().Message;
                    row.LastError = error.Length > 500 ? error[..500] : error;
                    await db.SaveChangesAsync(CancellationToken.None);
                    throw;
                }
                row.PublishedAt = time.GetUtcNow().UtcDateTime;
                row.Attempts++;
                // Marked one by one: a crash re-publishes at most the event in flight (consumers de-duplicate on event_id).
                await db.SaveChangesAsync(CancellationToken.None);
                published++;
            }
        }
    }

    /// <summary>How many events wait to be published, and since when the oldest waits.</summary>
    public async Task<(int Count, DateTime? OldestAt)> PendingAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var pending = db.TicketEventOutbox.Where(e => e.PublishedAt == null);
        return (await pending.CountAsync(ct), await pending.OrderBy(e => e.Id).Select(e => (DateTime?)e.CreatedAt).FirstOrDefaultAsync(ct));
    }

    /// <summary>Deletes published events older than <paramref name="published"/>, and any older than <paramref name="unpublished"/> (nobody relays them).</summary>
    public async Task<int> PruneAsync(TimeSpan published, TimeSpan unpublished, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var publishedBefore = now - published;
        var unpublishedBefore = now - unpublished;
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.TicketEventOutbox
            .Where(e => (e.PublishedAt != null && e.PublishedAt < publishedBefore) || e.CreatedAt < unpublishedBefore)
            .ExecuteDeleteAsync(ct);
    }
}
