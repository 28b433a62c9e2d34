using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Sync;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Features.Sync;

// The wire records of seed 5's API (`/api/sync…`), snake_case through the API's one JSON style.

/// <summary>`POST /api/sync` and `/api/sync/dry-run`: which connection (may be left out when there is only one).</summary>
/// <remarks>
/// ADR 0037: `confirm_deletes` (admins): run although the delete guard (`Sync:MaxDeletesPercent`) stopped the last run;
/// `link_by` (`marker` or a mapped source field such as `title`): link unpaired items to existing destination items.
/// </remarks>
public sealed record SyncRequest(long? ConnectionId, bool? ConfirmDeletes = null, string? LinkBy = null)
{
    public SyncRunOptions Options => new(ConfirmDeletes: ConfirmDeletes == true, LinkBy: string.IsNullOrWhiteSpace(LinkBy) ? null : LinkBy.Trim());
}

public sealed record SyncRunResponse(long Id, long ConnectionId, SyncRunState State, SyncTrigger Trigger, string RequestedBy, DateTime QueuedAt,
    DateTime? StartedAt, DateTime? FinishedAt, int Planned, int Added, int Updated, int Skipped, int Conflicted, int Failed, int Archived, string? Error)
{
    public static SyncRunResponse From(SyncRun r) => new(r.Id, r.ConnectionId, r.State, r.Trigger, r.RequestedBy, r.QueuedAt, r.StartedAt, r.FinishedAt,
        r.Planned, r.Added, r.Updated, r.Skipped, r.Conflicted, r.Failed, r.Archived, r.Error);
}

public sealed record PlannedItemResponse(string SourceId, string? DestinationId, SyncAction Action, IReadOnlyList<FieldDiff> Fields, string? Note);

public sealed record SyncPlanResponse(long Id, long ConnectionId, DateTime CreatedAt, string CreatedBy, int Adds, int Updates, int Skips, int Conflicts,
    int Archives, IReadOnlyList<PlannedItemResponse> Items, DateTime? AppliedAt = null, string? AppliedBy = null, long? AppliedRunId = null, string? Warning = null)
{
    public static SyncPlanResponse From(SyncPlan p) => new(p.Id, p.ConnectionId, p.CreatedAt, p.CreatedBy, p.Adds, p.Updates, p.Skips, p.Conflicts, p.Archives,
        p.Items.Select(i => new PlannedItemResponse(i.SourceId, i.DestinationId, i.Action, i.Fields, i.Note)).ToList(), p.AppliedAt, p.AppliedBy, p.AppliedRunId, p.Warning);
}

public sealed record ConnectionStatusResponse(long Id, string Name, SyncConnectionHealth Health, bool Paused, int? ScheduleSeconds, int Pairs,
    DateTime? SourceCursor, DateTime? DestinationCursor, long? RunningRunId, SyncRunResponse? LastRun)
{
    public static ConnectionStatusResponse From(ConnectionStatus s) => new(s.Connection.Id, s.Connection.Name, s.Connection.Health, s.Connection.Paused,
        s.Connection.ScheduleSeconds, s.Pairs, s.Connection.SourceCursor, s.Connection.DestinationCursor, s.RunningRunId,
        s.LastRun is { } r ? SyncRunResponse.From(r) : null);
}

public sealed record SyncStatusResponse(IReadOnlyList<ConnectionStatusResponse> Connections);

public sealed record SyncRunItemResponse(long Id, long RunId, string SourceId, string? DestinationId, SyncAction Action, IReadOnlyList<FieldDiff> Fields,
    string? Error, DateTime At)
{
    public static SyncRunItemResponse From(SyncRunItem i) => new(i.Id, i.RunId, i.SourceId, i.DestinationId, i.Action, i.Fields, i.Error, i.At);
}

/// <summary>A connection as admins send it and everyone reads it (auth values are never read back).</summary>
public sealed record ConnectionBody(string? Name, RestTaskSystemConfig? Source, RestTaskSystemConfig? Destination, IReadOnlyList<FieldMapping>? FieldMap,
    ConflictPolicy? Policy, SyncFilter? Filter, DeletePolicy? DeletePolicy, int? ScheduleSeconds, bool? Paused, int? Version = null, DateTime? CreatedAfter = null)
{
    public ConnectionRequest ToRequest() => new(Name, Source, Destination, FieldMap, Policy, Filter, DeletePolicy, ScheduleSeconds, Paused ?? false, Version, CreatedAfter);
}

