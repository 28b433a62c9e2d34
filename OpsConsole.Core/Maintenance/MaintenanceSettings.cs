using OpsConsole.Core.Shared.Settings;

namespace OpsConsole.Core.Maintenance;

/// <summary>Maintenance's runtime settings (ADR 0021): the micro-stop threshold, the consumption window and how long raw telemetry is kept; `Maintenance:*` gives their defaults.</summary>
public static class MaintenanceSettings
{
    public const int MaxMicroStopSeconds = 3600;
    public const int MaxConsumptionDays = 730;
    public const int MaxTelemetryRetentionDays = 3650;

    public const string MicroStopSecondsKey = "micro_stop_seconds";
    public const string ConsumptionDaysKey = "consumption_days";
    public const string TelemetryRetentionDaysKey = "telemetry_retention_days";

    public static SettingsSection Section(MaintenanceOptions options) => new(MaintenanceModule.Name, "Maintenance",
    [
        SettingDefinition.Whole(MicroStopSecondsKey, "Micro-stop threshold", options.MicroStopSeconds, 0, MaxMicroStopSeconds, "seconds",
            "An unplanned stop shorter than this is a micro-stop: counted, never a ticket or a failure. A longer stop opens the machine's failure ticket (where the machine asks for one)."),
        SettingDefinition.Whole(ConsumptionDaysKey, "Consumption window", options.ConsumptionDays, 1, MaxConsumptionDays, "days",
            "A part's reorder suggestion uses what was issued over this many days, with the part's lead time."),
        SettingDefinition.Whole(TelemetryRetentionDaysKey, "Raw telemetry kept", options.TelemetryRetentionDays, 1, MaxTelemetryRetentionDays, "days",
            "Each heartbeat and counter message from the machines is kept this long, then deleted every hour. State changes, downtime periods and production records are kept for ever."),
    ], "Machines, downtime and parts.");
}
