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
            Filter.Text, QueryText.Text<JobSort>(Sort), Descending == EtlJobsQuery.DescendingByDefault(Sort) ? null : QueryText.Text(Descending),
            QueryText.Text(Filter.FinishedOn), QueryText.Text(Filter.AwaitingData)),
        new PageQuery(QueryText.Text(Page), QueryText.Text(PageSize)));

    /// <summary>
    /// The failures someone must act on that finished on <paramref name="day"/> (UTC), newest first: the dashboard's
    /// "failed today". Jobs waiting for data are left out (ADR 0022).
    /// </summary>
    public static JobsView FailuresOn(DateOnly day) =>
        Default with { Filter = new JobFilter(Status: EtlJobStatus.Failed, FinishedOn: day, AwaitingData: false), Sort = JobSort.Finished };

    /// <summary>Jobs waiting for data, the most recent try first.</summary>
    public static JobsView AwaitingData { get; } = Default with { Filter = new JobFilter(AwaitingData: true), Sort = JobSort.Finished };

    /// <summary>This view's address, as the page itself would write it (parameters at their default left out): for links from other pages.</summary>
    public string Href()
    {
        var defaults = Default.Write();
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/etl/jobs",
            Write().Values.Where(p => p.Value is not null && p.Value != defaults[p.Key]).Select(p => KeyValuePair.Create(p.Key, p.Value)));
    }

    /// <summary>A new filter starts at the first page.</summary>
    public JobsView Filtered(JobFilter filter) => this with { Filter = filter, Page = 1 };

    public JobsView SortedBy(JobSort sort, bool descending) => this with { Sort = sort, Descending = descending, Page = 1 };

    /// <summary>The direction a column's sort label shows: the sorted column's, none for the others.</summary>
    public MudBlazor.SortDirection DirectionOf(JobSort sort) =>
        sort != Sort ? MudBlazor.SortDirection.None : Descending ? MudBlazor.SortDirection.Descending : MudBlazor.SortDirection.Ascending;
}
