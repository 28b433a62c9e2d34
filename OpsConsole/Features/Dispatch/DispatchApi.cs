using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Dispatch;

/// <summary>Seed 4's routes under /api: suggestions in, decisions, tasks out to workers, stations, the CSV import.</summary>
public static class DispatchApi
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public static void MapDispatchApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("").WithTags("Dispatch");
        group.MapGet("/suggestions", ListPendingSuggestionsAsync).AllowedFor(OpsPolicies.Read).WithSummary("Pending suggestions, oldest first");
        group.MapPost("/suggestions", SubmitSuggestionsAsync).AllowedFor(OpsPolicies.PostSuggestions).TakesBody<NewSuggestionRequest>()
            .WithSummary("Post one suggestion, or an array of them (all or nothing); 201 with what was stored, in the shape sent");
        group.MapPost("/task/approve", ApproveSuggestionAsync).AllowedFor(OpsPolicies.Supervise).WithSummary("Approve a suggestion: it becomes a ready task");
        group.MapPost("/suggestions/{id}/reject", RejectSuggestionAsync).AllowedFor(OpsPolicies.Supervise).WithSummary("Reject a suggestion with a reason");
        group.MapPost("/suggestions/bulk-approve", BulkApproveAsync).AllowedFor(OpsPolicies.Supervise)
            .WithSummary("Approve many suggestions, by ids or by a filter resolved now");
        group.MapPost("/suggestions/bulk-reject", BulkRejectAsync).AllowedFor(OpsPolicies.Supervise)
            .WithSummary("Reject many suggestions with one reason, by ids or by a filter resolved now");
        group.MapPost("/suggestions/import", ImportSuggestionsAsync).AllowedFor(OpsPolicies.Supervise).DisableAntiforgery()
            .TakesBody<IFormFile>("multipart/form-data", "text/csv")
            .WithSummary("Import suggestions from CSV (text/csv body or a multipart 'file'); all or nothing, with a report of bad rows");
        group.MapPost("/dispatch/next", ClaimNextTaskAsync).AllowedFor(OpsPolicies.Dispatch)
            .WithSummary("The oldest ready task, assigned to this worker (404 when none is ready)");
        group.MapPost("/task/{id}/complete", CompleteTaskAsync).AllowedFor(OpsPolicies.Dispatch).TakesOptionalBody<WorkerRequest>()
            .WithSummary("Complete an assigned task; the body may name the worker, or be empty as in the seed");
        group.MapPost("/task/{id}/unassign", UnassignTaskAsync).AllowedFor(OpsPolicies.Supervise).WithSummary("Take a stuck task back to ready");
        group.MapGet("/tasks", ListTasksAsync).AllowedFor(OpsPolicies.Read).WithSummary("Tasks, newest first, filtered and paged");
        group.MapGet("/stations", ListStationsAsync).AllowedFor(OpsPolicies.Read).WithSummary("Known station names");
        group.MapPut("/stations", UpsertStationsAsync).AllowedFor(OpsPolicies.Supervise).WithSummary("Add or rename stations (an array of {id, name})");
    }

    private static async Task<Ok<List<SuggestionResponse>>> ListPendingSuggestionsAsync(DispatchService dispatch, CancellationToken ct) =>
        TypedResults.Ok((await dispatch.PendingSuggestionsAsync(ct)).Select(SuggestionResponse.From).ToList());

    /// <summary>One object or an array of them, as the ML engine prefers; the answer has the shape that was sent.</summary>
    private static async Task<Results<Created<SuggestionResponse>, Created<List<SuggestionResponse>>, ValidationProblem>> SubmitSuggestionsAsync(
        DispatchService dispatch, IOptions<JsonOptions> json, HttpContext http, CancellationToken ct)
    {
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: ct);
        }
        catch (JsonException ex)
        {
            return ApiResults.Invalid("body", $"The body is not valid JSON: {ex.Message.Split(" Path:")[0]}");
        }
        var many = body.ValueKind == JsonValueKind.Array;
        if (!many && body.ValueKind != JsonValueKind.Object)
        {
            return ApiResults.Invalid("body", "Send a suggestion object or an array of them.");
        }
        List<NewSuggestion> batch;
        try
        {
            batch = many
                ? body.Deserialize<List<NewSuggestionRequest>>(json.Value.SerializerOptions)!.Select(s => s.ToInput()).ToList()
                : [body.Deserialize<NewSuggestionRequest>(json.Value.SerializerOptions)!.ToInput()];
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return ApiResults.Invalid(field, $"{field} has the wrong type or format.");
        }
        var result = await dispatch.SubmitAsync(http.User.ToActor(), batch, ct);
        if (!result.Succeeded)
        {
            return ApiResults.Invalid(result.Errors);
        }
        var stored = result.Value!.Select(SuggestionResponse.From).ToList();
        return many ? TypedResults.Created("/api/suggestions", stored) : TypedResults.Created("/api/suggestions", stored[0]);
    }

    private static async Task<Results<Ok<TaskResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> ApproveSuggestionAsync(ApproveRequest request,
        DispatchService dispatch, HttpContext http, CancellationToken ct) =>
        (await dispatch.ApproveAsync(http.User.ToActor(), request.SuggestionId, ct)).ToHttp(t => TypedResults.Ok(TaskResponse.From(t)));

    private static async Task<Results<Ok<SuggestionResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> RejectSuggestionAsync(long id,
        RejectRequest request, DispatchService dispatch, HttpContext http, CancellationToken ct) =>
        (await dispatch.RejectAsync(http.User.ToActor(), id, request.Reason, ct)).ToHttp(s => TypedResults.Ok(SuggestionResponse.From(s)));

    private static async Task<Results<Ok<DecisionResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> BulkApproveAsync(
        BulkDecisionRequest request, DispatchService dispatch, HttpContext http, CancellationToken ct) =>
        (await dispatch.DecideBulkAsync(http.User.ToActor(), request.ToInput(), approve: true, ct)).ToHttp(o => TypedResults.Ok(DecisionResponse.From(o)));

    private static async Task<Results<Ok<DecisionResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> BulkRejectAsync(
        BulkDecisionRequest request, DispatchService dispatch, HttpContext http, CancellationToken ct) =>
        (await dispatch.DecideBulkAsync(http.User.ToActor(), request.ToInput(), approve: false, ct)).ToHttp(o => TypedResults.Ok(DecisionResponse.From(o)));

    private static async Task<Results<Created<SuggestionsImportedResponse>, ValidationProblem, UploadRefusedProblem>> ImportSuggestionsAsync(HttpContext http,
        SuggestionCsvImport import, CancellationToken ct)
    {
        var read = await UploadReader.ReadAsync(http.Request, SuggestionCsvImport.MaxBytes, ct);
        if (read.Invalid is { } invalid)
        {
            return invalid;
        }
        if (read.Refused is { } refused)
        {
            return refused;
        }
        await using var upload = read.Upload!;
        var result = await import.ImportAsync(http.User.ToActor(), upload.Content, ct);
        if (result.Succeeded)
        {
            return TypedResults.Created("/api/suggestions", new SuggestionsImportedResponse(result.Imported));
        }
        var errors = result.Problems.GroupBy(p => p.Line > 0 ? $"line {p.Line}: {p.Field}" : p.Field)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray());
        return TypedResults.ValidationProblem(errors, title: "Nothing was imported: fix these rows and send the file again.",
            extensions: new Dictionary<string, object?> { ["report"] = result.Problems });
    }

    private static async Task<Results<Ok<TaskResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> ClaimNextTaskAsync(WorkerRequest request,
        DispatchService dispatch, HttpContext http, CancellationToken ct) =>
        (await dispatch.NextAsync(http.User.ToActor(), request.WorkerId, ct)).ToHttp(t => TypedResults.Ok(TaskResponse.From(t)));

    private static async Task<Results<Ok<TaskResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> CompleteTaskAsync(long id,
        DispatchService dispatch, HttpContext http, CancellationToken ct)
    {
        var (request, invalid) = await OptionalJsonBody.ReadAsync<WorkerRequest>(http.Request, "{\"worker_id\": \"...\"}", ct);
        if (invalid is not null)
        {
            return invalid;
        }
        return (await dispatch.CompleteAsync(http.User.ToActor(), id, request?.WorkerId, ct)).ToHttp(t => TypedResults.Ok(TaskResponse.From(t)));
    }

    private static async Task<Results<Ok<TaskResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> UnassignTaskAsync(long id,
        DispatchService dispatch, HttpContext http, CancellationToken ct) =>
        (await dispatch.UnassignAsync(http.User.ToActor(), id, ct)).ToHttp(t => TypedResults.Ok(TaskResponse.From(t)));

    private static async Task<Results<Ok<PageResponse<TaskResponse>>, ValidationProblem>> ListTasksAsync(DispatchService dispatch,
        [AsParameters] TasksQuery query, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var page = paging.Read(errors, DefaultPageSize, MaxPageSize);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        var result = await dispatch.TasksAsync(query.ToInput(), page, ct);
        return result.Succeeded ? TypedResults.Ok(PageResponse<TaskResponse>.From(result.Value!, TaskResponse.From)) : ApiResults.Invalid(result.Errors);
    }

    private static async Task<Ok<List<StationResponse>>> ListStationsAsync(StationDirectory stations, CancellationToken ct) =>
        TypedResults.Ok((await stations.NamesAsync(ct)).OrderBy(s => s.Key).Select(s => new StationResponse(s.Key, s.Value)).ToList());

    private static async Task<Results<Ok<StationsUpsertedResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> UpsertStationsAsync(
        StationRequest[] request, StationDirectory stations, HttpContext http, CancellationToken ct) =>
        (await stations.UpsertAsync(http.User.ToActor(), request.Select(b => new Station { Id = b.Id, Name = b.Name ?? "" }).ToList(), ct))
            .ToHttp(count => TypedResults.Ok(new StationsUpsertedResponse(count)));
}
