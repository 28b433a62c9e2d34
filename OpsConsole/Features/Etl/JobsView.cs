using OpsConsole.Components.Shared;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;

namespace OpsConsole.Features.Etl;

/// <summary>The jobs list as its address keeps it: GET /api/jobs's filters, sort, page and page size, e.g. /etl/jobs?status=failed&amp;branch=B001&amp;page=2.</summary>
public sealed record JobsView(JobFilter Filter, JobSort Sort, bool Descending, int Page, int PageSize) : IUrlView<JobsView>
{
    public static JobsView Default { get; } = new(new JobFilter(), JobSort.Date, true, 1, EtlApi.DefaultJobsPageSize);

    public PageRequest Paging => new(Page, PageSize);

    public static JobsView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var list = EtlJobsQuery.ReadList(errors, query.Read<JobsQuery>().ToInput());
        var page = query.Read<PageQuery>().Read(errors, EtlApi.DefaultJobsPageSize, EtlApi.MaxJobsPageSize);
        return new JobsView(list.Filter, list.Sort ?? JobSort.Date, list.Descending, page.Page, page.PageSize);
    }

    // desc is written only where it differs from the sort's own direction, so the API reads the address the same way.
    public QueryText Write() => QueryText.From(
        new JobsQuery(Filter.BranchId, QueryText.Text(Filter.Pos), QueryText.Text(Filter.Status), QueryText.Text(Filter.From), QueryText.Text(Filter.To),
            Filter.Text, QueryText.Text<JobSort>(Sort), Descending == EtlJobsQuery.DescendingByDefault(Sort) ? null : QueryText.Text(Descending)),
        new PageQuery(QueryText.Text(Page), QueryText.Text(PageSize)));

    /// <summary>A new filter starts at the first page.</summary>
    public JobsView Filtered(JobFilter filter) => this with { Filter = filter, Page = 1 };

    public JobsView SortedBy(JobSort sort, bool descending) => this with { Sort = sort, Descending = descending, Page = 1 };

    /// <summary>The direction a column's sort label shows: the sorted column's, none for the others.</summary>
    public MudBlazor.SortDirection DirectionOf(JobSort sort) =>
        sort != Sort ? MudBlazor.SortDirection.None : Descending ? MudBlazor.SortDirection.Descending : MudBlazor.SortDirection.Ascending;
}
