using System.Buffers;
using System.Text.Json;

namespace OpsConsole.Core.Maintenance.Telemetry;

/// <summary>
/// Turns an MQTT topic and payload into a <see cref="TelemetryMessage"/>, or says why not. Payloads are JSON objects:
/// <code>
/// status:     {"machine_id":"M-01","seq":41,"ts":"2026-12-07T07:00:00Z","state":"down"}
/// production: {"machine_id":"M-01","seq":42,"ts":"2026-12-07T07:00:05Z","good":1200,"scrap":4,"run_seconds":3600,"cycles":1204}
/// </code>
/// `cycles` is optional; unknown fields are ignored (a newer machine firmware may send more). Reads the payload in
/// place with <see cref="Utf8JsonReader"/>: the client reuses its buffer once the handler returns, and the ingest
/// benchmark runs every message through here.
/// </summary>
public sealed class TelemetryParser(TelemetryTopics topics)
{
    public const int MaxPayloadBytes = 16 * 1024;
    public const int MaxMachineIdLength = 64;

    public TelemetryTopics Topics { get; } = topics;

    public TelemetryParseResult Parse(string topic, ReadOnlySequence<byte> payload, DateTimeOffset receivedAt)
    {
        if (!Topics.TryParse(topic, out var topicMachine, out var kind))
        {
            return Reject(TelemetryRejection.UnknownTopic, topic, "the topic is neither …/machines/{id}/status nor …/production");
        }
        if (payload.Length > MaxPayloadBytes)
        {
            return Reject(TelemetryRejection.TooLarge, topic, $"the payload has {payload.Length} bytes (at most {MaxPayloadBytes})");
        }
        try
        {
            return ParseObject(topic, topicMachine, kind, payload, receivedAt);
        }
        catch (JsonException e)
        {
            return Reject(TelemetryRejection.NotJson, topic, "the payload is not JSON: " + e.Message);
        }
    }

