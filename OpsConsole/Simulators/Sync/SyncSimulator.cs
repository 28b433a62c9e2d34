using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Simulators.Sync;

public sealed record TaskSystemResetBody([property: JsonPropertyName("tasks")] int? Tasks);

public sealed record TaskSystemState(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("tasks")] int Tasks,
    [property: JsonPropertyName("settings")] TaskSystemSettings Settings,
    /// <summary>Requests served and requests answered 429 since the switches were last set (the sync benchmark's rate share).</summary>
    [property: JsonPropertyName("requests")] long Requests = 0,
    [property: JsonPropertyName("rate_limited")] long RateLimited = 0)
{
    public static TaskSystemState Of(TaskSystemWorld world) =>
        new(world.Dialect.Upstream, world.Count, world.Settings, world.RequestsServed, world.RequestsRateLimited);
}

/// <summary>How many tasks the people of a simulated system edit at once (`POST /sim/{name}/control/edit`).</summary>
public sealed record TaskSystemEditBody([property: JsonPropertyName("tasks")] int? Tasks);

/// <summary>Both simulated task systems of the Sync module, by upstream name.</summary>
public sealed class SyncSimulators(IEnumerable<TaskSystemWorld> worlds)
{
    public IReadOnlyList<TaskSystemWorld> All { get; } = worlds.ToList();
    public TaskSystemWorld Source => All.Single(w => w.Dialect == TaskSystemDialect.Source);
    public TaskSystemWorld Destination => All.Single(w => w.Dialect == TaskSystemDialect.Destination);
}

/// <summary>
/// The two task systems a connection syncs between, under /sim/sync-source/api/tasks and /sim/sync-destination/api/cards
/// (docs/upstreams/sync.md): list all or changed since (paged), get, create, update, archive, delete, search, behind
/// the shared fault switches, their auth header, a rate limit (429 with Retry-After) and, on request, idempotency
/// keys. /sim/{name}/control (admins) resets the tasks and sets the switches of its own.
/// </summary>
public static class SyncSimulator
{
    public const int DefaultSourceTasks = 24;

