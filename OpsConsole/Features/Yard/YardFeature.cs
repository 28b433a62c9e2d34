using OpsConsole.Components.Layout;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Yard;
using OpsConsole.Infrastructure.Scheduling;
using OpsConsole.Simulators.Yard;

namespace OpsConsole.Features.Yard;

/// <summary>The Yard module in the app: the poller's Quartz tick, the yard simulator, shell parts, API and simulator routes.</summary>
public static class YardFeature
{
    public static IServiceCollection AddYardFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpsJob<YardPollerJob>(YardModule.Name, YardPollerJob.Name,
            "Polls the yard system every poll interval (Settings; one probe per interval while the yard system is down) and reports its alerts; ticks every second", "* * * * * ?", safeToRepeat: true);
        services.AddYardSimulator(configuration);
        services.AddShellPart<YardNav>(ShellPlace.Navigation, 20);
        services.AddShellPart<YardTile>(ShellPlace.Dashboard, 30);
        services.AddShellPart<YardSettingsSection>(ShellPlace.Settings, 20);
        services.AddShellShortcut("g h", "Go to the hostlers (yard)", "/yard");
        services.AddShellShortcut("g y", "Go to the yard's settings & rules", "/settings#yard");
        return services;
    }

    public static void MapYardFeature(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapYardApi();
        app.MapYardSimulator();
    }
}
