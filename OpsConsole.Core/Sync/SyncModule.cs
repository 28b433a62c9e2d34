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
        // The seed's names, as environment variables (or root settings), win over `Sync:AutoSyncEnabled` / `Sync:IntervalSeconds`.
        services.PostConfigure<SyncOptions>(o =>
        {
            if (configuration["AUTO_SYNC_ENABLED"] is { Length: > 0 } enabled)
            {
                o.AutoSyncEnabled = enabled.Trim() is "1" || bool.TryParse(enabled.Trim(), out var on) && on;
            }
            if (int.TryParse(configuration["SYNC_INTERVAL_SECONDS"], System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            {
                o.IntervalSeconds = seconds;
            }
        });
        foreach (var (upstream, display) in new[] { (SourceUpstream, "Task sync source"), (DestinationUpstream, "Task sync destination") })
        {
            services.AddOpsUpstream(configuration, upstream, display);
            // Writes are not retried by the client: a create that timed out may have happened, and only the engine
            // (which looks for the create's marker first) may try it again (ADR 0034).
            // A 429 is not retried by the client either: it goes straight to the system's token bucket, which holds every
            // call to that system back for its Retry-After (capped) and learns its rate (ADR 0036). Retried here, a long
            // Retry-After would hold one call until the total timeout and end as a timeout, and the bucket would learn nothing.
            services.PostConfigure<HttpStandardResilienceOptions>($"{upstream}-standard", o =>
            {
                o.Retry.ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Result?.StatusCode != System.Net.HttpStatusCode.TooManyRequests && HttpClientResiliencePredicates.IsTransient(args.Outcome));
                o.Retry.DisableForUnsafeHttpMethods();
            });
        }
        services.AddSingleton<SyncMetrics>();
        services.AddSingleton<TaskSystemAdapters>();
        services.AddSingleton<SyncConnections>();
        services.AddSingleton<SyncEngine>();
        services.AddSingleton<SyncHistory>();
        services.AddSingleton<SyncConflicts>();
        services.AddSingleton<SyncPlanApplier>();
        services.AddSingleton<SyncActivity>();
        services.AddSingleton<SyncRateLimits>();
        services.AddSingleton<SyncRunLeases>();
        services.AddSingleton<SyncItemRetries>();
        services.AddSingleton<SyncBot>();
        services.AddSingleton<SyncWebhooks>();
        return services;
    }
}
