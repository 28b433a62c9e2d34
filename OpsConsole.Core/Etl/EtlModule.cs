using OpsConsole.Core.Shared.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsConsole.Core.Shared.Modules;

namespace OpsConsole.Core.Etl;

/// <summary>ETL jobs and missing data (seed 3): fetch, choose, parse and store per branch, POS and work date.</summary>
public static class EtlModule
{
    public const string Name = "etl";
    public const string Title = "ETL";

    /// <summary>The file host upstream: `Upstreams:etl`, and its simulator at /sim/etl.</summary>
    public const string FileHost = "etl";

    public static IServiceCollection AddEtlModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpsModule(Name, Title);
        services.AddOpsTopic(EtlEvents.Topic, OpsPolicies.Read);
        services.AddOpsOptions<EtlOptions>(configuration, "Etl");
        services.AddOpsSettings(sp => EtlSettings.Section(sp.GetRequiredService<EtlOptions>()));
        services.AddOpsUpstream(configuration, FileHost, "ETL file host");
        services.AddSingleton<EtlMetrics>();
        services.AddSingleton<EtlFileStore>();
        services.AddSingleton<EtlJobClaimer>();
        services.TryAddSingleton<IEtlWake, NoEtlWake>();
        services.AddSingleton<EtlBranches>();
        services.AddSingleton<EtlJobsQuery>();
        services.AddSingleton<EtlService>();
        services.AddSingleton<EtlFileHostClient>();
        services.AddSingleton<EtlPipeline>();
        services.AddSingleton<EtlRunnerPool>();
        services.AddSingleton<EtlMissingData>();
        services.AddSingleton<EtlMissingScan>();
        services.AddSingleton<EtlRecords>();
        services.AddSingleton<EtlFilesQuery>();
        services.AddSingleton<EtlOverview>();
        services.AddSingleton<EtlAlerts>();
        return services;
    }
}
