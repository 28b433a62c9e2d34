using OpsConsole.Core.Shared.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Modules;

namespace OpsConsole.Core.Yard;

/// <summary>Yard (seed 1): the poller of the yard system, its business rules, and the hostler view's data.</summary>
public static class YardModule
{
    public const string Name = "yard";
    public const string Title = "Yard";

    /// <summary>The yard management system: `Upstreams:yard`, and its simulator at /sim/yard.</summary>
    public const string Upstream = "yard";

    public static IServiceCollection AddYardModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpsModule(Name, Title);
        services.AddOpsTopic(YardEvents.Topic, OpsPolicies.Read);
        services.AddOpsOptions<YardOptions>(configuration, "Yard");
        services.AddOpsSettings(_ => YardSettings.Section, (sp, values) => sp.GetRequiredService<YardPoller>().Apply(YardSettings.From(values)));
        services.AddOpsUpstream(configuration, Upstream, "Yard management");
        services.AddSingleton<YardMetrics>();
        services.AddSingleton<YardClient>();
        services.AddSingleton<YardTaskCache>();
        services.AddSingleton<YardViewStore>();
        services.AddSingleton<YardCyclePlanner>();
        services.AddSingleton<YardMutator>();
        services.AddSingleton<YardPollerState>();
        services.AddSingleton<YardSharedPoll>();
        services.AddSingleton<YardAlerts>();
        services.AddSingleton<YardPoller>();
        services.AddSingleton<YardOperations>();
        return services;
    }
}
