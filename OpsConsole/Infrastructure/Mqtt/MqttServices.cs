using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsConsole.Core.Maintenance.Telemetry;
using OpsConsole.Simulators.Maintenance;
using OpsConsole.Infrastructure.Health;

namespace OpsConsole.Infrastructure.Mqtt;

/// <summary>The MQTT transport over Core's telemetry pipeline (ADR 0027).</summary>
public static class MqttServices
{
    /// <summary>
    /// Always: the pipeline's services (<see cref="TelemetryServices.AddMaintenanceTelemetry"/>), <see cref="MqttOptions"/>
    /// the console's <see cref="MqttPublisher"/> and the <see cref="TicketEventsRelay"/>. With `Mqtt:Enabled`: the embedded broker (when
    /// `Mqtt:EmbeddedBroker`), the subscriber and its batch writer, the health check, and the machine simulator (when
    /// `Mqtt:Simulator:Enabled`), started in that order.
    /// </summary>
    public static IServiceCollection AddMqttTelemetry(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = MqttOptions.Read(configuration, environment);
        services.AddSingleton(options);
        services.AddMaintenanceTelemetry(configuration);
        services.AddSingleton(sp => new MqttPublisher(options, options.ClientId + "-publisher", sp.GetRequiredService<ILogger<MqttPublisher>>()));
        // The ticket events outbox: relayed to the broker with `Mqtt:Enabled`, only pruned without it.
        services.AddHostedService<TicketEventsRelay>();
        if (!options.Enabled)
        {
            return services;
        }
        if (options.EmbeddedBroker)
        {
            services.AddHostedService<EmbeddedMqttBroker>();
        }
        services.AddSingleton<MqttTelemetryClient>();
        services.AddHostedService<MqttTelemetryService>();
        services.AddHealthChecks().AddCheck<MqttHealthCheck>("mqtt", tags: [OpsHealthChecks.ReadyTag]);
        if (options.Simulator.Enabled)
        {
            services.TryAddSingleton<SimulatedMachineFloor>();
            services.AddHostedService<MachineSimulator>();
        }
        return services;
    }
}
