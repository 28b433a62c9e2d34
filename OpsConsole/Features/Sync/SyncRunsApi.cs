using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Sync;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Sync;

/// <summary>The run lifecycle's routes (ADR 0036): the needs-attention list, webhooks and their secrets, and the seed's `GET /api/health`.</summary>
public static class SyncRunsApi
{
    /// <summary>A webhook body larger than this is refused unread.</summary>
    public const int MaxWebhookBytes = 64 * 1024;

    public static void MapSyncRunsApi(this IEndpointRouteBuilder api, RouteGroupBuilder group)
    {
        group.MapGet("/needs-attention", NeedsAttentionAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("Items that failed Sync:ItemMaxAttempts runs in a row and wait for someone, newest failure first; optionally of one connection");
        group.MapPost("/needs-attention/{id}/retry", RetryAsync).AllowedFor(OpsPolicies.Operate)
            .WithSummary("Send an item on the needs-attention list back to the next run (its count starts again)");
        group.MapPost("/connections/{id}/webhook-secret", RotateSecretAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Make the connection a new webhook secret (the old one stops working); shown this once");
        group.MapPost("/connections/{id}/webhook", WebhookAsync).AllowAnonymous().DisableAntiforgery().Accepts<WebhookBody>("application/json")
            .WithSummary("A task system says which items changed (HMAC-SHA256 signed with the connection's secret); queues a run of those items");
        api.MapGet("/health", HealthAsync).AllowAnonymous().WithTags("Sync")
            .WithSummary("The seed's health check: up, the bot's settings and how many connections are in each health state");
    }

    private static async Task<Results<Ok<PageResponse<NeedsAttentionResponse>>, ValidationProblem>> NeedsAttentionAsync(SyncItemRetries retries,
        [AsParameters] SyncConnectionQuery query, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var id = errors.OptionalId("connection_id", query.ConnectionId);
        var page = paging.Read(errors, SyncApi.DefaultPageSize, SyncItemRetries.MaxPageSize);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok(PageResponse<NeedsAttentionResponse>.From(await retries.NeedsAttentionAsync(id, page, ct), NeedsAttentionResponse.From));
    }

    private static async Task<Results<Ok<NeedsAttentionResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> RetryAsync(long id, SyncItemRetries retries,
        HttpContext http, CancellationToken ct) =>
        (await retries.RetryAsync(http.User.ToActor(), id, ct)).ToHttp(a => TypedResults.Ok(NeedsAttentionResponse.From(a)));

    private static async Task<Results<Ok<WebhookSecretResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> RotateSecretAsync(long id, SyncWebhooks webhooks,
        HttpContext http, CancellationToken ct) =>
        (await webhooks.RotateSecretAsync(http.User.ToActor(), id, ct)).ToHttp(s => TypedResults.Ok(
            new WebhookSecretResponse(id, s, $"/api/sync/connections/{id}/webhook", SyncWebhooks.TimestampHeader, SyncWebhooks.SignatureHeader)));

    private static async Task<Results<Accepted<WebhookAcceptedResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, WebhookRefusedProblem>> WebhookAsync(long id,
        SyncWebhooks webhooks, HttpContext http, CancellationToken ct)
    {
        if (http.Request.ContentLength > MaxWebhookBytes)
        {
            return ApiResults.Invalid("body", $"The body is larger than {MaxWebhookBytes / 1024} KB.");
        }
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxWebhookBytes)
        {
            return ApiResults.Invalid("body", $"The body is larger than {MaxWebhookBytes / 1024} KB.");
        }
        var body = buffer.ToArray();
        List<string>? items = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                items = list.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : "").ToList();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the signature is checked first all the same, so an unsigned sender learns nothing from the body's shape.
        }
        var headers = http.Request.Headers;
        var verdict = await webhooks.AcceptAsync(id, headers[SyncWebhooks.TimestampHeader].ToString(), headers[SyncWebhooks.SignatureHeader].ToString(), body, items, ct);
        if (verdict.Refusal is { } refusal)
        {
            return new WebhookRefusedProblem(refusal);
        }
        if (verdict.Run is { } run)
        {
            return TypedResults.Accepted((string?)null, new WebhookAcceptedResponse(run.ConnectionId, run.SourceIds));
        }
        return verdict.Result!.Outcome switch
        {
            OpsOutcome.NotFound => ApiResults.NotFound(verdict.Result.Describe()),
            OpsOutcome.Conflict => ApiResults.Conflict(verdict.Result.Describe()),
            _ => ApiResults.Invalid(verdict.Result.Errors),
        };
    }

    private static async Task<Ok<HealthResponse>> HealthAsync(SyncHistory history, SyncOptions options, CancellationToken ct)
    {
        var statuses = await history.StatusAsync(null, ct);
        var byHealth = Enum.GetValues<SyncConnectionHealth>().ToDictionary(h => h.Wire(), h => statuses.Count(s => s.Connection.Health == h));
        var status = statuses.Any(s => s.Connection.Health is SyncConnectionHealth.UnableToSync || s.Connection.PauseReason is not null) ? "degraded" : "healthy";
        return TypedResults.Ok(new HealthResponse(status, DateTime.UtcNow, options.AutoSyncEnabled, options.IntervalSeconds, statuses.Count, byHealth));
    }
}

/// <summary>One item on the needs-attention list.</summary>
public sealed record NeedsAttentionResponse(long Id, long ConnectionId, string SourceId, string? DestinationId, int Attempts, string? LastError, long LastRunId,
    DateTime FirstFailedAt, DateTime LastFailedAt)
{
    public static NeedsAttentionResponse From(SyncItemAttempt a) =>
        new(a.Id, a.ConnectionId, a.SourceId, a.DestinationId, a.Attempts, a.LastError, a.LastRunId, a.FirstFailedAt, a.LastFailedAt);
}

/// <summary>A connection's new webhook secret, shown this once, with where and how to send webhooks.</summary>
public sealed record WebhookSecretResponse(long ConnectionId, string Secret, string Url, string TimestampHeader, string SignatureHeader);

/// <summary>A webhook's body: the ids of the tasks that changed, as the source or the destination knows them (read from the raw body, which is what is signed).</summary>
public sealed record WebhookBody(IReadOnlyList<string> Items);

public sealed record WebhookAcceptedResponse(long ConnectionId, IReadOnlyList<string> Items);

/// <summary>`GET /api/health`: the seed's health check (no names: anyone may call it).</summary>
public sealed record HealthResponse(string Status, DateTime Time, bool AutoSyncEnabled, int SyncIntervalSeconds, int Connections,
    IReadOnlyDictionary<string, int> ConnectionsByHealth);

/// <summary>401: a webhook that is unsigned, badly signed or stale; the detail says which.</summary>
public sealed class WebhookRefusedProblem(string detail)
    : ProblemResult(StatusCodes.Status401Unauthorized, "The webhook is not signed as the connection's secret signs it.", detail, null), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status401Unauthorized);
}
