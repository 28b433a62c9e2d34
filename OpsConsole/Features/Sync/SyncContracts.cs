using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Sync;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Features.Sync;

// The wire records of seed 5's API (`/api/sync…`), snake_case through the API's one JSON style.

/// <summary>`POST /api/sync` and `/api/sync/dry-run`: which connection (may be left out when there is only one).</summary>
public sealed record SyncRequest(long? ConnectionId);

public sealed record SyncRunResponse(long Id, long ConnectionId, SyncRunState State, SyncTrigger Trigger, string RequestedBy, DateTime QueuedAt,
    DateTime? StartedAt, DateTime? FinishedAt, int Planned, int Added, int Updated, int Skipped, int Conflicted, int Failed, int Archived, string? Error)
{
    public static SyncRunResponse From(SyncRun r) => new(r.Id, r.ConnectionId, r.State, r.Trigger, r.RequestedBy, r.QueuedAt, r.StartedAt, r.FinishedAt,
        r.Planned, r.Added, r.Updated, r.Skipped, r.Conflicted, r.Failed, r.Archived, r.Error);
}

public sealed record PlannedItemResponse(string SourceId, string? DestinationId, SyncAction Action, IReadOnlyList<FieldDiff> Fields, string? Note);

public sealed record SyncPlanResponse(long Id, long ConnectionId, DateTime CreatedAt, string CreatedBy, int Adds, int Updates, int Skips, int Conflicts,
    int Archives, IReadOnlyList<PlannedItemResponse> Items)
{
    public static SyncPlanResponse From(SyncPlan p) => new(p.Id, p.ConnectionId, p.CreatedAt, p.CreatedBy, p.Adds, p.Updates, p.Skips, p.Conflicts, p.Archives,
        p.Items.Select(i => new PlannedItemResponse(i.SourceId, i.DestinationId, i.Action, i.Fields, i.Note)).ToList());
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
    ConflictPolicy? Policy, SyncFilter? Filter, DeletePolicy? DeletePolicy, int? ScheduleSeconds, bool? Paused, int? Version = null)
{
    public ConnectionRequest ToRequest() => new(Name, Source, Destination, FieldMap, Policy, Filter, DeletePolicy, ScheduleSeconds, Paused ?? false, Version);
}

public sealed record ConnectionResponse(long Id, string Name, RestTaskSystemConfig Source, RestTaskSystemConfig Destination, IReadOnlyList<FieldMapping> FieldMap,
    ConflictPolicy Policy, SyncFilter? Filter, DeletePolicy DeletePolicy, int? ScheduleSeconds, bool Paused, SyncConnectionHealth Health, int Version)
{
    public static ConnectionResponse From(SyncConnection c) => new(c.Id, c.Name, c.Source with { AuthValue = null }, c.Destination with { AuthValue = null },
        c.FieldMap, c.Policy, c.Filter, c.DeletePolicy, c.ScheduleSeconds, c.Paused, c.Health, c.Version);
}

/// <summary>`GET /api/sync/status` and `/api/sync/history`: an optional connection.</summary>
public sealed record SyncConnectionQuery([FromQuery(Name = "connection_id")] string? ConnectionId);

/// <summary>`POST /api/sync/connections/{id}/pause` and `/resume`: the connection's version as read.</summary>
public sealed record ConnectionVersionBody(int? Version);

/// <summary>The plan page's address (`/sync/plans/7?action=update`): which action's items it shows.</summary>
public sealed record SyncPlanViewQuery([FromQuery(Name = "action")] string? Action);

/// <summary>The activity stream's query (`/sync/activity?item=SRC-12&amp;connection_id=1`): an item (part of a source or destination id) and a connection.</summary>
public sealed record SyncActivityQuery([FromQuery(Name = "item")] string? Item, [FromQuery(Name = "connection_id")] string? ConnectionId);
