using MQTTnet;
using MQTTnet.Protocol;
using OpsConsole.Core.Maintenance.Telemetry;

namespace OpsConsole.Infrastructure.Mqtt;

/// <summary>
/// The console's subscriber: one MQTT 5 connection with the fixed `Mqtt:ClientId`, a persistent session (CleanStart
/// false, `Mqtt:SessionExpirySeconds`) and QoS 1 subscriptions to the status and production topics (shared, with a
/// client id per instance, when clustered: ADR 0040). Its receive
/// handler turns off auto-acknowledge and only hands the message and its acknowledgement to the
/// <see cref="TelemetryPipeline"/>, which acknowledges after the sink stored it. MQTTnet 5 has no managed client, so
/// the reconnect loop is here: exponential backoff with jitter, resubscribe on every connect (the broker's session
/// would keep the subscriptions, but a broker that lost its store would not), and the state on
/// <see cref="TelemetryFeedStatus"/>.
/// </summary>
public sealed class MqttTelemetryClient(
    MqttOptions options,
    TelemetryPipeline pipeline,
    TelemetryTopics topics,
    TelemetryFeedStatus status,
    TelemetryMetrics metrics,
    TimeProvider time,
    ILogger<MqttTelemetryClient> logger) : IAsyncDisposable
{
    private readonly MqttBackoff _backoff = new(TimeSpan.FromMilliseconds(options.ReconnectMinMilliseconds),
        TimeSpan.FromMilliseconds(options.ReconnectMaxMilliseconds), new Random());
    private IMqttClient? _client;
    private volatile bool _crashed;
    private TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Connects and stays connected until <paramref name="ct"/> is cancelled, then disconnects (the session stays on the broker).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        _client = client;
        client.ApplicationMessageReceivedAsync += e => ReceivedAsync(e, ct);
        client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                Volatile.Read(ref _lost).TrySetResult();
                if (!ct.IsCancellationRequested && !_crashed)
                {
                    logger.LogWarning("MQTT connection to {Host}:{Port} lost ({Reason}); reconnecting with backoff",
                        options.Host, options.Port, e.Exception?.GetBaseException().Message ?? e.Reason.ToString());
                }
            }
            return Task.CompletedTask;
        };

        var mqttOptions = MqttClientOptionsFactory.Create(options, options.ClientId, persistentSession: true, (ushort)options.ReceiveMaximum);
        var failures = 0;
        status.Connecting();
        try
        {
            while (!ct.IsCancellationRequested && !_crashed)
            {
                Volatile.Write(ref _lost, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                try
                {
                    await ConnectAndSubscribeAsync(client, mqttOptions, ct);
                    failures = 0;
                    await Volatile.Read(ref _lost).Task.WaitAsync(ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested && !_crashed)
                {
                    failures++;
                    metrics.Connects.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
                    var message = ex.GetBaseException().Message;
                    if (failures == 1)
                    {
                        logger.LogWarning("MQTT connect to {Host}:{Port} failed: {Error}; retrying with backoff", options.Host, options.Port, message);
                    }
                    else
                    {
                        logger.LogDebug("MQTT connect attempt {Attempt} to {Host}:{Port} failed: {Error}", failures, options.Host, options.Port, message);
                    }
                    status.Reconnecting(message);
                }
                if (ct.IsCancellationRequested || _crashed)
                {
                    break;
                }
                if (failures == 0)
                {
                    // The connection was up and dropped: the first retry waits the shortest backoff.
                    failures = 1;
                    status.Reconnecting("connection lost");
                }
                await Task.Delay(_backoff.Delay(failures), time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            if (!_crashed && client.IsConnected)
            {
                // A clean DISCONNECT: with a session expiry above zero the broker keeps the session and queues for it.
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
                }
                catch (Exception ex)
                {
                    logger.LogDebug(ex, "MQTT disconnect on stop failed");
                }
            }
            status.Stopped();
            _client = null;
        }
    }

    private async Task ConnectAndSubscribeAsync(IMqttClient client, MqttClientOptions mqttOptions, CancellationToken ct)
    {
        status.Connecting();
        var connected = await client.ConnectAsync(mqttOptions, ct);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"the broker refused the connection: {connected.ResultCode} {connected.ReasonString}");
        }
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in topics.Subscriptions)
        {
            subscribe.WithTopicFilter(options.Subscription(filter), MqttQualityOfServiceLevel.AtLeastOnce);
        }
        var subscribed = await client.SubscribeAsync(subscribe.Build(), ct);
        var refused = subscribed.Items.Where(i => i.ResultCode != MqttClientSubscribeResultCode.GrantedQoS1).ToList();
        if (refused.Count > 0)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
            throw new InvalidOperationException("the broker did not grant QoS 1 on " +
                string.Join(", ", refused.Select(i => $"{i.TopicFilter.Topic} ({i.ResultCode})")));
        }
        metrics.Connects.Add(1, new KeyValuePair<string, object?>("outcome", "connected"));
        logger.LogInformation("MQTT connected to {Host}:{Port} as {ClientId} (session resumed: {SessionPresent}); subscribed to {Topics}",
            options.Host, options.Port, options.ClientId, connected.IsSessionPresent, string.Join(", ", topics.Subscriptions.Select(options.Subscription)));
        status.Connected();
    }

    private Task ReceivedAsync(MqttApplicationMessageReceivedEventArgs e, CancellationToken ct)
    {
        var message = e.ApplicationMessage;
        Func<CancellationToken, Task>? acknowledge = null;
        if (message.QualityOfServiceLevel != MqttQualityOfServiceLevel.AtMostOnce)
        {
            e.AutoAcknowledge = false;
            acknowledge = e.AcknowledgeAsync;
        }
        // Parsed here, while the payload's buffer is still the client's; only the parsed message is queued.
        return pipeline.AcceptAsync(message.Topic, message.Payload, acknowledge, ct).AsTask();
    }

    /// <summary>
    /// For tests: dies as a process would, between a commit and its acknowledgements: the socket is closed without a
    /// DISCONNECT, nothing more is acknowledged on it, and the loop ends.
    /// </summary>
    internal void Crash()
    {
        _crashed = true;
        _client?.Dispose();
        Volatile.Read(ref _lost).TrySetResult();
    }

    public ValueTask DisposeAsync()
    {
        _client?.Dispose();
        return ValueTask.CompletedTask;
    }
}
