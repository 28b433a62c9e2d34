using System.Net;
using MQTTnet.Server;

namespace OpsConsole.Infrastructure.Mqtt;

/// <summary>
/// `Mqtt:EmbeddedBroker` (Development): an MQTTnet broker in this process on loopback, `Mqtt:Port`, so `dotnet run`
/// needs no broker and the simulator and the subscriber talk real MQTT. Sessions persist in memory only (a restart
/// of the console restarts the broker; real deployments point `Mqtt:Host` at their plant's broker).
/// </summary>
public sealed class EmbeddedMqttBroker(MqttOptions options, ILogger<EmbeddedMqttBroker> logger) : IHostedService, IAsyncDisposable
{
    private MqttServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(options.Port)
            .WithPersistentSessions(true)
            // Queued for a client that is away (the console restarting its subscriber): well above a burst of the demo plant.
            .WithMaxPendingMessagesPerClient(100_000)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        await _server.StartAsync();
        logger.LogInformation("Embedded MQTT broker listening on 127.0.0.1:{Port} (Mqtt:EmbeddedBroker)", options.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            await server.StopAsync();
        }
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        _server = null;
        return ValueTask.CompletedTask;
    }
}
