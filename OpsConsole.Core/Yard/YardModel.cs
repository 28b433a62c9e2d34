using System.ComponentModel;

namespace OpsConsole.Core.Yard;

/// <summary>A hostler (yard truck driver) as the yard system reports it.</summary>
[ImmutableObject(true)]
public sealed record YardHostler(string Id, string Name, string Status, DateTime StatusSince)
{
    public const string Available = "available";
    public const string Busy = "busy";
    public const string OnBreak = "break";
    public const string Offline = "offline";

    public static readonly IReadOnlyList<string> Statuses = [Available, Busy, OnBreak, Offline];
}

/// <summary>A task as the lists report it: enough to know whether the cached detail is still current.</summary>
public sealed record YardTaskSummary(string Id, string Status, string? HostlerId, int Version);

/// <summary>
/// A task's detail (`GET tasks/{id}`). Immutable, so HybridCache hands out the cached instance without copying it.
/// </summary>
[ImmutableObject(true)]
public sealed record YardTask(string Id, string Type, string TrailerId, string Status, string? HostlerId, int Priority,
    string? Origin, string? Destination, DateTime CreatedAt, DateTime UpdatedAt, int Version, string? Notes)
{
    public const string Waiting = "waiting";
    public const string Assigned = "assigned";
    public const string InProgress = "in_progress";

    /// <summary>The fields an operator (or a rule) may change with a PATCH.</summary>
    public static readonly IReadOnlyList<string> PatchableFields = ["priority", "hostler_id", "destination", "origin", "notes"];

    public const int MinPriority = 1;
    public const int MaxPriority = 5;
}

/// <summary>
/// How the poller is doing with the yard system (<see cref="YardTransitions"/>): watching (started, no cycle has ended
/// yet; a stored view from before a restart is shown until one does), healthy, or failing (the last cycle failed; retried each interval).
/// </summary>
public enum YardPollerHealth
{
    Watching,
    Healthy,
    Failing,
}

/// <summary>An admin's switches for one rule; rules without a row are enabled and live.</summary>
public sealed class YardRuleSetting
{
    public required string Name { get; set; }
    public bool Enabled { get; set; } = true;
    public bool DryRun { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "system";
}

/// <summary>The unified view as stored when its content changed (the newest rows are kept).</summary>
public sealed class YardSnapshot
{
    public long Id { get; set; }
    public long Version { get; set; }
    public DateTime TakenAt { get; set; }
    public int Added { get; set; }
    public int Removed { get; set; }
    public int Changed { get; set; }
    public required string ViewJson { get; set; }
}

/// <summary>
/// The cluster's one yard poll row (`yard_poll`, ADR 0040): when the last cycle started, by the DATABASE's clock, on which
/// instance, and the status that cycle ended with. Written only with <c>Cluster:Enabled</c>, through <see cref="YardSharedPoll"/>.
/// </summary>
public sealed class YardPollRow
{
    public const int TheRow = 1;

    public int Id { get; set; } = TheRow;
    public DateTime CycleStartedAt { get; set; }
    public string Instance { get; set; } = "";
    /// <summary>The <see cref="YardStatus"/> the last cycle ended with (null while the first one runs).</summary>
    public string? StatusJson { get; set; }
}