    public static IServiceCollection AddSyncSimulator(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => new TaskSystemWorld(TaskSystemDialect.Source, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<SimulatorOptions>().Seed, Math.Clamp(configuration.GetValue("Simulators:Sync:SourceTasks", DefaultSourceTasks), 0, TaskSystemWorld.MaxTasks)));
        services.AddSingleton(sp => new TaskSystemWorld(TaskSystemDialect.Destination, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<SimulatorOptions>().Seed, Math.Clamp(configuration.GetValue("Simulators:Sync:DestinationTasks", 0), 0, TaskSystemWorld.MaxTasks)));
        services.AddSingleton<SyncSimulators>();
        services.AddSingleton<SyncDemoEditors>();
        services.AddHostedService(sp => sp.GetRequiredService<SyncDemoEditors>());
        services.AddSingleton<SyncSimulatorWebhooks>();
        return services;
    }

    public static void MapSyncSimulator(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<SimulatorRegistry>().Enabled)
        {
            return;
        }
        foreach (var world in app.ServiceProvider.GetRequiredService<SyncSimulators>().All)
        {
            Map(app, world);
        }
    }

    private static void Map(IEndpointRouteBuilder app, TaskSystemWorld world)
    {
        var d = world.Dialect;
        var api = SimulatorEndpoints.Group(app, d.Upstream).MapGroup("/" + d.Collection).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.Request.Headers[d.AuthHeader] != d.AuthValue)
            {
                return Results.Problem($"A valid {d.AuthHeader} header is required.", statusCode: StatusCodes.Status401Unauthorized);
            }
            var wait = world.TakeRequest(out var remaining);
            if (world.Settings.RateLimitRequests > 0)
            {
                http.Response.Headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
            }
            if (wait is { } w)
            {
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(w.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Results.Problem("Rate limit exceeded.", statusCode: StatusCodes.Status429TooManyRequests);
            }
            return await next(context);
        });
        api.AddEndpointFilter((context, next) => SyncSimulatorWebhooks.AfterWriteAsync(context, next, d));
        SyncSimulatorWebhooks.MapControl(app, d);

        api.MapGet("", (HttpRequest request) =>
        {
            var q = request.Query;
            DateTime? since = null;
            if (q[d.ChangedSinceParam].FirstOrDefault() is { Length: > 0 } sinceText)
            {
                if (!DateTime.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var s))
                {
                    return Results.Problem($"{d.ChangedSinceParam} must be an ISO-8601 time.", statusCode: 400);
                }
                since = DateTime.SpecifyKind(s, DateTimeKind.Utc);
            }
            var size = int.TryParse(q[d.PageSizeParam], out var ps) ? ps : 50;
            if (size is < 1 or > 500)
            {
                return Results.Problem($"{d.PageSizeParam} must be between 1 and 500.", statusCode: 400);
            }
            var body = new JsonObject();
            if (d.Paging == PagingStyle.PageNumber)
            {
                var page = int.TryParse(q[d.PageParam], out var p) ? p : 1;
                if (page < 1)
                {
                    return Results.Problem($"{d.PageParam} must be 1 or more.", statusCode: 400);
                }
                var items = world.Changed(since, null, (page - 1) * size, size, out var more);
                body[d.ItemsProperty] = Array(d, items);
                body["page"] = page;
                body["has_more"] = more;
            }
            else
            {
                (DateTime, string)? after = null;
                if (q[d.PageParam].FirstOrDefault() is { Length: > 0 } cursor)
                {
                    if (ReadCursor(cursor) is not { } c)
                    {
                        return Results.Problem($"{d.PageParam} is not a cursor this system gave.", statusCode: 400);
                    }
                    after = c;
                }
                var items = world.Changed(since, after, 0, size, out var more);
                body[d.ItemsProperty] = Array(d, items);
                body["next_cursor"] = more ? WriteCursor(items[^1]) : null;
            }
            return Json(body);
        });
        api.MapGet("/search", (HttpRequest request) =>
            request.Query[d.SearchParam].FirstOrDefault() is { Length: > 0 } text
                ? Json(new JsonObject { [d.ItemsProperty] = Array(d, world.Search(text)) })
                : Results.Problem($"{d.SearchParam} is required.", statusCode: 400));
        api.MapGet("/{id}", (string id) => world.Get(id) is { } t ? Json(Item(d, t)) : NotFound(id));
        api.MapPost("", async (HttpRequest request) =>
        {
            if (await ReadFieldsAsync(request, d) is not { } fields)
            {
                return Results.Problem("The body must be a JSON object of text fields.", statusCode: 400);
            }
            var key = request.Headers["Idempotency-Key"].FirstOrDefault();
            var write = world.Create(fields, key);
            return write.Task is null ? Results.Problem(write.Error, statusCode: 400)
                : write.FailAfterCommit ? Results.Problem("Gateway timeout (simulated, after the task was made).", statusCode: StatusCodes.Status504GatewayTimeout)
                : Results.Text(Item(d, write.Task).ToJsonString(), "application/json", statusCode: StatusCodes.Status201Created);
        });
        api.MapMethods("/{id}", ["PATCH"], async (string id, HttpRequest request) =>
        {
            if (await ReadFieldsAsync(request, d) is not { } fields)
            {
                return Results.Problem("The body must be a JSON object of text fields.", statusCode: 400);
            }
            var write = world.Update(id, fields);
            return write.NotFound ? NotFound(id) : write.Task is null ? Results.Problem(write.Error, statusCode: 400) : Json(Item(d, write.Task));
        });
        api.MapPost("/{id}/archive", (string id) => world.Archive(id) is { Task: { } t } ? Json(Item(d, t)) : NotFound(id));
        api.MapDelete("/{id}", (string id) => world.Delete(id) ? Results.NoContent() : NotFound(id));

        // The simulated system's own switches and data: an admin's, like the shared fault switches.
        var control = app.MapGroup($"/sim/{d.Upstream}/control").RequireAuthorization(OpsPolicies.Administer).ExcludeFromDescription().DisableAntiforgery();
        control.MapGet("", () => Results.Ok(TaskSystemState.Of(world)));
        control.MapPut("", (TaskSystemSettings settings) =>
        {
            var errors = settings.Validate();
            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors);
            }
            world.Configure(settings);
            return Results.Ok(TaskSystemState.Of(world));
        });
        control.MapPost("/reset", (TaskSystemResetBody body) =>
        {
            if (body.Tasks is < 0 or > TaskSystemWorld.MaxTasks)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["tasks"] = [$"tasks must be between 0 and {TaskSystemWorld.MaxTasks}."] });
            }
            world.Reset(body.Tasks ?? 0);
            return Results.Ok(TaskSystemState.Of(world));
        });
        control.MapPost("/edit", (TaskSystemEditBody body) =>
        {
            if (body.Tasks is not (>= 1 and <= TaskSystemWorld.MaxTasks))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["tasks"] = [$"tasks must be between 1 and {TaskSystemWorld.MaxTasks}."] });
            }
            return Results.Ok(new { edited = world.EditMany(body.Tasks.Value) });
        });
    }

    private static IResult NotFound(string id) => Results.Problem($"No task '{id}'.", statusCode: 404);

    private static async Task<Dictionary<string, string?>?> ReadFieldsAsync(HttpRequest request, TaskSystemDialect d)
    {
        try
        {
            if (await JsonNode.ParseAsync(request.Body) is not JsonObject body)
            {
                return null;
            }
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (name, value) in body)
            {
                if (name == d.IdField || name == d.UpdatedAtField || name == d.VersionField || name == TaskSystemDialect.CreatedAtField)
                {
                    continue;
                }
                fields[name] = value switch
                {
                    null => null,
                    JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0 ? null : s,
                    JsonValue v => v.ToJsonString(),
                    _ => null,
                };
            }
            return fields;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonArray Array(TaskSystemDialect d, IEnumerable<SimulatedTask> tasks) => new([.. tasks.Select(t => (JsonNode)Item(d, t))]);

    private static JsonObject Item(TaskSystemDialect d, SimulatedTask t)
    {
        var item = new JsonObject { [d.IdField] = t.Id };
        foreach (var (k, v) in t.Fields)
        {
            item[k] = v;
        }
        item[d.UpdatedAtField] = t.UpdatedAt.ToString("O", CultureInfo.InvariantCulture);
        item[TaskSystemDialect.CreatedAtField] = t.CreatedAt.ToString("O", CultureInfo.InvariantCulture);
        item[d.VersionField] = t.Version;
        item[TaskSystemDialect.ArchivedField] = t.Archived;
        return item;
    }

    private static string WriteCursor(SimulatedTask last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.UpdatedAt.Ticks}|{last.Id}"));

    private static (DateTime, string)? ReadCursor(string cursor)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(cursor)).Split('|', 2);
            return parts.Length == 2 && long.TryParse(parts[0], out var ticks) ? (new DateTime(ticks, DateTimeKind.Utc), parts[1]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static IResult Json(JsonNode body) => Results.Text(body.ToJsonString(), "application/json");
}
