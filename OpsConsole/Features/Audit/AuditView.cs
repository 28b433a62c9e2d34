using OpsConsole.Components.Shared;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;

namespace OpsConsole.Features.Audit;

/// <summary>The audit log as its address keeps it: GET /api/audit's filters, page and page size.</summary>
public sealed record AuditView(AuditFilter Filter, int Page, int PageSize) : IUrlView<AuditView>
{
    public const int DefaultPageSize = 50;

    public static AuditView Default { get; } = new(new AuditFilter(), 1, DefaultPageSize);

    public PageRequest Paging => new(Page, PageSize);

    public static AuditView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var filter = services.GetRequiredService<AuditLog>().ReadFilter(errors, query.Read<AuditQuery>().ToInput());
        var page = query.Read<PageQuery>().Read(errors, DefaultPageSize, AuditLog.MaxPageSize);
        return new AuditView(filter, page.Page, page.PageSize);
    }

    public QueryText Write() => QueryText.From(FilterQuery(), new PageQuery(QueryText.Text(Page), QueryText.Text(PageSize)));

    /// <summary>The filter alone: the export link takes the same parameters.</summary>
    public AuditQuery FilterQuery() => new(Filter.Actor, Filter.Module, Filter.EntityType, Filter.Text, QueryText.Text(Filter.From), QueryText.Text(Filter.To));

    public AuditView Filtered(AuditFilter filter) => this with { Filter = filter, Page = 1 };
}
