using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Maintenance.Monitoring;
using OpsConsole.Core.Maintenance.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Modules;
using OpsConsole.Core.Shared.Views;

namespace OpsConsole.Core.Maintenance;

/// <summary>Maintenance (seed 2, issue 18): machines and their downtime, tickets with photos and history, a parts ledger.</summary>
public static class MaintenanceModule
{
    public const string Name = "maintenance";
    public const string Title = "Maintenance";

    /// <summary>The machine-monitoring system (the seed's FourJaw): `Upstreams:machine-monitoring`, and its simulator at /sim/machine-monitoring.</summary>
    public const string MonitoringUpstream = "machine-monitoring";

    public static IServiceCollection AddMaintenanceModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpsModule(Name, Title);
        services.AddOpsTopic(MaintenanceEvents.Topic, OpsPolicies.Read);
        services.AddOpsOptions<MaintenanceOptions>(configuration, "Maintenance");
        services.AddOpsSettings(sp => MaintenanceSettings.Section(sp.GetRequiredService<MaintenanceOptions>()));
        services.AddSingleton<MaintenanceMetrics>();
        services.AddOpsUpstream(configuration, MonitoringUpstream, "Machine monitoring");
        services.AddSingleton<MachineMonitoringClient>();
        services.AddSingleton<MachineMonitoring>();
        services.AddSingleton<IMonitoringSnapshots>(sp => sp.GetRequiredService<MachineMonitoring>());
        services.AddSingleton<MonitoringStateFeed>();
        services.AddSingleton<MachineStates>();
        services.AddSingleton<MaintenanceCodes>();
        services.AddSingleton<TicketService>();
        services.AddSingleton<MachineDirectory>();
        services.AddSingleton<ShiftCalendars>();
        services.AddSingleton<DowntimeLog>();
        services.AddSingleton<PartsLedger>();
        services.AddSingleton<PhotoFileStore>();
        services.AddSingleton<TicketPhotos>();
        // Machine telemetry (MQTT, ADR 0031) is stored by this module: registered before the transport's default sink.
        services.AddSingleton<TicketEvents>();
        services.AddSingleton<MachineTelemetryStore>();
        services.AddSingleton<MachineTelemetryRetention>();
        services.AddSingleton<ITelemetrySink>(sp => sp.GetRequiredService<MachineTelemetryStore>());
        services.AddSingleton<MaintenanceSchedules>();
        services.TryAddSingleton<SavedViews>();
        services.AddSingleton<ProductionImport>();
        services.AddSingleton<ProductionLog>();
        services.AddSingleton<MaintenanceReports>();
        return services;
    }
}
