namespace OpsConsole.Core.Maintenance.Telemetry;

/// <summary>The two kinds of machine telemetry: its state, and its cumulative production counters.</summary>
public enum TelemetryKind
{
    Status,
    Production,
}

/// <summary>
/// A state as the machine reports it (`running | idle | down | maintenance` on the wire); the Maintenance model's
/// machine state has the same members, so mapping is by name.
/// </summary>
public enum ReportedState
{
    Running,
    Idle,
    Down,
    Maintenance,
}

/// <summary>Cumulative counters since the machine's counter reset: the consumer stores deltas if it wants rates.</summary>
public readonly record struct ProductionCounters(long Good, long Scrap, long RunSeconds, long? Cycles);

/// <summary>
/// One valid telemetry message. <see cref="MachineCode"/> and <see cref="Seq"/> are its identity: a machine numbers
/// every message it sends (status and production alike) from one increasing sequence, so (machine, seq) is the
/// de-duplication key for QoS 1 redeliveries (the MQTT packet id is reused by design and is no key).
/// </summary>
public sealed record TelemetryMessage(
    TelemetryKind Kind,
    string MachineCode,
    long Seq,
    DateTimeOffset Timestamp,
    DateTimeOffset ReceivedAt,
    ReportedState? State,
    ProductionCounters? Counters)
{
    public static TelemetryMessage Status(string machine, long seq, DateTimeOffset ts, DateTimeOffset receivedAt, ReportedState state) =>
        new(TelemetryKind.Status, machine, seq, ts, receivedAt, state, null);

    public static TelemetryMessage Production(string machine, long seq, DateTimeOffset ts, DateTimeOffset receivedAt, ProductionCounters counters) =>
        new(TelemetryKind.Production, machine, seq, ts, receivedAt, null, counters);
}

/// <summary>Why a payload was refused: counted per kind (metrics, the feed status) and logged once per kind.</summary>
public enum TelemetryRejection
{
    /// <summary>A topic under the prefix that is neither `…/status` nor `…/production`.</summary>
    UnknownTopic,
    TooLarge,
    NotJson,
    /// <summary>The payload is JSON but not an object.</summary>
    NotAnObject,
    MissingField,
    /// <summary>A field of the wrong JSON type (a string seq, a fractional counter…).</summary>
    WrongType,
    BadMachineId,
    BadSequence,
    BadTimestamp,
    BadState,
    NegativeCounter,
    /// <summary>`machine_id` differs from the machine named in the topic.</summary>
    TopicMismatch,
}

/// <summary>A refused payload: its kind and a message naming the field, for the once-per-kind log line.</summary>
public sealed record TelemetryRejected(TelemetryRejection Kind, string Topic, string Detail);
