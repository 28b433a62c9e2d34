using System.ComponentModel.DataAnnotations;

namespace OpsConsole.Core.Maintenance.Telemetry;

/// <summary>
/// The ingest pipeline's part of `Mqtt:*` (the transport's part is the app's <c>MqttOptions</c>, bound from the same
/// section), checked when the console starts.
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>`Mqtt:TopicPrefix`: the first topic level of every topic the console reads or writes.</summary>
    [Required, RegularExpression("^[^+#]+$")]
    public string TopicPrefix { get; set; } = TelemetryTopics.DefaultPrefix;

    /// <summary>
    /// `Mqtt:ChannelCapacity`: messages waiting for the batch writer. At least `Mqtt:ReceiveMaximum`, so the broker
    /// (which never has more unacknowledged messages in flight to us than that) cannot fill it and stall the client.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ChannelCapacity { get; set; } = 4096;

    /// <summary>`Mqtt:BatchMaxMessages`: at most this many messages per call of the sink.</summary>
    [Range(1, 100_000)]
    public int BatchMaxMessages { get; set; } = 1000;

    /// <summary>
    /// `Mqtt:BatchLingerMilliseconds`: after the first message of a batch, how long the writer waits for more when
    /// fewer than a full batch are waiting (under load batches fill while the previous one commits; when quiet a
    /// message waits at most this long).
    /// </summary>
    [Range(0, 10_000)]
    public int BatchLingerMilliseconds { get; set; } = 20;

    /// <summary>`Mqtt:HeartbeatSeconds`: a machine with no message for longer than this is stale.</summary>
    [Range(1, 86_400)]
    public int HeartbeatSeconds { get; set; } = 30;

    /// <summary>`Mqtt:MachineHeartbeatSeconds:{code}`: a machine's own deadline (a slow-reporting one), over the default.</summary>
    public Dictionary<string, int> MachineHeartbeatSeconds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>`Mqtt:SinkRetryMaxSeconds`: the longest wait between two attempts to store a batch the sink refused.</summary>
    [Range(1, 3600)]
    public int SinkRetryMaxSeconds { get; set; } = 10;

    public TimeSpan HeartbeatFor(string machine) =>
        TimeSpan.FromSeconds(MachineHeartbeatSeconds.TryGetValue(machine, out var seconds) && seconds > 0 ? seconds : HeartbeatSeconds);
}
