using OpsConsole.Components.Shared;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Sync;
using OpsConsole.Infrastructure.Api;

namespace OpsConsole.Features.Sync;

/// <summary>The run history as its address keeps it: GET /api/sync/history's connection, page and page size, e.g. /sync/runs?connection_id=1&amp;page=2.</summary>
public sealed record RunsView(long? ConnectionId, int Page, int PageSize) : IUrlView<RunsView>
{
    public static RunsView Default { get; } = new(null, 1, SyncApi.DefaultPageSize);

    public PageRequest Paging => new(Page, PageSize);

    public static RunsView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var id = errors.OptionalId("connection_id", query.Read<SyncConnectionQuery>().ConnectionId);
        var page = query.Read<PageQuery>().Read(errors, SyncApi.DefaultPageSize, SyncHistory.MaxPageSize);
        return new RunsView(id, page.Page, page.PageSize);
    }

    public QueryText Write() => QueryText.From(new SyncConnectionQuery(QueryText.Text(ConnectionId)), new PageQuery(QueryText.Text(Page), QueryText.Text(PageSize)));
}

/// <summary>The activity stream as its address keeps it: the item searched for, the connection, page and page size, e.g. /sync/activity?item=SRC-12.</summary>
public sealed record ActivityView(ActivityFilter Filter, int Page, int PageSize) : IUrlView<ActivityView>
{
    public static ActivityView Default { get; } = new(new ActivityFilter(), 1, SyncApi.DefaultPageSize);

    public PageRequest Paging => new(Page, PageSize);

    public static ActivityView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var q = query.Read<SyncActivityQuery>();
        var filter = SyncActivity.ReadFilter(errors, q.Item, q.ConnectionId);
        var page = query.Read<PageQuery>().Read(errors, SyncApi.DefaultPageSize, SyncActivity.MaxPageSize);
        return new ActivityView(filter, page.Page, page.PageSize);
    }

    public QueryText Write() => QueryText.From(new SyncActivityQuery(ConnectionId: QueryText.Text(Filter.ConnectionId), Item: Filter.Item),
        new PageQuery(QueryText.Text(Page), QueryText.Text(PageSize)));
}

/// <summary>A run's drill-down as its address keeps it: the page of its items, e.g. /sync/runs/12?page=3.</summary>
public sealed record RunItemsView(int Page, int PageSize) : IUrlView<RunItemsView>
{
    public static RunItemsView Default { get; } = new(1, SyncApi.DefaultPageSize);

    public PageRequest Paging => new(Page, PageSize);

    public static RunItemsView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var page = query.Read<PageQuery>().Read(errors, SyncApi.DefaultPageSize, SyncHistory.MaxPageSize);
        return new RunItemsView(page.Page, page.PageSize);
    }

    public QueryText Write() => QueryText.From(new PageQuery(QueryText.Text(Page), QueryText.Text(PageSize)));
}
