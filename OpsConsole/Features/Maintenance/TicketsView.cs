using OpsConsole.Components.Shared;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Shared.Views;
using OpsConsole.Infrastructure.Api;

namespace OpsConsole.Features.Maintenance;

/// <summary>
/// The tickets list as its address keeps it: status (one status, "active" – the default, left out of the address – or
/// "all"), priority and q under the API's names, page and page size, and the highlighted ticket.
/// </summary>
public sealed record TicketsView(string Status, TicketPriority? Priority, string? Search, int Page, int PageSize, long? TicketId) : IUrlView<TicketsView>
{
    public const int DefaultPageSize = 25;
    public const string Active = "active";
    public const string All = "all";
    public static TicketsView Default { get; } = new(Active, null, null, 1, DefaultPageSize, null);

    /// <summary>Where the list's saved views are kept (ADR 0030).</summary>
    public static readonly SavedViewPlace SavedViews = new(MaintenanceModule.Name, "/maintenance/tickets");

    public PageRequest Paging => new(Page, PageSize);

    public static TicketsView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var q = query.Read<TicketsQuery>();
        var status = q.Status?.Trim().ToLowerInvariant() switch
        {
            null or "" or Active => Active,
            All => All,
            var one => errors.OptionalChoice<TicketStatus>("status", one) is { } s ? s.Wire() : Active,
        };
        var page = query.Read<PageQuery>().Read(errors, DefaultPageSize, TicketService.MaxPageSize);
        return new(status, errors.OptionalChoice<TicketPriority>("priority", q.Priority), errors.OptionalText("q", q.Search, TicketService.MaxSearchLength),
            page.Page, page.PageSize, errors.OptionalId("ticket_id", query.Read<TicketsViewQuery>().TicketId));
    }

    /// <summary>The filter as the API reads it ("all" is no status filter).</summary>
    public TicketsQuery ToQuery() => new(Status == All ? null : Status, QueryText.Text(Priority), null, null, null, null, Search);

    public QueryText Write() => QueryText.From(new TicketsQuery(Status == Active ? null : Status, QueryText.Text(Priority), null, null, null, null, Search),
        new PageQuery(QueryText.Text(Page), QueryText.Text(PageSize)), new TicketsViewQuery(QueryText.Text(TicketId)));

    public TicketsView Filtered(TicketsView next) => next with { Page = 1, TicketId = null };
}