public sealed record ConnectionResponse(long Id, string Name, RestTaskSystemConfig Source, RestTaskSystemConfig Destination, IReadOnlyList<FieldMapping> FieldMap,
    ConflictPolicy Policy, SyncFilter? Filter, DeletePolicy DeletePolicy, int? ScheduleSeconds, bool Paused, SyncConnectionHealth Health, int Version,
    DateTime? CreatedAfter)
{
    public static ConnectionResponse From(SyncConnection c) => new(c.Id, c.Name, c.Source with { AuthValue = null }, c.Destination with { AuthValue = null },
        c.FieldMap, c.Policy, c.Filter, c.DeletePolicy, c.ScheduleSeconds, c.Paused, c.Health, c.Version, c.CreatedAfter);
}

/// <summary>`GET /api/sync/status` and `/api/sync/history`: an optional connection.</summary>
public sealed record SyncConnectionQuery([FromQuery(Name = "connection_id")] string? ConnectionId);

// ---- the review queue, applied plans and the activity stream (ADR 0037) ----

/// <summary>`GET /api/sync/conflicts`: an optional connection and a state (open by default).</summary>
public sealed record SyncConflictQuery([FromQuery(Name = "connection_id")] string? ConnectionId, [FromQuery(Name = "state")] string? State);

public sealed record ConflictResponse(long Id, long ConnectionId, long PairId, string SourceId, string DestinationId, string Field, string? BaseSource,
    string? BaseDestination, string? SourceValue, string? DestinationValue, DateTime SourceUpdatedAt, DateTime DestinationUpdatedAt, long? RunId,
    DateTime OpenedAt, SyncConflictState State, string? ResolvedBy, DateTime? ResolvedAt, SyncConflictChoice? Choice, string? ChosenSource,
    string? ChosenDestination)
{
    public static ConflictResponse From(SyncConflict c) => new(c.Id, c.ConnectionId, c.PairId, c.SourceId, c.DestinationId, c.FieldKey, c.BaseSource,
        c.BaseDestination, c.SourceValue, c.DestinationValue, c.SourceUpdatedAt, c.DestinationUpdatedAt, c.RunId, c.OpenedAt, c.State, c.ResolvedBy,
        c.ResolvedAt, c.Choice, c.ChosenSource, c.ChosenDestination);
}

/// <summary>`GET /api/sync/conflicts/{id}`: the conflict side by side, each value also in the other side's vocabulary.</summary>
public sealed record ConflictDetailResponse(ConflictResponse Conflict, string? SourceField, string? DestinationField, string? SourceAsDestination,
    string? DestinationAsSource)
{
    public static ConflictDetailResponse From(ConflictDiff d) => new(ConflictResponse.From(d.Conflict), d.Mapping?.Source, d.Mapping?.Destination,
        d.SourceAsDestination, d.DestinationAsSource);
}

/// <summary>`POST /api/sync/conflicts/{id}/resolve`: `source`, `destination`, or `value` with `value` (in the source's vocabulary).</summary>
public sealed record ResolveConflictBody(string? Choice, string? Value);

/// <summary>`POST /api/sync/plans/{id}/apply` (optional body): `confirm_deletes` (admins).</summary>
public sealed record ApplyPlanBody(bool? ConfirmDeletes);

public sealed record PlanAppliedResponse(SyncPlanResponse Plan, SyncRunResponse Run, IReadOnlyList<SyncRunItemResponse> ChangedSincePlanning)
{
    public static PlanAppliedResponse From(PlanApplied a) => new(SyncPlanResponse.From(a.Plan), SyncRunResponse.From(a.Run),
        a.ChangedSincePlanning.Select(SyncRunItemResponse.From).ToList());
}

/// <summary>`GET /api/sync/activity` and the activity page (`/sync/activity?item=SRC-12&amp;connection_id=1`): an optional connection and an item (part of a source or destination id).</summary>
public sealed record SyncActivityQuery([FromQuery(Name = "connection_id")] string? ConnectionId, [FromQuery(Name = "item")] string? Item);

/// <summary>One line of the activity stream: a history line with its connection.</summary>
public sealed record SyncActivityResponse(long Id, long RunId, long ConnectionId, string SourceId, string? DestinationId, SyncAction Action,
    IReadOnlyList<FieldDiff> Fields, string? Error, DateTime At)
{
    public static SyncActivityResponse From(SyncRunItem i) => new(i.Id, i.RunId, i.ConnectionId, i.SourceId, i.DestinationId, i.Action, i.Fields, i.Error, i.At);
}
/// <summary>`POST /api/sync/connections/{id}/pause` and `/resume`: the connection's version as read.</summary>
public sealed record ConnectionVersionBody(int? Version);

/// <summary>The plan page's address (`/sync/plans/7?action=update`): which action's items it shows.</summary>
public sealed record SyncPlanViewQuery([FromQuery(Name = "action")] string? Action);

