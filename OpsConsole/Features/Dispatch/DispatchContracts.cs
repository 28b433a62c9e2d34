using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Dispatch;

namespace OpsConsole.Features.Dispatch;

// The wire records of seed 4's API. Field names are snake_case through the API's one JSON style (ApiJson), so the
// seed's names (from_station_id, worker_id, suggestion_id …) come from the property names.

public sealed record SuggestionResponse(long Id, int FromStationId, int ToStationId, int Qty, string? Reason, SuggestionStatus Status,
    DateTime CreatedAt)
{
    public static SuggestionResponse From(Suggestion s) => new(s.Id, s.FromStationId, s.ToStationId, s.Qty, s.Reason, s.Status, s.CreatedAt);
}

public sealed record TaskResponse(long Id, int FromStationId, int ToStationId, int Qty, string? Reason, DispatchTaskStatus Status,
    string? WorkerId, DateTime CreatedAt, DateTime? AssignedAt, DateTime? CompletedAt, string? ApprovedBy)
{
    public static TaskResponse From(DispatchTask t) =>
        new(t.Id, t.FromStationId, t.ToStationId, t.Qty, t.Reason, t.Status, t.WorkerId, t.CreatedAt, t.AssignedAt, t.CompletedAt, t.ApprovedBy);
}

/// <summary>One suggestion as the ML engine posts it (POST /api/suggestions takes one or an array).</summary>
public sealed record NewSuggestionRequest(int? FromStationId, int? ToStationId, int? Qty, string? Reason)
{
    public NewSuggestion ToInput() => new(FromStationId, ToStationId, Qty, Reason);
}

public sealed record ApproveRequest(long? SuggestionId);

public sealed record RejectRequest(string? Reason);

public sealed record WorkerRequest(string? WorkerId);

/// <summary>"Everything matching": every field optional; an empty filter matches every pending suggestion.</summary>
public sealed record SuggestionFilterRequest(int? StationId, int? FromStationId, int? ToStationId, int? MinQty, int? MaxQty,
    int? OlderThanMinutes, int? NewerThanMinutes)
{
    public SuggestionFilter ToFilter() => new(StationId, FromStationId, ToStationId, MinQty, MaxQty, OlderThanMinutes, NewerThanMinutes);
}

/// <summary>A bulk decision: the ids, or a filter resolved on the server when deciding; a rejection's reason.</summary>
public sealed record BulkDecisionRequest(long[]? Ids, SuggestionFilterRequest? Filter, string? Reason)
{
    public BulkDecision ToInput() => new(Ids, Filter?.ToFilter(), Reason);
}

/// <summary>What a bulk decision did: the ids decided, and the others with why not ("already approved", "not found").</summary>
public sealed record DecisionResponse(IReadOnlyList<long> Decided, IReadOnlyDictionary<string, string> Refused)
{
    public static DecisionResponse From(DecisionOutcome o) => new(o.Decided, o.Refused.ToDictionary(r => r.Key.ToString(), r => r.Value));
}

public sealed record StationRequest(int Id, string? Name);

public sealed record StationResponse(int Id, string Name);

public sealed record StationsUpsertedResponse(int Upserted);

public sealed record SuggestionsImportedResponse(int Imported);

/// <summary>The task list's filters (GET /api/tasks).</summary>
public sealed record TasksQuery([FromQuery(Name = "status")] string? Status, [FromQuery(Name = "worker_id")] string? WorkerId)
{
    public TaskListInput ToInput() => new(Status, WorkerId);
}

/// <summary>
/// The approval page's address: its filters under the names of the bulk decisions' filter (station_id, min_qty,
/// max_qty, older_than_minutes), the order (sort: oldest, newest, largest_qty) and the highlighted suggestion.
/// </summary>
public sealed record SuggestionsViewQuery([FromQuery(Name = "station_id")] string? StationId, [FromQuery(Name = "min_qty")] string? MinQty,
    [FromQuery(Name = "max_qty")] string? MaxQty, [FromQuery(Name = "older_than_minutes")] string? OlderThanMinutes,
    [FromQuery(Name = "sort")] string? Sort, [FromQuery(Name = "suggestion_id")] string? SuggestionId);

/// <summary>The task board's address: the worker whose tasks it shows (worker_id, as GET /api/tasks names it).</summary>
public sealed record TaskBoardViewQuery([FromQuery(Name = "worker_id")] string? WorkerId);
