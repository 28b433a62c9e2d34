using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace OpsConsole.Core.Maintenance.Telemetry;

/// <summary>
/// A received message (or a refused one) and how to acknowledge it to the broker. Refused payloads travel too, so
/// that acknowledgements leave in the order the messages came (QoS 1 acknowledgements in receive order, as MQTT asks).
/// </summary>
public readonly record struct TelemetryEnvelope(TelemetryMessage? Message, Func<CancellationToken, Task>? Acknowledge);

/// <summary>
/// The ingest pipeline between the MQTT client and the sink: the client's handler only parses and writes into a
/// bounded channel (<see cref="AcceptAsync"/>); one writer (<see cref="RunAsync"/>) takes batches bounded by size and
/// time, hands them to <see cref="ITelemetrySink"/>, and acknowledges the batch's messages only after the sink
/// returned. A batch the sink refused is retried with backoff and stays unacknowledged meanwhile; if the console dies
/// first, the broker redelivers it to the same client id (persistent session) and the idempotent sink stores it once.
/// </summary>
public sealed class TelemetryPipeline
{
    private readonly Channel<TelemetryEnvelope> _channel;
    private readonly ITelemetrySink _sink;
    private readonly TelemetryOptions _options;
    private readonly MachineFeedTracker _feeds;
    private readonly TelemetryFeedStatus _status;
    private readonly TelemetryMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<TelemetryPipeline> _logger;
    private readonly HashSet<TelemetryRejection> _logged = [];

    public TelemetryPipeline(TelemetryParser parser, ITelemetrySink sink, TelemetryOptions options, MachineFeedTracker feeds, TelemetryFeedStatus status,
        TelemetryMetrics metrics, TimeProvider time, ILogger<TelemetryPipeline> logger)
    {
        Parser = parser;
        _sink = sink;
        _options = options;
        _feeds = feeds;
        _status = status;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _channel = Channel.CreateBounded<TelemetryEnvelope>(new BoundedChannelOptions(options.ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    public TelemetryParser Parser { get; }

    /// <summary>Messages waiting for the writer (for tests and the benchmark).</summary>
    public int Waiting => _channel.Reader.Count;

    /// <summary>
    /// The receive handler's whole job: parse, count a refusal (logged once per kind), and queue the message with its
    /// acknowledgement. Waits when the channel is full, which holds back the client's receive loop and so the broker.
    /// </summary>
    public ValueTask AcceptAsync(string topic, System.Buffers.ReadOnlySequence<byte> payload, Func<CancellationToken, Task>? acknowledge, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        _status.Received(now);
        var parsed = Parser.Parse(topic, payload, now);
        if (parsed.Rejected is { } rejected)
        {
            Refuse(rejected);
            _metrics.Received.Add(1, new KeyValuePair<string, object?>("kind", "rejected"));
        }
        else
        {
            _metrics.Received.Add(1, new KeyValuePair<string, object?>("kind", parsed.Message!.Kind == TelemetryKind.Status ? "status" : "production"));
        }
        var envelope = new TelemetryEnvelope(parsed.Message, acknowledge);
        return _channel.Writer.TryWrite(envelope) ? ValueTask.CompletedTask : _channel.Writer.WriteAsync(envelope, ct);
    }

    private void Refuse(TelemetryRejected rejected)
    {
        var count = _status.Rejected(rejected.Kind);
        _metrics.Rejected.Add(1, new KeyValuePair<string, object?>("reason", rejected.Kind.ToString()));
        bool first;
        lock (_logged)
        {
            first = _logged.Add(rejected.Kind);
        }
        if (first)
        {
            // Once per kind per process: a machine sending garbage every second must not flood the log; the count
            // per kind is on the feed status and in the metrics.
            _logger.LogWarning("Telemetry refused ({Kind}) on {Topic}: {Detail}. Further {Kind} refusals are counted, not logged.",
                rejected.Kind, rejected.Topic, rejected.Detail, rejected.Kind);
        }
        else
        {
            _logger.LogDebug("Telemetry refused ({Kind}, #{Count}) on {Topic}: {Detail}", rejected.Kind, count, rejected.Topic, rejected.Detail);
        }
    }

    /// <summary>The batch writer: runs until <paramref name="ct"/> is cancelled; what is not acknowledged then, the broker redelivers.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var reader = _channel.Reader;
        var batch = new List<TelemetryEnvelope>(_options.BatchMaxMessages);
        var acknowledging = new List<TelemetryEnvelope>(_options.BatchMaxMessages);
        var messages = new List<TelemetryMessage>(_options.BatchMaxMessages);
        // The previous batch's acknowledgements go out while this batch is stored: one PUBACK per message, sent in the
        // order received, off the writer's path (they were two fifths of its time, bench/run.sh maintenance-mqtt).
        var acknowledged = Task.CompletedTask;
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                batch.Clear();
                messages.Clear();
                Drain(reader, batch);
                if (batch.Count < _options.BatchMaxMessages && _options.BatchLingerMilliseconds > 0)
                {
                    await LingerAsync(reader, batch, ct);
                }
                foreach (var envelope in batch)
                {
                    if (envelope.Message is { } message)
                    {
                        messages.Add(message);
                    }
                }
                if (messages.Count > 0)
                {
                    await StoreAsync(messages, ct);
                }
                await acknowledged;
                (acknowledging, batch) = (batch, acknowledging);
                acknowledged = AcknowledgeAsync(acknowledging, ct);
            }
            await acknowledged;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: whatever is in the channel or in a batch is unacknowledged and comes back from the broker.
        }
    }

