using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Shared.Data;

/// <summary>One page of a list as every list in Core reads it: the total of the filtered query, then the page in its order.</summary>
public static class QueryPaging
{
    /// <param name="query">The filtered query, unordered (the count needs no order).</param>
    /// <param name="order">The list's order; ending it on a unique key keeps pages from repeating or skipping rows.</param>
    public static async Task<Page<T>> PageAsync<T>(this IQueryable<T> query, Func<IQueryable<T>, IOrderedQueryable<T>> order, PageRequest page,
        CancellationToken ct)
    {
        var total = await query.CountAsync(ct);
        var items = await order(query).Skip(page.Skip).Take(page.PageSize).ToListAsync(ct);
        return Page<T>.Of(items, total, page);
    }
}
