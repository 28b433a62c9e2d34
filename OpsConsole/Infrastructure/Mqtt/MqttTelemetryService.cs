using OpsConsole.Core.Maintenance.Telemetry;

namespace OpsConsole.Infrastructure.Mqtt;

/// <summary>Runs the batch writer and the subscriber side by side for the console's lifetime.</summary>
public sealed class MqttTelemetryService(TelemetryPipeline pipeline, MqttTelemetryClient client) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Task.Run(() => pipeline.RunAsync(stoppingToken), stoppingToken), Task.Run(() => client.RunAsync(stoppingToken), stoppingToken));
}
