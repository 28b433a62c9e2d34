using OpsConsole.Components.Shared;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;

namespace OpsConsole.Features.Etl;

/// <summary>The records list as its address keeps it: GET /api/records's filters, page and page size.</summary>
public sealed record RecordsView(RecordFilter Filter, int Page, int PageSize) : IUrlView<RecordsView>
{
    public static RecordsView Default { get; } = new(new RecordFilter(), 1, EtlRecords.DefaultPageSize);

    public PageRequest Paging => new(Page, PageSize);

    public static RecordsView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var filter = EtlRecords.ReadFilter(errors, query.Read<RecordsQuery>().ToInput());
        var page = query.Read<PageQuery>().Read(errors, EtlRecords.DefaultPageSize, EtlRecords.MaxPageSize);
        return new RecordsView(filter, page.Page, page.PageSize);
    }

    public QueryText Write() => QueryText.From(FilterQuery(), new PageQuery(QueryText.Text(Page), QueryText.Text(PageSize)));

    /// <summary>The filter alone: the export link takes the same parameters.</summary>
    public RecordsQuery FilterQuery() => new(QueryText.Text(Filter.Start), QueryText.Text(Filter.End), Filter.BranchId, QueryText.Text(Filter.Pos),
        Filter.ItemCode?.Trim());

    public RecordsView Filtered(RecordFilter filter) => this with { Filter = filter, Page = 1 };
}
