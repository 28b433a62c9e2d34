using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Sync;

/// <summary>What the activity stream asks for: an item (a source or destination id, or part of one) and/or a connection.</summary>
public sealed record ActivityFilter(string? Item = null, long? ConnectionId = null)
{
    public const int MaxItemLength = 200;
}

/// <summary>
/// The activity stream: history lines (<c>sync_run_items</c>) across runs, newest first, for one item or all. Pages
/// read it straight; the API's <c>GET /api/sync/activity</c> (issue 19 item 10) may use the same query.
/// </summary>
public sealed class SyncActivity(IDbContextFactory<OpsDbContext> contexts)
{
    public const int MaxPageSize = 500;

    /// <summary>The filter from the address or query string, each bad value named.</summary>
    public static ActivityFilter ReadFilter(FieldErrors errors, string? item, string? connectionId) =>
        new(errors.OptionalText("item", item, ActivityFilter.MaxItemLength), errors.OptionalId("connection_id", connectionId));

    public async Task<Page<SyncRunItem>> SearchAsync(ActivityFilter filter, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.SyncRunItems.AsNoTracking().Where(i => filter.ConnectionId == null || i.ConnectionId == filter.ConnectionId);
        if (filter.Item?.Trim() is { Length: > 0 } item)
        {
            // Part of an id finds it: operators paste a key from either side, with or without its prefix.
            query = query.Where(i => i.SourceId.Contains(item) || (i.DestinationId != null && i.DestinationId.Contains(item)));
        }
        var rows = await query.OrderByDescending(i => i.Id).Skip(page.Skip).Take(page.PageSize).ToListAsync(ct);
        return Page<SyncRunItem>.Of(rows, await query.CountAsync(ct), page);
    }
}
