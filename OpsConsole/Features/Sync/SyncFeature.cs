using OpsConsole.Components.Layout;
using OpsConsole.Infrastructure.Database;
using OpsConsole.Infrastructure.Scheduling;
using OpsConsole.Simulators.Sync;

namespace OpsConsole.Features.Sync;

/// <summary>The Sync module in the app: the two simulated task systems, the Development demo connection, the API and simulator routes.</summary>
public static class SyncFeature
{
    public static IServiceCollection AddSyncFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSyncSimulator(configuration);
        services.AddDemoData<SyncDemoConnection>();
        services.AddOpsJob<SyncBotJob>(Core.Sync.SyncModule.Name, SyncBotJob.Name,
            "The sync bot: runs each connection whose interval has passed since its last run (AUTO_SYNC_ENABLED, SYNC_INTERVAL_SECONDS); ticks every 5 seconds", "0/5 * * * * ?", safeToRepeat: true);
        services.AddHostedService<SyncWebhookRunner>();
        // In Development the demo's bot is on unless a setting says otherwise (issue 19's demo).
        services.AddOptions<Core.Sync.SyncOptions>().PostConfigure<IHostEnvironment>((o, environment) =>
        {
            if (environment.IsDevelopment() && configuration["AUTO_SYNC_ENABLED"] is null && configuration["Sync:AutoSyncEnabled"] is null)
            {
                o.AutoSyncEnabled = true;
            }
        });
        services.AddShellPart<SyncNav>(ShellPlace.Navigation, 50);
        services.AddShellPart<SyncTile>(ShellPlace.Dashboard, 50);
        services.AddShellShortcut("g c", "Go to the sync connections (task sync)", "/sync");
        services.AddShellShortcut("g w", "Go to the sync runs (task sync)", "/sync/runs");
        services.AddShellShortcut("g e", "Go to the sync activity, searchable by item (task sync)", "/sync/activity");
        return services;
    }

    public static void MapSyncFeature(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapSyncApi();
        app.MapSyncSimulator();
    }
}
