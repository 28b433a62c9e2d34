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

/// <summary>The poller's settings; one row, changed by admins at runtime.</summary>
public sealed class YardSettings
{
    public const int MinInterval = 1;
    public const int MaxInterval = 3600;
    public const int MaxDeletionCap = 10_000;
    public const int MinStaleTaskHours = 1;
    public const int MaxStaleTaskHours = 720;

    public int Id { get; set; } = 1;
    public int IntervalSeconds { get; set; } = 5;
    public bool Paused { get; set; }
    /// <summary>Every rule in dry run: findings show what would happen, nothing is patched or deleted.</summary>
    public bool DryRun { get; set; }
    /// <summary>More planned deletions than this in one cycle stop every mutation of that cycle and raise an alert.</summary>
    public int DeletionCap { get; set; } = 10;
    /// <summary>The stale-task rule flags waiting tasks older than this.</summary>
    public int StaleTaskHours { get; set; } = 8;
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "system";

    public YardSettings Copy() => (YardSettings)MemberwiseClone();
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
