using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Shared.Alerts;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Alerts;

/// <summary>The alerts inbox of every module: read by every reading role, acknowledged by operators and up (ADR 0020).</summary>
public static class AlertsApi
{
    public static void MapAlertsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/alerts").WithTags("Alerts");
        group.MapGet("/", ListAlertsAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("Alerts of every module, newest first, filtered (module, state: open, acknowledged, resolved, active or all; severity) and paged");
        group.MapPost("/{id}/acknowledge", AcknowledgeAlertAsync).AllowedFor(OpsPolicies.Operate)
            .WithSummary("Acknowledge an open alert (audited); 409 when it is already acknowledged or resolved");
        group.MapPost("/acknowledge", AcknowledgeAlertsAsync).AllowedFor(OpsPolicies.Operate)
            .WithSummary("Acknowledge several alerts at once (audited each); the ones that cannot be are listed with the reason");
    }

    private static async Task<Results<Ok<PageResponse<AlertResponse>>, ValidationProblem>> ListAlertsAsync(OpsAlerts alerts,
        [AsParameters] AlertsQuery query, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var filter = alerts.ReadFilter(errors, query.ToInput());
        var page = paging.Read(errors, 50, OpsAlerts.MaxPageSize);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok(PageResponse<AlertResponse>.From(await alerts.QueryAsync(filter, page, ct), AlertResponse.From));
    }

    private static async Task<Results<Ok<AlertResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> AcknowledgeAlertAsync(long id,
        OpsAlerts alerts, HttpContext http, CancellationToken ct) =>
        (await alerts.AcknowledgeAsync(http.User.ToActor(), id, ct)).ToHttp(a => TypedResults.Ok(AlertResponse.From(a)));

    private static async Task<Results<Ok<AcknowledgeAlertsResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> AcknowledgeAlertsAsync(
        AcknowledgeAlertsRequest request, OpsAlerts alerts, HttpContext http, CancellationToken ct) =>
        (await alerts.AcknowledgeAsync(http.User.ToActor(), request.Ids ?? [], ct)).ToHttp(o => TypedResults.Ok(AcknowledgeAlertsResponse.From(o)));
}
