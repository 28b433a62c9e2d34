using System.ComponentModel.DataAnnotations;

namespace OpsConsole.Core.Maintenance;

/// <summary>`Maintenance:*` in appsettings.json, checked when the console starts.</summary>
public sealed class MaintenanceOptions
{
    /// <summary>
    /// `Maintenance:MicroStopSeconds`: an unplanned stop shorter than this is a micro-stop (never a ticket, never a
    /// failure); a stop that lasts longer opens the machine's failure ticket. The default of the runtime setting.
    /// </summary>
    [Range(0, MaintenanceSettings.MaxMicroStopSeconds)]
    public int MicroStopSeconds { get; set; } = 120;

    /// <summary>`Maintenance:ConsumptionDays`: the window over which a part's consumption rate is measured for its reorder suggestion.</summary>
    [Range(1, MaintenanceSettings.MaxConsumptionDays)]
    public int ConsumptionDays { get; set; } = 90;

    /// <summary>
    /// `Maintenance:TelemetryRetentionDays`: how long raw telemetry (each heartbeat and counter message, about 260,000
    /// rows a day for the demo plant) is kept; states, periods and production records are kept for ever. The default of
    /// the runtime setting.
    /// </summary>
    [Range(1, MaintenanceSettings.MaxTelemetryRetentionDays)]
    public int TelemetryRetentionDays { get; set; } = 30;

    /// <summary>`Maintenance:PhotoStore`: the folder of the content-addressed photo store.</summary>
    [Required]
    public string PhotoStore { get; set; } = "data/photos";

    /// <summary>`Maintenance:PlantTimeZone`: the plant's IANA time zone, for machines without a shift calendar.</summary>
    [Required]
    public string PlantTimeZone { get; set; } = "UTC";

    /// <summary>
    /// `Maintenance:MonitoringDisagreeSeconds`: the monitoring upstream and a machine's own state may differ this long
    /// before the page says so (a change on its way through one of the feeds is not a disagreement).
    /// </summary>
    [Range(0, 3600)]
    public int MonitoringDisagreeSeconds { get; set; } = 60;

    /// <summary>`Maintenance:MonitoringCacheSeconds`: how long one read of the monitoring upstream's machines serves every page.</summary>
    [Range(1, 300)]
    public int MonitoringCacheSeconds { get; set; } = 10;
}
