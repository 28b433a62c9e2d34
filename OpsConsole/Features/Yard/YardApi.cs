using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Yard;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;
using OpsConsole.Infrastructure.Http;

namespace OpsConsole.Features.Yard;

/// <summary>The seed roadmap's admin/dev API for the yard: the unified view, poll now, manual patch and delete, rules and settings.</summary>
public static class YardApi
{
    /// <summary>The rate limit's name for "poll now", shared with the hostler page's button.</summary>
    public const string PollNowCall = "yard-poll";

    public static void MapYardApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/yard").WithTags("Yard");
        group.MapGet("/snapshot", GetSnapshotAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("The unified view (hostlers with current task and queue, the workbasket, rule findings) and the poller's status");
        group.MapPost("/poll", PollNowAsync).AllowedFor(OpsPolicies.Operate).LimitedAsUpstreamCall(PollNowCall)
            .WithSummary("Run one poll cycle now (after any running one) and return what it did; 502 when the yard system could not be read");
        group.MapPatch("/tasks/{id}", PatchTaskAsync).AllowedFor(OpsPolicies.Operate).TakesBody<YardTaskPatchRequest>()
            .WithSummary("Change fields of a task in the yard system: priority, hostler_id (null: back to the workbasket), destination, origin, notes (audited)");
        group.MapDelete("/tasks/{id}", DeleteTaskAsync).AllowedFor(OpsPolicies.Operate).TakesOptionalBody<YardTaskDeleteRequest>()
            .WithSummary("Delete a task in the yard system; a reason (?reason= or {\"reason\"}) is required and audited");
        group.MapGet("/rules", ListRulesAsync).AllowedFor(OpsPolicies.Read).WithSummary("The business rules with their switches");
        group.MapPut("/rules/{name}", SetRuleAsync).AllowedFor(OpsPolicies.Administer).WithSummary("Enable or disable a rule, or put it in dry run");
        group.MapGet("/settings", GetSettingsAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("The poller's interval, pause, dry run, deletion cap and stale-task hours");
        group.MapPut("/settings", UpdateSettingsAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Change the poller's settings (fields left out stay as they are)");
    }

    private static async Task<Ok<YardSnapshotResponse>> GetSnapshotAsync(YardPoller poller, TimeProvider time, CancellationToken ct)
    {
        await poller.EnsureLoadedAsync(ct);
        return TypedResults.Ok(YardSnapshotResponse.From(poller.View, poller.Status, time.GetUtcNow().UtcDateTime));
    }

    private static async Task<Results<Ok<YardCycleResult>, UpstreamProblem>> PollNowAsync(YardOperations yard, HttpContext http, CancellationToken ct)
    {
        var cycle = await yard.PollNowAsync(http.User.ToActor(), "api", ct);
        return cycle.Succeeded
            ? TypedResults.Ok(cycle)
            : new UpstreamProblem("The yard system could not be read; nothing was changed.", cycle.Error ?? "",
                new Dictionary<string, object?> { ["cycle"] = cycle.Cycle });
    }

    private static async Task<Results<Ok<YardTask>, ValidationProblem, NotFoundProblem, ConflictProblem, UpstreamProblem>> PatchTaskAsync(string id,
        YardOperations yard, HttpContext http, CancellationToken ct)
    {
        var (fields, invalid) = await OptionalJsonBody.ReadAsync<JsonObject>(http.Request, "{\"priority\": 2}", ct);
        if (invalid is not null)
        {
            return invalid;
        }
        return (await yard.PatchTaskAsync(http.User.ToActor(), id, fields, ct)).ToHttpThroughUpstream(TypedResults.Ok);
    }

    private static async Task<Results<NoContent, ValidationProblem, NotFoundProblem, ConflictProblem, UpstreamProblem>> DeleteTaskAsync(string id,
        [AsParameters] YardTaskDeleteQuery query, YardOperations yard, HttpContext http, CancellationToken ct)
    {
        var reason = query.Reason;
        if (reason is null)
        {
            var (body, invalid) = await OptionalJsonBody.ReadAsync<YardTaskDeleteRequest>(http.Request, "{\"reason\": \"...\"}", ct);
            if (invalid is not null)
            {
                return invalid;
            }
            reason = body?.Reason;
        }
        return (await yard.DeleteTaskAsync(http.User.ToActor(), id, reason, ct)).ToHttpThroughUpstream(_ => TypedResults.NoContent());
    }

    private static async Task<Ok<IReadOnlyList<YardRuleView>>> ListRulesAsync(YardPoller poller, YardOperations yard, CancellationToken ct)
    {
        await poller.EnsureLoadedAsync(ct);
        return TypedResults.Ok(yard.Rules());
    }

    private static async Task<Results<Ok<YardRuleView>, ValidationProblem, NotFoundProblem, ConflictProblem>> SetRuleAsync(string name,
        YardRuleRequest request, YardOperations yard, HttpContext http, CancellationToken ct) =>
        (await yard.SetRuleAsync(http.User.ToActor(), name, request.Enabled, request.DryRun, ct)).ToHttp();

    private static async Task<Ok<YardSettingsResponse>> GetSettingsAsync(YardPoller poller, CancellationToken ct)
    {
        await poller.EnsureLoadedAsync(ct);
        return TypedResults.Ok(YardSettingsResponse.From(poller.Status.Settings));
    }

    private static async Task<Results<Ok<YardSettingsResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> UpdateSettingsAsync(
        YardSettingsRequest request, YardOperations yard, HttpContext http, CancellationToken ct) =>
        (await yard.UpdateSettingsAsync(http.User.ToActor(), request.ToInput(), ct)).ToHttp(s => TypedResults.Ok(YardSettingsResponse.From(s)));
}
