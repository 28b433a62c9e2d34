using OpsConsole.Core.Shared.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Modules;

namespace OpsConsole.Core.Dispatch;

/// <summary>Dispatch (seed 4): suggestions from the ML engine, decisions by supervisors, tasks claimed by workers.</summary>
public static class DispatchModule
{
    public const string Name = "dispatch";
    public const string Title = "Dispatch";

    public static IServiceCollection AddDispatchModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpsModule(Name, Title);
        services.AddOpsTopic(DispatchEvents.Topic, OpsPolicies.Read, OpsPolicies.Dispatch, OpsPolicies.PostSuggestions);
        services.AddOpsOptions<DispatchOptions>(configuration, "Dispatch");
        services.AddOpsSettings(sp => DispatchSettings.Section(sp.GetRequiredService<DispatchOptions>()));
        services.AddSingleton<DispatchMetrics>();
        services.AddSingleton<DispatchClaimer>();
        services.AddSingleton<DispatchClaimQueue>();
        services.AddSingleton<DispatchService>();
        services.AddSingleton<DispatchAlerts>();
        services.AddSingleton<SuggestionCsvImport>();
        services.AddSingleton<StationDirectory>();
        return services;
    }
}
