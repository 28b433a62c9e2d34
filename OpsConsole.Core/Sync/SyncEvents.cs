using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Sync;

public static class SyncEvents
{
    /// <summary>The hub group outside clients join to hear the Sync module's events.</summary>
    public const string Topic = "sync";
}

/// <summary>A run of a connection changed state (started, finished), with its counters.</summary>
public sealed record SyncRunChanged(long ConnectionId, long RunId, SyncRunState State, int Added, int Updated, int Skipped, int Conflicted, int Failed) : IOpsEvent
{
    public string Topic => SyncEvents.Topic;
}

/// <summary>A dry run made a plan.</summary>
public sealed record SyncPlanMade(long ConnectionId, long PlanId) : IOpsEvent
{
    public string Topic => SyncEvents.Topic;
}

/// <summary>A connection was created or changed.</summary>
public sealed record SyncConnectionChanged(long ConnectionId) : IOpsEvent
{
    public string Topic => SyncEvents.Topic;
}

/// <summary>A manual conflict was opened by a run or resolved by a supervisor (ADR 0037).</summary>
public sealed record SyncConflictChanged(long ConnectionId, long ConflictId, SyncConflictState State) : IOpsEvent
{
    public string Topic => SyncEvents.Topic;
}
