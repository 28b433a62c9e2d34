using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Modules;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Core.Sync;

/// <summary>Task sync (seed 5): connections between two task systems, three-way change detection per field, runs and plans.</summary>
public static class SyncModule
{
    public const string Name = "sync";
    public const string Title = "Task sync";

    /// <summary>The built-in source task system: `Upstreams:sync-source`, its simulator at /sim/sync-source.</summary>
    public const string SourceUpstream = "sync-source";

    /// <summary>The built-in destination task system: `Upstreams:sync-destination`, its simulator at /sim/sync-destination.</summary>
    public const string DestinationUpstream = "sync-destination";

    public static IServiceCollection AddSyncModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpsModule(Name, Title);
        services.AddOpsTopic(SyncEvents.Topic, OpsPolicies.Read);
        services.AddOpsOptions<SyncOptions>(configuration, "Sync");
        foreach (var (upstream, display) in new[] { (SourceUpstream, "Task sync source"), (DestinationUpstream, "Task sync destination") })
        {
            services.AddOpsUpstream(configuration, upstream, display);
            // Writes are not retried by the client: a create that timed out may have happened, and only the engine
            // (which looks for the create's marker first) may try it again (ADR 0034).
            services.PostConfigure<HttpStandardResilienceOptions>($"{upstream}-standard", o => o.Retry.DisableForUnsafeHttpMethods());
        }
        services.AddSingleton<SyncMetrics>();
        services.AddSingleton<TaskSystemAdapters>();
        services.AddSingleton<SyncConnections>();
        services.AddSingleton<SyncEngine>();
        services.AddSingleton<SyncHistory>();
        services.AddSingleton<SyncActivity>();
        return services;
    }
}
