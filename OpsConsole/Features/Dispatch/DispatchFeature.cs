using OpsConsole.Components.Layout;
using OpsConsole.Core.Dispatch;
using OpsConsole.Infrastructure.Scheduling;
using OpsConsole.Simulators.Dispatch;

namespace OpsConsole.Features.Dispatch;

/// <summary>The Dispatch module in the app: its Quartz job, the simulated engine and workers, shell parts and API.</summary>
public static class DispatchFeature
{
    public static IServiceCollection AddDispatchFeature(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOpsJob<DispatchLeaseJob>(DispatchModule.Name, DispatchLeaseJob.Name,
            "Returns tasks assigned longer than the Dispatch task lease (Settings) to ready (off when 0)", "0/30 * * * * ?", safeToRepeat: true);
        services.AddOpsJob<DispatchBacklogAlertsJob>(DispatchModule.Name, DispatchBacklogAlertsJob.Name,
            "Raises and resolves the backlog alerts (ready tasks, waiting suggestions) against the Dispatch thresholds (Settings)", "15/30 * * * * ?", safeToRepeat: true);
        services.AddDispatchSimulator(configuration, environment);
        services.AddShellPart<DispatchNav>(ShellPlace.Navigation, 30);
        services.AddShellPart<DispatchTile>(ShellPlace.Dashboard, 20);
        services.AddShellPart<DispatchSettingsSection>(ShellPlace.Settings, 30);
        services.AddShellShortcut("g p", "Go to suggestions (dispatch)", "/dispatch/suggestions");
        services.AddShellShortcut("g t", "Go to the task board (dispatch)", "/dispatch/tasks");
        services.AddShellShortcut("j / k, x, a, r", "On suggestions: move, select, approve or reject the highlighted one");
        return services;
    }

    public static void MapDispatchFeature(this IEndpointRouteBuilder app, RouteGroupBuilder api) => api.MapDispatchApi();
}
