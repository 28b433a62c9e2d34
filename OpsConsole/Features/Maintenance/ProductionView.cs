using OpsConsole.Components.Shared;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;

namespace OpsConsole.Features.Maintenance;

/// <summary>
/// The production page as its address keeps it: GET /api/maintenance/production's filters (machine_id, from, to), page
/// and page size, e.g. /maintenance/production?machine_id=3&amp;from=2026-12-01.
/// </summary>
public sealed record ProductionView(ProductionFilter Filter, int Page, int PageSize) : IUrlView<ProductionView>
{
    public const int DefaultPageSize = 50;
    public static ProductionView Default { get; } = new(ProductionFilter.None, 1, DefaultPageSize);

    public PageRequest Paging => new(Page, PageSize);

    public static ProductionView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var filter = ProductionLog.ReadFilter(errors, query.Read<ProductionQuery>().ToInput());
        var page = query.Read<PageQuery>().Read(errors, DefaultPageSize, ProductionLog.MaxPageSize);
        return new ProductionView(filter, page.Page, page.PageSize);
    }

    public QueryText Write() => QueryText.From(
        new ProductionQuery(QueryText.Text(Filter.MachineId), QueryText.Text(Filter.From), QueryText.Text(Filter.To)),
        new PageQuery(QueryText.Text(Page), QueryText.Text(PageSize)));

    public ProductionView Filtered(ProductionFilter filter) => this with { Filter = filter, Page = 1 };
}
