using OpsConsole.Components.Layout;
using OpsConsole.Core.Maintenance;
using OpsConsole.Infrastructure.Scheduling;
using OpsConsole.Simulators.Maintenance;

namespace OpsConsole.Features.Maintenance;

/// <summary>The Maintenance module in the app: its job, demo plant, shell parts, shortcuts and API.</summary>
public static class MaintenanceFeature
{
    public static IServiceCollection AddMaintenanceFeature(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOpsJob<MaintenanceFailureTicketsJob>(MaintenanceModule.Name, MaintenanceFailureTicketsJob.Name,
            "Opens the failure ticket of a machine whose stop outlasts the micro-stop threshold (Settings)", "5/10 * * * * ?", safeToRepeat: true);
        services.AddOpsJob<MaintenancePlannedTicketsJob>(MaintenanceModule.Name, MaintenancePlannedTicketsJob.Name,
            "Opens the planned ticket of every preventive schedule that is due (days, cycles or run hours) and has none open", "20 0/5 * * * ?", safeToRepeat: true);
        services.AddOpsJob<MaintenanceMonitoringStatesJob>(MaintenanceModule.Name, MaintenanceMonitoringStatesJob.Name,
            "Sets the state of machines fed by the monitoring upstream from its latest snapshot", "10/15 * * * * ?", safeToRepeat: true);
        services.AddOpsJob<MaintenanceTelemetryRetentionJob>(MaintenanceModule.Name, MaintenanceTelemetryRetentionJob.Name,
            "Deletes raw telemetry (heartbeats and counters) older than the retention setting; states, periods and production stay", "40 35 * * * ?", safeToRepeat: true);
        services.AddMaintenanceSimulator(configuration, environment);
        services.AddMachineMonitoringSimulator(configuration);
        services.AddShellPart<MaintenanceNav>(ShellPlace.Navigation, 40);
        services.AddShellPart<MaintenanceTile>(ShellPlace.Dashboard, 40);
        services.AddShellPart<MaintenanceSettingsSection>(ShellPlace.Settings, 40);
        services.AddShellShortcut("g n", "Go to the machines board (maintenance)", "/maintenance/machines");
        services.AddShellShortcut("g k", "Go to tickets (maintenance)", "/maintenance/tickets");
        services.AddShellShortcut("j / k, Enter", "On tickets: move the highlight, open the highlighted ticket");
        services.AddShellShortcut("g v", "Go to preventive schedules (maintenance)", "/maintenance/schedules");
        services.AddShellShortcut("g o", "Go to production records (maintenance)", "/maintenance/production");
        return services;
    }

    public static void MapMaintenanceFeature(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapMaintenanceApi();
        api.MapMaintenanceAnalyticsApi();
        app.MapMachineMonitoringSimulator();
    }
}
