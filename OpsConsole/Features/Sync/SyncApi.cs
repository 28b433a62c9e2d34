using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Sync;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;
using OpsConsole.Infrastructure.Http;

namespace OpsConsole.Features.Sync;

/// <summary>Seed 5's routes under /api/sync: run, dry run, status, history; plus connections, plans and a run's items.</summary>
public static class SyncApi
{
    public const int DefaultPageSize = 50;
    private const string Example = "{\"connection_id\": 1}";

    public static void MapSyncApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/sync").WithTags("Sync");
        group.MapPost("", RunAsync).AllowedFor(OpsPolicies.Operate).TakesOptionalBody<SyncRequest>().LimitedAsUpstreamCall("sync")
            .WithSummary("Sync a connection now (the only one when none is named); answers the finished run, 409 with the running run's id while one runs");
        group.MapPost("/dry-run", DryRunAsync).AllowedFor(OpsPolicies.Operate).TakesOptionalBody<SyncRequest>().LimitedAsUpstreamCall("sync")
            .WithSummary("Plan a sync without writing to either side: every item with its action and field diffs, kept under an id");
        group.MapGet("/status", StatusAsync).AllowedFor(OpsPolicies.Read).WithSummary("Each connection's health, last finished run and run under way");
        group.MapGet("/history", HistoryAsync).AllowedFor(OpsPolicies.Read).WithSummary("Runs, newest first, paged; optionally of one connection");
        group.MapGet("/runs/{id}/items", RunItemsAsync).AllowedFor(OpsPolicies.Read).WithSummary("A run's history lines: each item's action and field diffs");
        group.MapGet("/plans/{id}", PlanAsync).AllowedFor(OpsPolicies.Read).WithSummary("A dry run's plan");
        group.MapGet("/connections", ListConnectionsAsync).AllowedFor(OpsPolicies.Read).WithSummary("Connections (auth values left out)");
        group.MapPost("/connections", CreateConnectionAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Create a connection; its field map is checked against both sides' fields");
        group.MapGet("/conflicts", ConflictsAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("The manual-conflict review queue: conflicts in one state (open by default, oldest first), paged; optionally of one connection");
        group.MapGet("/conflicts/{id}", ConflictAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("One conflict side by side: the base, each side's value, each value in the other side's vocabulary");
        group.MapPost("/conflicts/{id}/resolve", ResolveConflictAsync).AllowedFor(OpsPolicies.Supervise).LimitedAsUpstreamCall("sync")
            .WithSummary("Resolve one conflict: source, destination or a typed value; written to the side(s) lacking it at once; 409 when already resolved");
        group.MapPost("/plans/{id}/apply", ApplyPlanAsync).AllowedFor(OpsPolicies.Operate).TakesOptionalBody<ApplyPlanBody>().LimitedAsUpstreamCall("sync")
            .WithSummary("Apply a dry run's plan: each item re-checked, carried out if unchanged, reported if it changed since planning; 409 when applied already");
        group.MapGet("/activity", ActivityAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("History lines across runs, newest first, paged; optionally of one connection and of one item (source or destination id)");
        api.MapSyncRunsApi(group);
        group.MapPut("/connections/{id}", UpdateConnectionAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Replace a connection's settings based on its version (409 on a stale one); checked as on create; an empty auth_value keeps the stored one");
        group.MapPost("/connections/{id}/pause", PauseConnectionAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Pause a connection (health paused, the bot leaves it alone), based on its version");
        group.MapPost("/connections/{id}/resume", ResumeConnectionAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Resume a paused connection, based on its version");
    }

    private static async Task<(long? Id, ValidationProblem? Invalid, SyncRunOptions Options)> ConnectionAsync(HttpRequest request, SyncHistory history,
        CancellationToken ct)
    {
        var (body, invalid) = await OptionalJsonBody.ReadAsync<SyncRequest>(request, Example, ct);
        if (invalid is not null)
        {
            return (null, invalid, SyncRunOptions.None);
        }
        var options = body?.Options ?? SyncRunOptions.None;
        if (body?.ConnectionId is { } id)
        {
            return (id, null, options);
        }
        return await history.OnlyConnectionAsync(ct) is { } only ? (only, null, options)
            : (null, ApiResults.Invalid("connection_id", "connection_id is required when there is not exactly one connection."), options);
    }

    private static async Task<Results<Ok<SyncRunResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> RunAsync(
        SyncEngine engine, SyncHistory history, HttpContext http, CancellationToken ct)
    {
        var (id, invalid, options) = await ConnectionAsync(http.Request, history, ct);
        if (invalid is not null)
        {
            return invalid;
        }
        return (await engine.RunAsync(http.User.ToActor(), id!.Value, SyncTrigger.Manual, options, ct)).ToHttp(r => TypedResults.Ok(SyncRunResponse.From(r))).Result switch
        {
            Ok<SyncRunResponse> ok => ok,
            ValidationProblem v => v,
            NotFoundProblem n => n,
            ConflictProblem c => c,
            var other => throw new InvalidOperationException($"Unexpected result {other.GetType().Name}"),
        };
    }

    private static async Task<Results<Ok<SyncPlanResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, UpstreamProblem>> DryRunAsync(
        SyncEngine engine, SyncHistory history, HttpContext http, CancellationToken ct)
    {
        var (id, invalid, options) = await ConnectionAsync(http.Request, history, ct);
        if (invalid is not null)
        {
            return invalid;
        }
        return (await engine.DryRunAsync(http.User.ToActor(), id!.Value, options with { ConfirmDeletes = false }, ct)).ToHttpThroughUpstream(p => TypedResults.Ok(SyncPlanResponse.From(p)));
    }

    private static async Task<Results<Ok<SyncStatusResponse>, ValidationProblem>> StatusAsync(SyncHistory history, [AsParameters] SyncConnectionQuery query,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        var id = errors.OptionalId("connection_id", query.ConnectionId);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok(new SyncStatusResponse((await history.StatusAsync(id, ct)).Select(ConnectionStatusResponse.From).ToList()));
    }

    private static async Task<Results<Ok<PageResponse<SyncRunResponse>>, ValidationProblem>> HistoryAsync(SyncHistory history,
        [AsParameters] SyncConnectionQuery query, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var id = errors.OptionalId("connection_id", query.ConnectionId);
        var page = paging.Read(errors, DefaultPageSize, SyncHistory.MaxPageSize);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok(PageResponse<SyncRunResponse>.From(await history.RunsAsync(id, page, ct), SyncRunResponse.From));
    }

    private static async Task<Results<Ok<PageResponse<SyncRunItemResponse>>, ValidationProblem, NotFoundProblem>> RunItemsAsync(long id, SyncHistory history,
        [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var page = paging.Read(errors, DefaultPageSize, SyncHistory.MaxPageSize);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        if (await history.RunAsync(id, ct) is null)
        {
            return ApiResults.NotFound($"No sync run {id}.");
        }
        return TypedResults.Ok(PageResponse<SyncRunItemResponse>.From(await history.RunItemsAsync(id, page, ct), SyncRunItemResponse.From));
    }

    private static async Task<Results<Ok<SyncPlanResponse>, NotFoundProblem>> PlanAsync(long id, SyncHistory history, CancellationToken ct) =>
        await history.PlanAsync(id, ct) is { } plan ? TypedResults.Ok(SyncPlanResponse.From(plan)) : ApiResults.NotFound($"No sync plan {id}.");

    private static async Task<Ok<List<ConnectionResponse>>> ListConnectionsAsync(SyncConnections connections, CancellationToken ct) =>
        TypedResults.Ok((await connections.ListAsync(ct)).Select(ConnectionResponse.From).ToList());

    private static async Task<Results<Ok<ConnectionResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> CreateConnectionAsync(
        ConnectionBody body, SyncConnections connections, HttpContext http, CancellationToken ct) =>
        (await connections.CreateAsync(http.User.ToActor(), body.ToRequest(), ct)).ToHttp(c => TypedResults.Ok(ConnectionResponse.From(c)));

    private static async Task<Results<Ok<PageResponse<ConflictResponse>>, ValidationProblem>> ConflictsAsync(SyncConflicts conflicts,
        [AsParameters] SyncConflictQuery query, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var id = errors.OptionalId("connection_id", query.ConnectionId);
        var state = errors.OptionalChoice<SyncConflictState>("state", query.State) ?? SyncConflictState.Open;
        var page = paging.Read(errors, DefaultPageSize, SyncConflicts.MaxPageSize);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok(PageResponse<ConflictResponse>.From(await conflicts.ListAsync(id, state, page, ct), ConflictResponse.From));
    }

    private static async Task<Results<Ok<ConflictDetailResponse>, NotFoundProblem>> ConflictAsync(long id, SyncConflicts conflicts, CancellationToken ct) =>
        await conflicts.GetAsync(id, ct) is { } diff ? TypedResults.Ok(ConflictDetailResponse.From(diff)) : ApiResults.NotFound($"No sync conflict {id}.");

    private static async Task<Results<Ok<ConflictResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, UpstreamProblem>> ResolveConflictAsync(
        long id, ResolveConflictBody body, SyncConflicts conflicts, HttpContext http, CancellationToken ct) =>
        (await conflicts.ResolveAsync(http.User.ToActor(), id, new ConflictResolution(body.Choice, body.Value), ct))
            .ToHttpThroughUpstream(c => TypedResults.Ok(ConflictResponse.From(c)));

    private static async Task<Results<Ok<PlanAppliedResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, UpstreamProblem>> ApplyPlanAsync(
        long id, SyncPlanApplier applier, HttpContext http, CancellationToken ct)
    {
        var (body, invalid) = await OptionalJsonBody.ReadAsync<ApplyPlanBody>(http.Request, "{\"confirm_deletes\": true}", ct);
        if (invalid is not null)
        {
            return invalid;
        }
        return (await applier.ApplyAsync(http.User.ToActor(), id, body?.ConfirmDeletes == true, ct)).ToHttpThroughUpstream(a => TypedResults.Ok(PlanAppliedResponse.From(a)));
    }

    private static async Task<Results<Ok<PageResponse<SyncActivityResponse>>, ValidationProblem>> ActivityAsync(SyncActivity activity,
        [AsParameters] SyncActivityQuery query, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var filter = SyncActivity.ReadFilter(errors, query.Item, query.ConnectionId);
        var page = paging.Read(errors, DefaultPageSize, SyncActivity.MaxPageSize);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok(PageResponse<SyncActivityResponse>.From(await activity.SearchAsync(filter, page, ct), SyncActivityResponse.From));
    }
    private static async Task<Results<Ok<ConnectionResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> UpdateConnectionAsync(long id,
        ConnectionBody body, SyncConnections connections, HttpContext http, CancellationToken ct) =>
        (await connections.UpdateAsync(http.User.ToActor(), id, body.ToRequest(), ct)).ToHttp(c => TypedResults.Ok(ConnectionResponse.From(c)));

    private static Task<Results<Ok<ConnectionResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> PauseConnectionAsync(long id,
        ConnectionVersionBody body, SyncConnections connections, HttpContext http, CancellationToken ct) =>
        SetPausedAsync(body, version => connections.PauseAsync(http.User.ToActor(), id, version, ct));

    private static Task<Results<Ok<ConnectionResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> ResumeConnectionAsync(long id,
        ConnectionVersionBody body, SyncConnections connections, HttpContext http, CancellationToken ct) =>
        SetPausedAsync(body, version => connections.ResumeAsync(http.User.ToActor(), id, version, ct));

    private static async Task<Results<Ok<ConnectionResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> SetPausedAsync(ConnectionVersionBody body,
        Func<int, Task<OpsResult<SyncConnection>>> change) => body.Version is { } version
        ? (await change(version)).ToHttp(c => TypedResults.Ok(ConnectionResponse.From(c)))
        : ApiResults.Invalid("version", "version is required: the connection's version as you read it.");
}
