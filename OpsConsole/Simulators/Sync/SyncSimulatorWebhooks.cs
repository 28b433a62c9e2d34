using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Sync;

namespace OpsConsole.Simulators.Sync;

/// <summary>Where a simulated task system sends its webhooks: the console's connection and its secret.</summary>
public sealed record TaskSystemWebhook(
    [property: JsonPropertyName("connection_id")] long ConnectionId,
    [property: JsonPropertyName("secret")] string Secret);

/// <summary>
/// The simulators' webhooks (ADR 0036), off until configured: `PUT /sim/{name}/control/webhook {connection_id, secret}`
/// (admins; `DELETE` stops them). Then every write through the system's API (create, update, archive, delete) is told
/// to the console's `POST /api/sync/connections/{id}/webhook`, signed as a real system would, naming the task changed.
/// Sent after the answer, without waiting; one that fails is lost, as with real systems (the interval run heals it).
/// </summary>
public sealed class SyncSimulatorWebhooks(IHttpClientFactory clients, TimeProvider time, ILogger<SyncSimulatorWebhooks> logger)
{
    private readonly ConcurrentDictionary<string, TaskSystemWebhook> _targets = new(StringComparer.Ordinal);

    public TaskSystemWebhook? For(string upstream) => _targets.GetValueOrDefault(upstream);

    public void Set(string upstream, TaskSystemWebhook? target)
    {
        if (target is null)
        {
            _targets.TryRemove(upstream, out _);
        }
        else
        {
            _targets[upstream] = target;
        }
    }

    /// <summary>The control routes, beside the system's own switches.</summary>
    public static void MapControl(IEndpointRouteBuilder app, TaskSystemDialect d)
    {
        var control = app.MapGroup($"/sim/{d.Upstream}/control/webhook").RequireAuthorization(OpsPolicies.Administer).ExcludeFromDescription().DisableAntiforgery();
        control.MapGet("", (SyncSimulatorWebhooks hooks) => hooks.For(d.Upstream) is { } t ? Results.Ok(t with { Secret = "" }) : Results.NotFound());
        control.MapPut("", (TaskSystemWebhook target, SyncSimulatorWebhooks hooks) =>
        {
            if (target.ConnectionId <= 0 || string.IsNullOrWhiteSpace(target.Secret))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["webhook"] = ["connection_id and secret are required."] });
            }
            hooks.Set(d.Upstream, target);
            return Results.NoContent();
        });
        control.MapDelete("", (SyncSimulatorWebhooks hooks) =>
        {
            hooks.Set(d.Upstream, null);
            return Results.NoContent();
        });
    }

    /// <summary>The filter on the system's API that sends a webhook after each successful write.</summary>
    public static async ValueTask<object?> AfterWriteAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, TaskSystemDialect d)
    {
        var result = await next(context);
        var http = context.HttpContext;
        if (HttpMethods.IsGet(http.Request.Method) || http.RequestServices.GetRequiredService<SyncSimulatorWebhooks>() is not { } hooks
            || hooks.For(d.Upstream) is not { } target)
        {
            return result;
        }
        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        var id = http.Request.RouteValues["id"] as string;
        if (id is null && result is ContentHttpResult { ResponseContent: { } content })
        {
            id = (JsonNode.Parse(content) as JsonObject)?[d.IdField]?.GetValue<string>();
        }
        if (status is >= 200 and < 300 && id is not null)
        {
            var url = $"{http.Request.Scheme}://{http.Request.Host}/api/sync/connections/{target.ConnectionId}/webhook";
            _ = Task.Run(() => hooks.SendAsync(url, target, id));
        }
        return result;
    }

    private async Task SendAsync(string url, TaskSystemWebhook target, string id)
    {
        try
        {
            var body = Encoding.UTF8.GetBytes(new JsonObject { ["items"] = new JsonArray(id) }.ToJsonString());
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add(SyncWebhooks.TimestampHeader, timestamp);
            request.Headers.Add(SyncWebhooks.SignatureHeader, SyncWebhooks.Sign(target.Secret, timestamp, body));
            using var response = await clients.CreateClient(nameof(SyncSimulatorWebhooks)).SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogInformation("A simulated webhook for {Item} was answered {Status}.", id, (int)response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            logger.LogInformation("A simulated webhook for {Item} could not be sent: {Error}", id, ex.Message);
        }
    }
}
