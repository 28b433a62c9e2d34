using Microsoft.AspNetCore.Mvc;
using OpsConsole.Components.Shared;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Features.Maintenance;

/// <summary>The machines board as its address keeps it: the area and state it shows (area, state: the API's names).</summary>
public sealed record MachinesBoardView(int? Area, MachineState? State) : IUrlView<MachinesBoardView>
{
    public static MachinesBoardView Default { get; } = new(null, null);

    public static MachinesBoardView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var q = query.Read<MachinesQuery>();
        return new(errors.OptionalInt("area", q.Area, 1, int.MaxValue), errors.OptionalChoice<MachineState>("state", q.State));
    }

    public QueryText Write() => QueryText.From(new MachinesQuery(QueryText.Text(Area), QueryText.Text(State)));
}

/// <summary>
/// The tickets list as its address keeps it: status (one status, "active" – the default, left out of the address – or
/// "all"), priority and q under the API's names, the page and the highlighted ticket.
/// </summary>
public sealed record TicketsView(string Status, TicketPriority? Priority, string? Search, int Page, long? TicketId) : IUrlView<TicketsView>
{
    public const int PageSize = 25;
    public const string Active = "active";
    public const string All = "all";
    public static TicketsView Default { get; } = new(Active, null, null, 1, null);

    public static TicketsView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var q = query.Read<TicketsQuery>();
        var status = q.Status?.Trim().ToLowerInvariant() switch
        {
            null or "" or Active => Active,
            All => All,
            var one => errors.OptionalChoice<TicketStatus>("status", one) is { } s ? s.Wire() : Active,
        };
        var page = PageRequest.Read(errors, query["page"], null, PageSize, PageSize).Page;
        return new(status, errors.OptionalChoice<TicketPriority>("priority", q.Priority), errors.OptionalText("q", q.Search, TicketService.MaxSearchLength), page,
            errors.OptionalId("ticket_id", query.Read<TicketsViewQuery>().TicketId));
    }

    /// <summary>The filter as the API reads it ("all" is no status filter).</summary>
    public TicketsQuery ToQuery() => new(Status == All ? null : Status, QueryText.Text(Priority), null, null, null, null, Search);

    public QueryText Write() => QueryText.From(new TicketsQuery(Status == Active ? null : Status, QueryText.Text(Priority), null, null, null, null, Search),
        new OpsConsole.Infrastructure.Api.PageQuery(Page == 1 ? null : QueryText.Text(Page), null), new TicketsViewQuery(QueryText.Text(TicketId)));
}