    private void Drain(ChannelReader<TelemetryEnvelope> reader, List<TelemetryEnvelope> batch)
    {
        while (batch.Count < _options.BatchMaxMessages && reader.TryRead(out var envelope))
        {
            batch.Add(envelope);
        }
    }

    private async Task LingerAsync(ChannelReader<TelemetryEnvelope> reader, List<TelemetryEnvelope> batch, CancellationToken ct)
    {
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(ct);
        linger.CancelAfter(TimeSpan.FromMilliseconds(_options.BatchLingerMilliseconds));
        try
        {
            while (batch.Count < _options.BatchMaxMessages && await reader.WaitToReadAsync(linger.Token))
            {
                Drain(reader, batch);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The linger ran out: store what there is.
        }
    }

    private async Task StoreAsync(List<TelemetryMessage> messages, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        for (var attempt = 1; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await _sink.StoreAsync(messages, ct);
                _metrics.StoreDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                break;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                _metrics.SinkFailures.Add(1);
                _status.SinkHealth(failing: true);
                // The first failure and then every tenth: a database that is away for minutes logs a line a minute or so.
                if (attempt == 1 || attempt % 10 == 0)
                {
                    _logger.LogWarning(ex, "Storing {Count} telemetry messages failed (attempt {Attempt}); retrying in {Delay} ms, unacknowledged meanwhile",
                        messages.Count, attempt, (int)delay.TotalMilliseconds);
                }
                await Task.Delay(delay, _time, ct);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, _options.SinkRetryMaxSeconds * 1000.0));
            }
        }
        _status.SinkHealth(failing: false);
        _status.Stored(messages.Count);
        _metrics.Stored.Add(messages.Count);
        _metrics.BatchSize.Record(messages.Count);
        var gaps = _feeds.Record(messages);
        if (gaps > 0)
        {
            _metrics.SequenceGaps.Add(gaps);
        }
    }

    private async Task AcknowledgeAsync(List<TelemetryEnvelope> batch, CancellationToken ct)
    {
        foreach (var envelope in batch)
        {
            if (envelope.Acknowledge is not { } acknowledge)
            {
                continue;
            }
            try
            {
                await acknowledge(ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // The connection it came on is gone: the broker redelivers it on the next connection and the sink,
                // idempotent on (machine, seq), stores it once.
                _logger.LogDebug(ex, "Acknowledging a telemetry message failed; the broker will redeliver it");
            }
        }
    }
}