    private TelemetryParseResult ParseObject(string topic, string topicMachine, TelemetryKind kind, ReadOnlySequence<byte> payload, DateTimeOffset receivedAt)
    {
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 8 });
        if (!reader.Read())
        {
            return Reject(TelemetryRejection.NotJson, topic, "the payload is empty");
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return Reject(TelemetryRejection.NotAnObject, topic, "the payload is not a JSON object");
        }

        string? machine = null;
        long? seq = null;
        DateTimeOffset? ts = null;
        string? state = null;
        long? good = null, scrap = null, runSeconds = null, cycles = null;
        TelemetryRejected? wrong = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Field(ref reader);
            reader.Read();
            switch (field)
            {
                case "machine_id":
                    machine = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    wrong ??= machine is null ? Wrong(topic, field, "a string") : null;
                    break;
                case "seq":
                    seq = Integer(ref reader);
                    wrong ??= seq is null ? Wrong(topic, field, "an integer") : null;
                    break;
                case "ts":
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        wrong ??= Wrong(topic, field, "an ISO 8601 time string");
                    }
                    else if (reader.TryGetDateTimeOffset(out var parsed))
                    {
                        ts = parsed;
                    }
                    else
                    {
                        wrong ??= new TelemetryRejected(TelemetryRejection.BadTimestamp, topic, "ts is not an ISO 8601 time");
                    }
                    break;
                case "state":
                    state = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    wrong ??= state is null ? Wrong(topic, field, "a string") : null;
                    break;
                case "good":
                    good = Counter(ref reader, topic, field, ref wrong);
                    break;
                case "scrap":
                    scrap = Counter(ref reader, topic, field, ref wrong);
                    break;
                case "run_seconds":
                    runSeconds = Counter(ref reader, topic, field, ref wrong);
                    break;
                case "cycles":
                    cycles = Counter(ref reader, topic, field, ref wrong);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            // Trailing content after the object (or a truncated one) makes the reader throw; reaching here means more tokens.
            return Reject(TelemetryRejection.NotJson, topic, "the payload has content after its JSON object");
        }
        if (wrong is not null)
        {
            return new TelemetryParseResult(null, wrong);
        }

        if (machine is null)
        {
            return Missing(topic, "machine_id");
        }
        if (seq is null)
        {
            return Missing(topic, "seq");
        }
        if (ts is null)
        {
            return Missing(topic, "ts");
        }
        if (machine.Length is 0 or > MaxMachineIdLength || machine.AsSpan().ContainsAny(ForbiddenInId))
        {
            return Reject(TelemetryRejection.BadMachineId, topic, $"machine_id must be 1 to {MaxMachineIdLength} characters without '/', '+', '#' or spaces");
        }
        if (!string.Equals(machine, topicMachine, StringComparison.Ordinal))
        {
            return Reject(TelemetryRejection.TopicMismatch, topic, $"machine_id '{machine}' differs from the topic's machine '{topicMachine}'");
        }
        if (seq < 0)
        {
            return Reject(TelemetryRejection.BadSequence, topic, "seq must not be negative");
        }

        if (kind == TelemetryKind.Status)
        {
            if (state is null)
            {
                return Missing(topic, "state");
            }
            if (!TryState(state, out var reported))
            {
                return Reject(TelemetryRejection.BadState, topic, $"state '{Truncate(state)}' is not one of running, idle, down, maintenance");
            }
            return new TelemetryParseResult(TelemetryMessage.Status(machine, seq.Value, ts.Value, receivedAt, reported), null);
        }

        if (good is null)
        {
            return Missing(topic, "good");
        }
        if (scrap is null)
        {
            return Missing(topic, "scrap");
        }
        if (runSeconds is null)
        {
            return Missing(topic, "run_seconds");
        }
        return new TelemetryParseResult(
            TelemetryMessage.Production(machine, seq.Value, ts.Value, receivedAt, new ProductionCounters(good.Value, scrap.Value, runSeconds.Value, cycles)), null);
    }

    private static readonly SearchValues<char> ForbiddenInId = SearchValues.Create("/+# \t\r\n");

    private static string Field(ref Utf8JsonReader reader) =>
        // The known names are short ASCII: compare without allocating for them, allocate only for an unknown name.
        reader.ValueTextEquals("machine_id"u8) ? "machine_id"
        : reader.ValueTextEquals("seq"u8) ? "seq"
        : reader.ValueTextEquals("ts"u8) ? "ts"
        : reader.ValueTextEquals("state"u8) ? "state"
        : reader.ValueTextEquals("good"u8) ? "good"
        : reader.ValueTextEquals("scrap"u8) ? "scrap"
        : reader.ValueTextEquals("run_seconds"u8) ? "run_seconds"
        : reader.ValueTextEquals("cycles"u8) ? "cycles"
        : "";

    private static long? Integer(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : null;

    private static long? Counter(ref Utf8JsonReader reader, string topic, string field, ref TelemetryRejected? wrong)
    {
        var value = Integer(ref reader);
        if (value is null)
        {
            wrong ??= Wrong(topic, field, "an integer");
        }
        else if (value < 0)
        {
            wrong ??= new TelemetryRejected(TelemetryRejection.NegativeCounter, topic, $"{field} is negative ({value})");
        }
        return value;
    }

    private static bool TryState(string text, out ReportedState state)
    {
        switch (text)
        {
            case "running": state = ReportedState.Running; return true;
            case "idle": state = ReportedState.Idle; return true;
            case "down": state = ReportedState.Down; return true;
            case "maintenance": state = ReportedState.Maintenance; return true;
            default: state = default; return false;
        }
    }

    /// <summary>The wire name of a state (what the simulator and tests publish).</summary>
    public static string WireName(ReportedState state) => state switch
    {
        ReportedState.Running => "running",
        ReportedState.Idle => "idle",
        ReportedState.Down => "down",
        _ => "maintenance",
    };

    private static TelemetryRejected Wrong(string topic, string field, string expected) =>
        new(TelemetryRejection.WrongType, topic, $"{field} must be {expected}");

    private static TelemetryParseResult Missing(string topic, string field) =>
        Reject(TelemetryRejection.MissingField, topic, $"{field} is missing");

    private static TelemetryParseResult Reject(TelemetryRejection kind, string topic, string detail) =>
        new(null, new TelemetryRejected(kind, topic, detail));

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

/// <summary>Either a message or the reason it was refused.</summary>
public readonly record struct TelemetryParseResult(TelemetryMessage? Message, TelemetryRejected? Rejected);
