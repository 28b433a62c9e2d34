using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace OpsConsole.Infrastructure.Mqtt;

/// <summary>
/// Publishes at QoS 1 and returns once the broker acknowledged (PUBACK); throws when it could not, so that a caller
/// relaying an outbox keeps the row and tries again. One connection, opened on first use and reopened on the next
/// call after it dropped; calls are serialised (an outbox relay publishes in order). Registered for the console as
/// `{Mqtt:ClientId}-publisher`; the machine simulator has its own.
/// </summary>
public sealed class MqttPublisher(MqttOptions options, string clientId, ILogger<MqttPublisher> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    public string ClientId { get; } = clientId;

    public bool IsConnected => _client.IsConnected;

    public Task PublishAsync(string topic, string payload, CancellationToken ct) => PublishAsync(topic, Encoding.UTF8.GetBytes(payload), ct);

    public async Task PublishAsync(string topic, byte[] payload, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await EnsureConnectedAsync(ct);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithContentType("application/json")
                .Build();
            var result = await _client.PublishAsync(message, ct);
            // MQTT 5 answers NoMatchingSubscribers when nobody listens: the broker still took the message.
            if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
            {
                throw new InvalidOperationException($"The broker refused the message on {topic}: {result.ReasonCode} {result.ReasonString}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task EnsureConnectedAsync(CancellationToken ct)
    {
        if (_client.IsConnected)
        {
            return;
        }
        // A fresh client per connection: one whose connection just dropped may still be "disconnecting" and refuse to connect.
        _client.Dispose();
        _client = new MqttClientFactory().CreateMqttClient();
        var connected = await _client.ConnectAsync(MqttClientOptionsFactory.Create(options, ClientId, persistentSession: false), ct);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"The broker refused the connection of {ClientId}: {connected.ResultCode} {connected.ReasonString}");
        }
        logger.LogDebug("MQTT publisher {ClientId} connected to {Host}:{Port}", ClientId, options.Host, options.Port);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "MQTT publisher {ClientId}: disconnect failed", ClientId);
            }
        }
        _client.Dispose();
        _gate.Dispose();
    }
}
