using OpsConsole.Components.Layout;
using OpsConsole.Core.Etl;
using OpsConsole.Infrastructure.Scheduling;
using OpsConsole.Simulators.Etl;

namespace OpsConsole.Features.Etl;

/// <summary>The ETL module in the app: its Quartz jobs, simulator, shell parts, API and simulator routes.</summary>
public static class EtlFeature
{
    public static IServiceCollection AddEtlFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IEtlWake, QuartzEtlWake>();
        services.AddOpsJob<EtlRunnerJob>(EtlModule.Name, EtlRunnerJob.Name,
            "Runs queued ETL jobs with Etl:Runners runners (also started at once when jobs are queued)", "0/5 * * * * ?", safeToRepeat: true);
        services.AddOpsJob<EtlFetchYesterdayJob>(EtlModule.Name, EtlFetchYesterdayJob.Name,
            "Queues yesterday for every active branch and POS", "0 30 2 * * ?", safeToRepeat: true);
        services.AddOpsJob<EtlMissingScanJob>(EtlModule.Name, EtlMissingScanJob.Name,
            "Queues cells of the last Etl:ScanDays days that have no job", "0 15 * * * ?", safeToRepeat: true);
        services.AddOpsJob<EtlAlertsJob>(EtlModule.Name, EtlAlertsJob.Name,
            "Raises and resolves the ETL alerts (failure rate over the last hour, branches missing days in a row)", "45 * * * * ?", safeToRepeat: true);
        services.AddOpsJob<EtlMissingGaugeJob>(EtlModule.Name, EtlMissingGaugeJob.Name,
            "Counts each branch's days with no data for the missing-cells gauge on /metrics", "30 * * * * ?", safeToRepeat: true);
        services.AddEtlSimulator();
        services.AddShellPart<EtlNav>(ShellPlace.Navigation, 10);
        services.AddShellPart<EtlTile>(ShellPlace.Dashboard, 10);
        services.AddShellPart<EtlSettingsSection>(ShellPlace.Settings, 10);
        services.AddShellShortcut("g m", "Go to missing data (ETL)", "/etl/missing");
        services.AddShellShortcut("g j", "Go to the jobs (ETL)", "/etl/jobs");
        services.AddShellShortcut("g f", "Go to the raw files (ETL)", "/etl/files");
        services.AddShellShortcut("g r", "Go to the records (ETL)", "/etl/records");
        services.AddShellShortcut("g b", "Go to the branches (ETL)", "/etl/branches");
        services.AddShellShortcut("arrows, Space, o", "On missing data: move between cells, select a cell, open it");
        return services;
    }

    public static void MapEtlFeature(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        api.MapEtlApi();
        app.MapEtlSimulator();
    }
}
