using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsConsole.Core.Shared.Modules;

namespace OpsConsole.Core.Maintenance.Telemetry;

/// <summary>The ingest pipeline's services, transport-free (the MQTT client that feeds it lives in the app).</summary>
public static class TelemetryServices
{
    /// <summary>
    /// Options from `Mqtt:*`, the parser, the pipeline with its feed tracker, status and metrics, and
    /// <see cref="LatestTelemetrySink"/> as the sink unless an <see cref="ITelemetrySink"/> was registered before.
    /// Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddMaintenanceTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(TelemetryPipeline)))
        {
            return services;
        }
        services.AddOpsOptions<TelemetryOptions>(configuration, "Mqtt");
        services.AddSingleton(sp => new TelemetryTopics(sp.GetRequiredService<TelemetryOptions>().TopicPrefix));
        services.AddSingleton<TelemetryParser>();
        services.AddSingleton<MachineFeedTracker>();
        services.AddSingleton<TelemetryFeedStatus>();
        services.AddSingleton<TelemetryMetrics>();
        services.TryAddSingleton<LatestTelemetrySink>();
        services.TryAddSingleton<ITelemetrySink>(sp => sp.GetRequiredService<LatestTelemetrySink>());
        services.AddSingleton<TelemetryPipeline>();
        return services;
    }
}
