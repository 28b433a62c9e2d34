using OpsConsole.Core.Shared.Settings;

namespace OpsConsole.Core.Etl;

/// <summary>ETL's runtime settings (ADR 0021): the alert thresholds. Their defaults are `Etl:AlertFailureRate` and `Etl:AlertMissingDays`.</summary>
public static class EtlSettings
{
    public const string AlertFailurePercentKey = "alert_failure_percent";
    public const string AlertMissingDaysKey = "alert_missing_days";

    public static SettingsSection Section(EtlOptions options) => new(EtlModule.Name, "ETL alerts",
    [
        SettingDefinition.Decimal(AlertFailurePercentKey, "Failure-rate alert", Math.Round(options.AlertFailureRate * 100, 4), 0, 100, "%",
            $"An alert opens when more than this share of the jobs finished in the last hour failed (with at least {EtlAlertConditions.MinFinishedForRate} finished)."),
        SettingDefinition.Whole(AlertMissingDaysKey, "Missing-days alert", options.AlertMissingDays, 1, EtlMissingData.MaxDays, "days",
            "An alert opens for a branch with a POS that has had no data this many days in a row, up to yesterday."),
    ], "When the dashboard and the alerts inbox warn about the ETL jobs.");
}
