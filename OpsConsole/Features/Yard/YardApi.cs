using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Yard;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Yard;

public sealed record YardSettingsBody(
    [property: JsonPropertyName("interval_seconds")] int? IntervalSeconds,
    [property: JsonPropertyName("paused")] bool? Paused,
    [property: JsonPropertyName("dry_run")] bool? DryRun,
    [property: JsonPropertyName("deletion_cap")] int? DeletionCap,
    [property: JsonPropertyName("stale_task_hours")] int? StaleTaskHours);

public sealed record YardRuleBody(
    [property: JsonPropertyName("enabled")] bool? Enabled,
    [property: JsonPropertyName("dry_run")] bool? DryRun);

public sealed record YardDeleteBody([property: JsonPropertyName("reason")] string? Reason);

/// <summary>The seed roadmap's admin/dev API for the yard: the unified view, poll now, manual patch and delete, rules and settings.</summary>
public static class YardApi
{
    /// <summary>Yard answers are snake_case like the yard system's own API.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void MapYardApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/yard").WithTags("Yard");
        group.MapGet("/snapshot", async (YardPoller poller, TimeProvider time, CancellationToken ct) =>
        {
            await poller.EnsureLoadedAsync(ct);
            return Results.Json(Snapshot(poller, time.GetUtcNow().UtcDateTime), Json);
        }).RequireAuthorization(OpsPolicies.Read).WithSummary("The unified view (hostlers with current task and queue, the workbasket, rule findings) and the poller's status");

        group.MapPost("/poll", async (YardPoller poller, CancellationToken ct) =>
        {
            var cycle = await poller.PollAsync("api", ct);
            return cycle.Succeeded
                ? Results.Json(cycle, Json)
                : Results.Problem(cycle.Error, statusCode: StatusCodes.Status502BadGateway, title: "The yard system could not be read; nothing was changed.",
                    extensions: new Dictionary<string, object?> { ["cycle"] = cycle.Cycle });
        }).RequireAuthorization(OpsPolicies.Operate).WithSummary("Run one poll cycle now (after any running one) and return what it did");

        group.MapMethods("/tasks/{id}", ["PATCH"], async (string id, HttpRequest request, HttpContext http, YardOperations yard, CancellationToken ct) =>
        {
            JsonObject? fields;
            try
            {
                fields = await JsonNode.ParseAsync(request.Body, cancellationToken: ct) as JsonObject;
            }
            catch (JsonException ex)
            {
                return ApiResults.Invalid("body", $"The body is not valid JSON: {ex.Message.Split(" Path:")[0]}");
            }
            if (fields is null)
            {
                return ApiResults.Invalid("body", "The body must be a JSON object of the fields to change.");
            }
            return (await yard.PatchTaskAsync(http.User.ToActor(), id, fields, ct)).ToHttp(t => Results.Json(t, Json));
        }).RequireAuthorization(OpsPolicies.Operate).Accepts<JsonObject>("application/json")
            .WithSummary("Change fields of a task in the yard system: priority, hostler_id, destination, origin, notes (audited)");

        group.MapDelete("/tasks/{id}", async (string id, string? reason, HttpRequest request, HttpContext http, YardOperations yard, CancellationToken ct) =>
        {
            if (reason is null && request.ContentLength > 0)
            {
                try
                {
                    reason = (await request.ReadFromJsonAsync<YardDeleteBody>(ct))?.Reason;
                }
                catch (JsonException)
                {
                    return ApiResults.Invalid("body", "The body must be JSON like {\"reason\": \"…\"}.");
                }
            }
            return (await yard.DeleteTaskAsync(http.User.ToActor(), id, reason, ct)).ToHttp(_ => Results.NoContent());
        }).RequireAuthorization(OpsPolicies.Operate)
            .WithSummary("Delete a task in the yard system; a reason (?reason= or {\"reason\"}) is required and audited");

        group.MapGet("/rules", async (YardPoller poller, YardOperations yard, CancellationToken ct) =>
        {
            await poller.EnsureLoadedAsync(ct);
            return Results.Json(yard.Rules(), Json);
        }).RequireAuthorization(OpsPolicies.Read).WithSummary("The business rules with their switches");

        group.MapPut("/rules/{name}", async (string name, YardRuleBody body, HttpContext http, YardOperations yard, CancellationToken ct) =>
            (await yard.SetRuleAsync(http.User.ToActor(), name, body.Enabled, body.DryRun, ct)).ToHttp(r => Results.Json(r, Json)))
            .RequireAuthorization(OpsPolicies.Administer).WithSummary("Enable or disable a rule, or put it in dry run");

        group.MapGet("/settings", async (YardPoller poller, CancellationToken ct) =>
        {
            await poller.EnsureLoadedAsync(ct);
            return Results.Json(poller.Status.Settings, Json);
        }).RequireAuthorization(OpsPolicies.Read).WithSummary("The poller's interval, pause, dry run, deletion cap and stale-task hours");

        group.MapPut("/settings", async (YardSettingsBody body, HttpContext http, YardOperations yard, CancellationToken ct) =>
            (await yard.UpdateSettingsAsync(http.User.ToActor(), new YardSettingsInput(body.IntervalSeconds, body.Paused, body.DryRun, body.DeletionCap, body.StaleTaskHours), ct))
                .ToHttp(s => Results.Json(s, Json)))
            .RequireAuthorization(OpsPolicies.Administer).WithSummary("Change the poller's settings (fields left out stay as they are)");
    }

    private static object Snapshot(YardPoller poller, DateTime now)
    {
        var view = poller.View;
        var status = poller.Status;
        return new
        {
            version = view.Version,
            taken_at = view.Version == 0 ? (DateTime?)null : view.TakenAt,
            stale = status.IsStale(now),
            status = new
            {
                paused = status.Settings.Paused, interval_seconds = status.Settings.IntervalSeconds, dry_run = status.Settings.DryRun,
                last_polled_at = status.LastPolledAt, last_success_at = status.LastSuccessAt, last_error = status.LastError,
                consecutive_failures = status.ConsecutiveFailures, next_poll_at = status.NextPollAt, cap_alert = status.CapAlert,
                failing_rules = status.FailingRules, last_cycle = status.LastCycle,
            },
            hostlers = view.Hostlers,
            workbasket = view.Workbasket,
        };
    }
}
