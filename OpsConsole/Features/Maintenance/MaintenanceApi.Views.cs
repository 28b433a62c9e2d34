using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Views;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Maintenance;

/// <summary>/api/maintenance/tickets/views: the tickets list's saved views, personal and shared (ADR 0030).</summary>
public static partial class MaintenanceApi
{
    private static void MapSavedViewRoutes(RouteGroupBuilder group)
    {
        group.MapGet("/tickets/views", ListTicketViewsAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("The tickets list's saved views the caller sees: their own and the shared ones");
        group.MapPost("/tickets/views", SaveTicketViewAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("Save a view of the tickets list {name, query, shared} (sharing: supervisors and admins); the same name replaces it");
        group.MapDelete("/tickets/views/{id}", DeleteTicketViewAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("Delete a saved view: the owner's own, admins any");
    }

    private static async Task<Ok<List<SavedViewResponse>>> ListTicketViewsAsync(SavedViews views, HttpContext http, CancellationToken ct)
    {
        var actor = http.User.ToActor();
        return TypedResults.Ok((await views.ListAsync(actor, TicketsView.SavedViews, ct)).Select(v => SavedViewResponse.From(v, actor)).ToList());
    }

    private static async Task<Results<Created<SavedViewResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> SaveTicketViewAsync(
        SavedViewRequest request, SavedViews views, HttpContext http, CancellationToken ct)
    {
        var actor = http.User.ToActor();
        return (await views.SaveAsync(actor, TicketsView.SavedViews, new NewSavedView(request.Name, request.Query, request.Shared == true), ct))
            .ToHttp(v => TypedResults.Created($"/api/maintenance/tickets/views/{v.Id}", SavedViewResponse.From(v, actor)));
    }

    private static async Task<Results<NoContent, ValidationProblem, NotFoundProblem, ConflictProblem>> DeleteTicketViewAsync(long id, SavedViews views,
        HttpContext http, CancellationToken ct) =>
        (await views.DeleteAsync(http.User.ToActor(), TicketsView.SavedViews, id, ct)).ToHttp(_ => TypedResults.NoContent());
}
