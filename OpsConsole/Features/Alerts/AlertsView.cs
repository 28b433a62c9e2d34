using OpsConsole.Components.Shared;
using OpsConsole.Core.Shared.Alerts;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;

namespace OpsConsole.Features.Alerts;

/// <summary>
/// The inbox as its address keeps it: GET /api/alerts's filters (module, state, severity), page and page size, e.g.
/// /alerts?module=yard&amp;state=all. By default what still needs someone (state=active); "all" lets every state through.
/// </summary>
public sealed record AlertsView(string? Module, string? State, string? Severity, int Page, int PageSize) : IUrlView<AlertsView>
{
    public const int DefaultPageSize = 50;

    public static AlertsView Default { get; } = new(null, OpsAlerts.ActiveState, null, 1, DefaultPageSize);

    public PageRequest Paging => new(Page, PageSize);

    public static AlertsView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var text = query.Read<AlertsQuery>();
        var filter = services.GetRequiredService<OpsAlerts>().ReadFilter(errors, text.ToInput());
        var page = query.Read<PageQuery>().Read(errors, DefaultPageSize, OpsAlerts.MaxPageSize);
        var state = filter.Active || text.State is null ? OpsAlerts.ActiveState : filter.State?.Wire() ?? OpsAlerts.AnyState;
        return new AlertsView(filter.Module, state, filter.Severity?.Wire(), page.Page, page.PageSize);
    }

    public QueryText Write() => QueryText.From(new AlertsQuery(Module, State, Severity), new PageQuery(QueryText.Text(Page), QueryText.Text(PageSize)));

    public AlertFilterInput ToInput() => new(Module, State, Severity);

    /// <summary>A new filter starts at the first page; clearing the state shows every state.</summary>
    public AlertsView Filtered(string? module, string? state, string? severity) =>
        this with { Module = module, State = state ?? OpsAlerts.AnyState, Severity = severity, Page = 1 };
}
