using OpsConsole.Core.Shared.Settings;

namespace OpsConsole.Core.Yard;

/// <summary>
/// The poller's settings as one cycle holds them: the Yard section of the runtime settings (<see cref="RuntimeSettings"/>,
/// ADR 0021), changed by admins on the Settings page or PUT /api/yard/settings and applied at the next tick.
/// </summary>
public sealed class YardSettings
{
    public const int MinInterval = 1;
    public const int MaxInterval = 3600;
    public const int MaxDeletionCap = 10_000;
    public const int MinStaleTaskHours = 1;
    public const int MaxStaleTaskHours = 720;

    public const string IntervalKey = "interval_seconds";
    public const string DeletionCapKey = "deletion_cap";
    public const string StaleTaskHoursKey = "stale_task_hours";
    public const string DryRunKey = "dry_run";
    public const string PausedKey = "paused";

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

    public static SettingsSection Section { get; } = new(YardModule.Name, "Yard poller",
    [
        SettingDefinition.Whole(IntervalKey, "Poll interval", 5, MinInterval, MaxInterval, "seconds",
            $"How often the yard system is read. After {YardStatus.StaleAfterIntervals} intervals without a good poll the hostler view is stale and an alert opens."),
        SettingDefinition.Whole(DeletionCapKey, "Deletion cap per cycle", 10, 0, MaxDeletionCap, "tasks",
            "A cycle that plans more deletions than this changes nothing and raises an alert."),
        SettingDefinition.Whole(StaleTaskHoursKey, "Stale-task age", 8, MinStaleTaskHours, MaxStaleTaskHours, "hours",
            "The stale-task rule flags waiting tasks older than this."),
        SettingDefinition.Switch(DryRunKey, "Dry run (every rule)", false, "Findings show what would happen; nothing is patched or deleted."),
        SettingDefinition.Switch(PausedKey, "Paused", false, "No scheduled polls. Poll now still reads and shows, and changes nothing."),
    ], "The yard poller's schedule and guards. Rules are switched one by one below.");

    public static YardSettings From(SettingsValues values) => new()
    {
        IntervalSeconds = values.Whole(IntervalKey),
        DeletionCap = values.Whole(DeletionCapKey),
        StaleTaskHours = values.Whole(StaleTaskHoursKey),
        DryRun = values.Switch(DryRunKey),
        Paused = values.Switch(PausedKey),
        UpdatedAt = values.UpdatedAt ?? default,
        UpdatedBy = values.UpdatedBy ?? "system",
    };
}
