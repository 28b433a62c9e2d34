using OpsConsole.Components.Shared;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;

namespace OpsConsole.Features.Etl;

/// <summary>
/// The files page as its address keeps it: GET /api/files's filters (job_id, branch, pos, from, to, file_type), page and
/// page size, e.g. /etl/files?branch=B001&amp;file_type=rd5000&amp;page=2.
/// </summary>
public sealed record FilesView(FileFilter Filter, int Page, int PageSize) : IUrlView<FilesView>
{
    public static FilesView Default { get; } = new(new FileFilter(), 1, EtlFilesQuery.DefaultPageSize);

    public PageRequest Paging => new(Page, PageSize);

    public static FilesView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var filter = EtlFilesQuery.ReadFilter(errors, query.Read<FilesQuery>().ToInput());
        var page = query.Read<PageQuery>().Read(errors, EtlFilesQuery.DefaultPageSize, EtlFilesQuery.MaxListed);
        return new FilesView(filter, page.Page, page.PageSize);
    }

    public QueryText Write() => QueryText.From(
        new FilesQuery(Filter.JobId?.ToString(), Filter.BranchId, QueryText.Text(Filter.Pos), QueryText.Text(Filter.From), QueryText.Text(Filter.To), Filter.FileType),
        new PageQuery(QueryText.Text(Page), QueryText.Text(PageSize)));

    public FilesView Filtered(FileFilter filter) => this with { Filter = filter, Page = 1 };
}
