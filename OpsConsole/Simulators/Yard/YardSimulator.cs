using OpsConsole.Core.Shared.Identity;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OpsConsole.Core.Yard;

namespace OpsConsole.Simulators.Yard;

/// <summary>A task to add to the simulated yard (tests, demos); unset fields get sensible values.</summary>
public sealed record SimTaskBody(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("trailer_id")] string? TrailerId,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("hostler_id")] string? HostlerId,
    [property: JsonPropertyName("priority")] int? Priority,
    [property: JsonPropertyName("origin")] string? Origin,
    [property: JsonPropertyName("destination")] string? Destination,
    [property: JsonPropertyName("created_at")] DateTime? CreatedAt,
    [property: JsonPropertyName("notes")] string? Notes,
    [property: JsonPropertyName("detail_gone")] bool? DetailGone = null);

public sealed record SimHostlerStatusBody([property: JsonPropertyName("status")] string? Status);

/// <summary>
/// The yard system's API under /sim/yard/api (docs/upstreams/yard.md), behind the fault switches and the API key,
/// plus /sim/yard/world to reshape the world (sizes, frozen, a field left out) for tests and benchmarks.
/// </summary>
public static class YardSimulator
{
    public static IServiceCollection AddYardSimulator(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton(sp => new YardWorld(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<SimulatorOptions>().Seed,
            new YardWorldSettings(
                Math.Clamp(configuration.GetValue("Simulators:Yard:Hostlers", 24), 0, YardWorldSettings.MaxHostlers),
                Math.Clamp(configuration.GetValue("Simulators:Yard:WorkbasketTasks", 40), 0, YardWorldSettings.MaxTasks),
                Invalid: configuration.GetValue("Simulators:Yard:Invalid", true))));

    public static void MapYardSimulator(this IEndpointRouteBuilder app)
    {
        var registry = app.ServiceProvider.GetRequiredService<SimulatorRegistry>();
        if (!registry.Enabled)
        {
            return;
        }
        var apiKey = app.ServiceProvider.GetRequiredService<IConfiguration>()["Simulators:Yard:ApiKey"] is { Length: > 0 } k ? k : "sim-yard-key";
        var api = SimulatorEndpoints.Group(app, YardModule.Upstream).MapGroup("/api").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers[YardClient.ApiKeyHeader] == apiKey
                ? await next(context)
                : Results.Problem("A valid X-Api-Key header is required.", statusCode: StatusCodes.Status401Unauthorized));

        api.MapGet("/workbasket/tasks", (YardWorld world) => world.Read((_, tasks) =>
            Json(new JsonObject { ["tasks"] = Summaries(world, tasks.Values.Where(t => t.HostlerId is null)) })));
        api.MapGet("/hostlers", (YardWorld world) => world.Read((hostlers, _) =>
            Json(new JsonObject { ["hostlers"] = new JsonArray([.. hostlers.Select(h => Omit(world, new JsonObject
            {
                ["id"] = h.Id, ["name"] = h.Name, ["status"] = h.Status, ["status_since"] = h.StatusSince,
            }))]) })));
        api.MapGet("/hostlers/{id}/tasks", (string id, YardWorld world) => world.Read((hostlers, tasks) =>
            hostlers.Any(h => h.Id == id)
                ? Json(new JsonObject { ["tasks"] = Summaries(world, tasks.Values.Where(t => t.HostlerId == id)) })
                : Results.Problem($"No hostler '{id}'.", statusCode: StatusCodes.Status404NotFound)));
        api.MapGet("/tasks/{id}", (string id, YardWorld world) => world.Read((_, tasks) =>
            tasks.TryGetValue(id, out var t) && !t.DetailGone ? Json(Detail(world, t)) : Results.Problem($"No task '{id}'.", statusCode: StatusCodes.Status404NotFound)));
        api.MapMethods("/tasks/{id}", ["PATCH"], async (string id, HttpRequest request, YardWorld world) =>
        {
            JsonObject? body;
            try
            {
                body = await JsonNode.ParseAsync(request.Body) as JsonObject;
            }
            catch (JsonException)
            {
                body = null;
            }
            if (body is null)
            {
                return Results.Problem("The body must be a JSON object of fields to change.", statusCode: StatusCodes.Status400BadRequest);
            }
            if (body.Select(p => p.Key).FirstOrDefault(f => !YardTask.PatchableFields.Contains(f)) is { } unknown)
            {
                return Results.Problem($"Field '{unknown}' cannot be patched.", statusCode: StatusCodes.Status400BadRequest);
            }
            var task = world.Patch(id, t => Apply(t, body));
            return task is null ? Results.Problem($"No task '{id}'.", statusCode: StatusCodes.Status404NotFound) : Json(Detail(world, task));
        });
        api.MapDelete("/tasks/{id}", (string id, YardWorld world) =>
            world.Delete(id) ? Results.NoContent() : Results.Problem($"No task '{id}'.", statusCode: StatusCodes.Status404NotFound));

        // The simulated yard's data (reset, add tasks, change a hostler): an admin's, like the fault switches; the
        // upstream API above stays as the yard system's own (its API key, no console account).
        var control = app.MapGroup("/sim/yard/world").RequireAuthorization(OpsPolicies.Administer).ExcludeFromDescription().DisableAntiforgery();
        control.MapGet("", (YardWorld world) => Results.Ok(world.Counts()));
        control.MapPost("", (YardWorldSettings settings, YardWorld world) =>
        {
            if (settings.Hostlers is < 0 or > YardWorldSettings.MaxHostlers || settings.WorkbasketTasks is < 0 or > YardWorldSettings.MaxTasks)
            {
                return Results.Problem($"hostlers must be 0–{YardWorldSettings.MaxHostlers} and workbasket_tasks 0–{YardWorldSettings.MaxTasks}.", statusCode: 400);
            }
            world.Reset(settings);
            return Results.Ok(world.Counts());
        });
        control.MapPost("/tasks", (SimTaskBody[] bodies, YardWorld world, TimeProvider time) =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var ids = world.Add(bodies.Select(b => new SimTask
            {
                Id = b.Id ?? world.NextTaskId(), TrailerId = b.TrailerId ?? $"TRL-X{Guid.NewGuid().ToString("N")[..6]}",
                Status = b.Status ?? (b.HostlerId is null ? YardTask.Waiting : YardTask.Assigned), HostlerId = b.HostlerId,
                Priority = b.Priority ?? 3, Origin = b.Origin ?? "DOOR-01", Destination = b.Destination,
                CreatedAt = b.CreatedAt ?? now, UpdatedAt = now, Notes = b.Notes, DetailGone = b.DetailGone == true,
            }));
            return Results.Ok(new { ids });
        });
        control.MapPost("/hostlers/{id}/status", (string id, SimHostlerStatusBody body, YardWorld world) =>
            body.Status is null || !YardHostler.Statuses.Contains(body.Status)
                ? Results.Problem($"status must be one of {string.Join(", ", YardHostler.Statuses)}.", statusCode: 400)
                : world.SetHostlerStatus(id, body.Status) ? Results.Ok(new { id, status = body.Status })
                : Results.Problem($"No hostler '{id}'.", statusCode: 404));
        control.MapPost("/step", (int? steps, YardWorld world) =>
        {
            world.StepNow(Math.Clamp(steps ?? 1, 1, 1000));
            return Results.Ok(world.Counts());
        });
    }

    private static JsonArray Summaries(YardWorld world, IEnumerable<SimTask> tasks) => new([.. tasks.Select(t => Omit(world, new JsonObject
    {
        ["id"] = t.Id, ["status"] = t.Status, ["hostler_id"] = t.HostlerId, ["version"] = t.Version,
    }))]);

    private static JsonObject Detail(YardWorld world, SimTask t) => Omit(world, new JsonObject
    {
        ["id"] = t.Id, ["type"] = t.Type, ["trailer_id"] = t.TrailerId, ["status"] = t.Status, ["hostler_id"] = t.HostlerId,
        ["priority"] = t.Priority, ["origin"] = t.Origin, ["destination"] = t.Destination, ["created_at"] = t.CreatedAt,
        ["updated_at"] = t.UpdatedAt, ["version"] = t.Version, ["notes"] = t.Notes,
    });

    /// <summary>The "missing field" fault: the world's omit_field is left out of every item.</summary>
    private static JsonObject Omit(YardWorld world, JsonObject item)
    {
        if (world.Settings.OmitField is { } field)
        {
            item.Remove(field);
        }
        return item;
    }

    private static IResult Json(JsonNode body) => Results.Text(body.ToJsonString(), "application/json");

    private static void Apply(SimTask task, JsonObject body)
    {
        foreach (var (name, value) in body)
        {
            switch (name)
            {
                case "priority":
                    task.Priority = value?.GetValue<int>() ?? task.Priority;
                    break;
                case "hostler_id":
                    task.HostlerId = value?.GetValue<string>();
                    task.Status = task.HostlerId is null ? YardTask.Waiting : task.Status == YardTask.Waiting ? YardTask.Assigned : task.Status;
                    break;
                case "destination":
                    task.Destination = value?.GetValue<string>();
                    break;
                case "origin":
                    task.Origin = value?.GetValue<string>();
                    break;
                case "notes":
                    task.Notes = value?.GetValue<string>();
                    break;
            }
        }
    }
}
