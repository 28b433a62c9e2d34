using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Modules;

namespace OpsConsole.Core.Maintenance;

/// <summary>Maintenance (seed 2, issue 18): machines and their downtime, tickets with photos and history, a parts ledger.</summary>
public static class MaintenanceModule
{
    public const string Name = "maintenance";
    public const string Title = "Maintenance";

    public static IServiceCollection AddMaintenanceModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpsModule(Name, Title);
        services.AddOpsTopic(MaintenanceEvents.Topic, OpsPolicies.Read);
        services.AddOpsOptions<MaintenanceOptions>(configuration, "Maintenance");
        services.AddOpsSettings(sp => MaintenanceSettings.Section(sp.GetRequiredService<MaintenanceOptions>()));
        services.AddSingleton<MaintenanceMetrics>();
        services.AddSingleton<MachineStates>();
        services.AddSingleton<MaintenanceCodes>();
        services.AddSingleton<TicketService>();
        services.AddSingleton<MachineDirectory>();
        services.AddSingleton<DowntimeLog>();
        services.AddSingleton<PartsLedger>();
        services.AddSingleton<TicketPhotos>();
        services.AddSingleton<MaintenanceReports>();
        return services;
    }
}
