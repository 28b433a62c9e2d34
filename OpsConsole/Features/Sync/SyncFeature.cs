using OpsConsole.Infrastructure.Database;
using OpsConsole.Simulators.Sync;

namespace OpsConsole.Features.Sync;

/// <summary>The Sync module in the app: the two simulated task systems, the Development demo connection, the API and simulator routes.</summary>
public static class SyncFeature
{
    public static IServiceCollection AddSyncFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSyncSimulator(configuration);
        services.AddDemoData<SyncDemoConnection>();
        return services;
    }

    public static void MapSyncFeature(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapSyncApi();
        app.MapSyncSimulator();
    }
}
