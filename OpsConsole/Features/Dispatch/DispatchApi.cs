using System.Text.Json;
using System.Text.Json.Serialization;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Dispatch;

/// <summary>The seed's shapes (snake_case) for suggestions and tasks.</summary>
public sealed record SuggestionBody(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("from_station_id")] int FromStationId,
    [property: JsonPropertyName("to_station_id")] int ToStationId,
    [property: JsonPropertyName("qty")] int Qty,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt)
{
    public static SuggestionBody From(Suggestion s) =>
        new(s.Id, s.FromStationId, s.ToStationId, s.Qty, s.Reason, s.Status.ToString().ToLowerInvariant(), s.CreatedAt);
}

public sealed record TaskBody(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("from_station_id")] int FromStationId,
    [property: JsonPropertyName("to_station_id")] int ToStationId,
    [property: JsonPropertyName("qty")] int Qty,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("worker_id")] string? WorkerId,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("assigned_at")] DateTime? AssignedAt,
    [property: JsonPropertyName("completed_at")] DateTime? CompletedAt,
    [property: JsonPropertyName("approved_by")] string? ApprovedBy)
{
    public static TaskBody From(DispatchTask t) =>
        new(t.Id, t.FromStationId, t.ToStationId, t.Qty, t.Reason, t.Status.Name(), t.WorkerId, t.CreatedAt, t.AssignedAt, t.CompletedAt, t.ApprovedBy);
}

public sealed record NewSuggestionBody(
    [property: JsonPropertyName("from_station_id")] int? FromStationId,
    [property: JsonPropertyName("to_station_id")] int? ToStationId,
    [property: JsonPropertyName("qty")] int? Qty,
    [property: JsonPropertyName("reason")] string? Reason);

public sealed record ApproveBody([property: JsonPropertyName("suggestion_id")] long? SuggestionId);
public sealed record WorkerBody([property: JsonPropertyName("worker_id")] string? WorkerId);
public sealed record RejectBody([property: JsonPropertyName("reason")] string? Reason);
public sealed record BulkBody(
    [property: JsonPropertyName("ids")] long[]? Ids,
    [property: JsonPropertyName("filter")] FilterBody? Filter,
    [property: JsonPropertyName("reason")] string? Reason);

/// <summary>"Everything matching": every field optional; an empty filter matches every pending suggestion.</summary>
public sealed record FilterBody(
    [property: JsonPropertyName("station_id")] int? StationId,
    [property: JsonPropertyName("from_station_id")] int? FromStationId,
    [property: JsonPropertyName("to_station_id")] int? ToStationId,
    [property: JsonPropertyName("min_qty")] int? MinQty,
    [property: JsonPropertyName("max_qty")] int? MaxQty,
    [property: JsonPropertyName("older_than_minutes")] int? OlderThanMinutes,
    [property: JsonPropertyName("newer_than_minutes")] int? NewerThanMinutes)
{
    public SuggestionFilter ToFilter() => new(StationId, FromStationId, ToStationId, MinQty, MaxQty, OlderThanMinutes, NewerThanMinutes);
}

public sealed record StationBody([property: JsonPropertyName("id")] int Id, [property: JsonPropertyName("name")] string? Name);

