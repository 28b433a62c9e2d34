using OpsConsole.Core.Shared.Settings;

namespace OpsConsole.Core.Dispatch;

/// <summary>Dispatch's runtime settings (ADR 0021): the lease on assigned tasks and the backlog alerts; `Dispatch:*` gives their defaults.</summary>
public static class DispatchSettings
{
    public const double MaxLeaseMinutes = 7 * 24 * 60;
    public const int MaxBacklog = 1_000_000;

    public const string LeaseMinutesKey = "lease_minutes";
    public const string AlertReadyTasksKey = "alert_ready_tasks";
    public const string AlertPendingSuggestionsKey = "alert_pending_suggestions";

    public static SettingsSection Section(DispatchOptions options) => new(DispatchModule.Name, "Dispatch",
    [
        SettingDefinition.Decimal(LeaseMinutesKey, "Task lease", options.LeaseMinutes, 0, MaxLeaseMinutes, "minutes",
            "A task assigned longer than this goes back to ready for another worker; 0 keeps assignments until completed or unassigned."),
        SettingDefinition.Whole(AlertReadyTasksKey, "Ready-tasks alert", options.AlertReadyTasks, 0, MaxBacklog, "tasks",
            "An alert opens when more approved tasks than this wait for a worker; 0 turns it off."),
        SettingDefinition.Whole(AlertPendingSuggestionsKey, "Waiting-suggestions alert", options.AlertPendingSuggestions, 0, MaxBacklog, "suggestions",
            "An alert opens when more suggestions than this wait for a supervisor; 0 turns it off."),
    ], "Assignments and backlogs.");
}
