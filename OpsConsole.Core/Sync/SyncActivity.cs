using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Sync;

/// <summary>
/// The activity stream (ADR 0037): history lines across runs, newest first, of one connection or all, optionally of one
/// item (its source or its destination id, exactly; titles are not kept in the history lines).
/// </summary>
public sealed class SyncActivity(IDbContextFactory<OpsDbContext> contexts)
{
    public const int MaxPageSize = 500;
    public const int MaxItemLength = 200;

    public async Task<Page<SyncRunItem>> LinesAsync(long? connectionId, string? item, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.SyncRunItems.AsNoTracking().Where(i => connectionId == null || i.ConnectionId == connectionId);
        if (item?.Trim() is { Length: > 0 } id)
        {
            query = query.Where(i => i.SourceId == id || i.DestinationId == id);
        }
        return Page<SyncRunItem>.Of(await query.OrderByDescending(i => i.Id).Skip(page.Skip).Take(page.PageSize).ToListAsync(ct), await query.CountAsync(ct), page);
    }
}