public static class DispatchApi
{
    public static void MapDispatchApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("").WithTags("Dispatch");
        group.MapGet("/suggestions", async (DispatchService dispatch, CancellationToken ct) =>
            TypedResults.Ok((await dispatch.PendingSuggestionsAsync(ct)).Select(SuggestionBody.From)))
            .RequireAuthorization(OpsPolicies.Read).WithSummary("Pending suggestions, oldest first");
        group.MapPost("/suggestions", SubmitAsync).RequireAuthorization(OpsPolicies.PostSuggestions)
            .WithSummary("Post one suggestion or an array of them (all or nothing)");
        group.MapPost("/task/approve", async (ApproveBody body, DispatchService dispatch, HttpContext http, CancellationToken ct) =>
            body.SuggestionId is not { } id
                ? ApiResults.Invalid("suggestion_id", "suggestion_id is required.")
                : (await dispatch.ApproveAsync(http.User.ToActor(), id, ct)).ToHttp(t => TypedResults.Ok(TaskBody.From(t))))
            .RequireAuthorization(OpsPolicies.Supervise).WithSummary("Approve a suggestion: it becomes a ready task");
        group.MapPost("/suggestions/{id:long}/reject", async (long id, RejectBody body, DispatchService dispatch, HttpContext http, CancellationToken ct) =>
            (await dispatch.RejectAsync(http.User.ToActor(), id, body.Reason, ct)).ToHttp(s => TypedResults.Ok(SuggestionBody.From(s))))
            .RequireAuthorization(OpsPolicies.Supervise);
        group.MapPost("/suggestions/bulk-approve", (BulkBody body, DispatchService dispatch, HttpContext http, CancellationToken ct) =>
            BulkAsync(body, approve: true, dispatch, http, ct)).RequireAuthorization(OpsPolicies.Supervise);
        group.MapPost("/suggestions/bulk-reject", (BulkBody body, DispatchService dispatch, HttpContext http, CancellationToken ct) =>
            BulkAsync(body, approve: false, dispatch, http, ct)).RequireAuthorization(OpsPolicies.Supervise);
        group.MapPost("/dispatch/next", NextAsync).RequireAuthorization(OpsPolicies.Dispatch)
            .WithSummary("The oldest ready task, assigned to this worker (404 when none is ready)");
        group.MapPost("/task/{id:long}/complete", async (long id, HttpContext http, DispatchService dispatch, CancellationToken ct) =>
            {
                // The seed completes with no body; a body may name the worker, and a malformed one is refused.
                WorkerBody? body = null;
                if (http.Request.ContentLength is > 0 || http.Request.Headers.ContainsKey("Transfer-Encoding"))
                {
                    try
                    {
                        body = await JsonSerializer.DeserializeAsync<WorkerBody>(http.Request.Body, cancellationToken: ct);
                    }
                    catch (JsonException)
                    {
                        return ApiResults.Invalid("body", "The body must be JSON like {\"worker_id\": \"...\"}, or empty.");
                    }
                }
                return (await dispatch.CompleteAsync(http.User.ToActor(), id, body?.WorkerId, ct)).ToHttp(t => TypedResults.Ok(TaskBody.From(t)));
            })
            .RequireAuthorization(OpsPolicies.Dispatch);
        group.MapPost("/task/{id:long}/unassign", async (long id, DispatchService dispatch, HttpContext http, CancellationToken ct) =>
            (await dispatch.UnassignAsync(http.User.ToActor(), id, ct)).ToHttp(t => TypedResults.Ok(TaskBody.From(t))))
            .RequireAuthorization(OpsPolicies.Supervise);
        group.MapGet("/stations", async (StationDirectory stations, CancellationToken ct) =>
            TypedResults.Ok((await stations.NamesAsync(ct)).OrderBy(s => s.Key).Select(s => new StationBody(s.Key, s.Value))))
            .RequireAuthorization(OpsPolicies.Read).WithSummary("Known station names");
        group.MapPut("/stations", async (StationBody[] body, StationDirectory stations, HttpContext http, CancellationToken ct) =>
            (await stations.UpsertAsync(http.User.ToActor(), body.Select(b => new Station { Id = b.Id, Name = b.Name ?? "" }).ToList(), ct))
                .ToHttp(count => TypedResults.Ok(new { upserted = count })))
            .RequireAuthorization(OpsPolicies.Supervise).WithSummary("Add or rename stations (an array of {id, name})");
        group.MapGet("/tasks", TasksAsync).RequireAuthorization(OpsPolicies.Read);
        group.MapPost("/suggestions/import", ImportAsync).RequireAuthorization(OpsPolicies.Supervise).DisableAntiforgery()
            .WithSummary("Import suggestions from CSV (text/csv body or a multipart 'file'); all or nothing, with a report of bad rows");
    }

    private static async Task<IResult> SubmitAsync(HttpContext http, DispatchService dispatch, CancellationToken ct)
    {
        // One object or an array of them, as the ML engine prefers.
        JsonElement json;
        try
        {
            json = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: ct);
        }
        catch (JsonException ex)
        {
            return ApiResults.Invalid("body", $"The body is not valid JSON: {ex.Message.Split(" Path:")[0]}");
        }
        List<NewSuggestion> batch;
        try
        {
            batch = json.ValueKind == JsonValueKind.Array
                ? json.Deserialize<List<NewSuggestionBody>>()!.Select(ToNew).ToList()
                : json.ValueKind == JsonValueKind.Object ? [ToNew(json.Deserialize<NewSuggestionBody>()!)] : throw new JsonException("Send an object or an array.");
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return ApiResults.Invalid(field, $"{field} has the wrong type or format.");
        }
        var result = await dispatch.SubmitAsync(http.User.ToActor(), batch, ct);
        return result.ToHttp(rows => json.ValueKind == JsonValueKind.Array
            ? TypedResults.Created("/api/suggestions", rows.Select(SuggestionBody.From))
            : TypedResults.Created("/api/suggestions", SuggestionBody.From(rows[0])));
    }

    private static async Task<IResult> ImportAsync(HttpContext http, SuggestionCsvImport import, CancellationToken ct)
    {
        if (http.Request.ContentLength > SuggestionCsvImport.MaxBytes)
        {
            return TypedResults.Problem($"The file is larger than {SuggestionCsvImport.MaxBytes / 1024 / 1024} MB.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        Stream body;
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(ct);
            if (form.Files.GetFile("file") is not { } file)
            {
                return ApiResults.Invalid("file", "Send the CSV as a multipart field named 'file'.");
            }
            if (file.Length > SuggestionCsvImport.MaxBytes)
            {
                return TypedResults.Problem("The file is larger than 10 MB.", statusCode: StatusCodes.Status413PayloadTooLarge);
            }
            body = file.OpenReadStream();
        }
        else if (http.Request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true
            || http.Request.ContentType?.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase) == true)
        {
            body = http.Request.Body;
        }
        else
        {
            return ApiResults.Invalid("Content-Type", "Send text/csv, or multipart/form-data with a 'file' field.");
        }
        await using (body)
        {
            var result = await import.ImportAsync(http.User.ToActor(), body, ct);
            if (result.Succeeded)
            {
                return TypedResults.Created("/api/suggestions", new { imported = result.Imported });
            }
            var errors = result.Problems.GroupBy(p => p.Line > 0 ? $"line {p.Line}: {p.Field}" : p.Field)
                .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray());
            return TypedResults.ValidationProblem(errors, title: "Nothing was imported: fix these rows and send the file again.",
                extensions: new Dictionary<string, object?> { ["report"] = result.Problems });
        }
    }

    private static NewSuggestion ToNew(NewSuggestionBody b) => new(b.FromStationId, b.ToStationId, b.Qty, b.Reason);

    private static async Task<IResult> NextAsync(WorkerBody body, DispatchService dispatch, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.WorkerId) || body.WorkerId.Length > DispatchService.MaxWorkerIdLength)
        {
            return ApiResults.Invalid("worker_id", $"worker_id is required (at most {DispatchService.MaxWorkerIdLength} characters).");
        }
        var task = await dispatch.NextAsync(http.User.ToActor(), body.WorkerId, ct);
        return task is null
            ? TypedResults.Problem("No task is ready.", statusCode: StatusCodes.Status404NotFound, title: "Not found")
            : TypedResults.Ok(TaskBody.From(task));
    }

    private static async Task<IResult> BulkAsync(BulkBody body, bool approve, DispatchService dispatch, HttpContext http, CancellationToken ct)
    {
        if (body.Filter is { } filter)
        {
            if (body.Ids is not null)
            {
                return ApiResults.Invalid("ids", "Send either ids or filter, not both.");
            }
            var matching = await dispatch.DecideMatchingAsync(http.User.ToActor(), filter.ToFilter(), approve, body.Reason, ct);
            return matching.ToHttp(outcome => TypedResults.Ok(DecisionBody(outcome)));
        }
        if (body.Ids is not { Length: > 0 and <= DispatchService.MaxBatch })
        {
            return ApiResults.Invalid("ids", $"ids must list between 1 and {DispatchService.MaxBatch} suggestion ids (or send a filter).");
        }
        if (!approve && DispatchService.ReasonError(body.Reason) is { } error)
        {
            return ApiResults.Invalid("reason", error);
        }
        var outcome = await dispatch.DecideAsync(http.User.ToActor(), body.Ids, approve, body.Reason, ct);
        return TypedResults.Ok(DecisionBody(outcome));
    }

    private static object DecisionBody(DecisionOutcome outcome) =>
        new { decided = outcome.Decided, refused = outcome.Refused.ToDictionary(r => r.Key.ToString(), r => r.Value) };

    private static async Task<IResult> TasksAsync(DispatchService dispatch, string? status, string? worker_id, int? page, int? pageSize, CancellationToken ct)
    {
        DispatchTaskStatus? parsed = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<DispatchTaskStatus>(status, true, out var s) || int.TryParse(status, out _))
            {
                return ApiResults.Invalid("status", "status must be ready, assigned or completed.");
            }
            parsed = s;
        }
        if (pageSize is < 1 or > 500)
        {
            return ApiResults.Invalid("pageSize", "pageSize must be between 1 and 500.");
        }
        if (page is < 0)
        {
            return ApiResults.Invalid("page", "page starts at 0.");
        }
        var result = await dispatch.TasksAsync(parsed, worker_id, page ?? 0, pageSize ?? 50, ct);
        return TypedResults.Ok(new { items = result.Items.Select(TaskBody.From), total = result.Total, page = result.PageIndex, pageSize = result.PageSize });
    }
}
