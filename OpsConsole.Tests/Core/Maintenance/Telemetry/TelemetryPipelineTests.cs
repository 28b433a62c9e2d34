using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpsConsole.Core.Maintenance.Telemetry;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Maintenance.Telemetry;

/// <summary>The batch writer without a broker: acknowledgements are recorded, the sink is a test double.</summary>
public sealed class TelemetryPipelineTests : IAsyncDisposable
{
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _events = new();

    private (TelemetryPipeline Pipeline, TelemetryFeedStatus Status, MachineFeedTracker Feeds) Build(ITelemetrySink sink, TelemetryOptions options)
    {
        var status = new TelemetryFeedStatus(options, TimeProvider.System);
        var feeds = new MachineFeedTracker(options, TimeProvider.System);
        var pipeline = new TelemetryPipeline(new TelemetryParser(new TelemetryTopics("p")), sink, options, feeds, status,
            new TelemetryMetrics(_meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), TimeProvider.System, NullLogger<TelemetryPipeline>.Instance);
        _ = Task.Run(() => pipeline.RunAsync(_stop.Token));
        return (pipeline, status, feeds);
    }

    private ValueTask AcceptAsync(TelemetryPipeline pipeline, string machine, long seq, string? payload = null)
    {
        var body = payload ?? $$"""{"machine_id":"{{machine}}","seq":{{seq}},"ts":"2026-12-07T07:00:00Z","state":"running"}""";
        var id = $"{machine}/{seq}";
        return pipeline.AcceptAsync($"p/machines/{machine}/status", new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)), _ =>
        {
            _events.Enqueue("ack " + id);
            return Task.CompletedTask;
        }, _stop.Token);
    }

    [Fact]
    public async Task Messages_AreAcknowledgedOnlyAfterTheSinkStoredThem_InTheOrderTheyCame_InBatchesNoLargerThanTheMaximum()
    {
        var sink = new RecordingSink(_events);
        var (pipeline, _, _) = Build(sink, new TelemetryOptions { BatchMaxMessages = 10, BatchLingerMilliseconds = 0, ChannelCapacity = 100 });
        sink.Hold = new TaskCompletionSource();

        for (var seq = 1; seq <= 25; seq++)
        {
            await AcceptAsync(pipeline, "M", seq);
        }
        await Until.TrueAsync(() => sink.Batches.Count == 1, "the first batch to reach the sink");
        _events.Should().NotContain(e => e.StartsWith("ack"), "the sink has not returned yet");
        sink.Hold.SetResult();

        await Until.TrueAsync(() => _events.Count(e => e.StartsWith("ack")) == 25, "all 25 acknowledged");
        sink.Batches.Should().OnlyContain(b => b.Count <= 10);
        sink.Batches.SelectMany(b => b).Select(m => m.Seq).Should().Equal(Enumerable.Range(1, 25).Select(i => (long)i));
        var order = _events.ToList();
        order.Where(e => e.StartsWith("ack")).Should().Equal(Enumerable.Range(1, 25).Select(i => $"ack M/{i}"));
        foreach (var seq in new[] { 1, 10, 25 })
        {
            order.IndexOf($"ack M/{seq}").Should().BeGreaterThan(order.IndexOf($"stored M/{seq}"));
        }
    }

    [Fact]
    public async Task ABatchTheSinkRefuses_IsRetried_AndNothingIsAcknowledgedUntilItIsStored()
    {
        var sink = new RecordingSink(_events) { FailuresLeft = 2 };
        var (pipeline, status, feeds) = Build(sink, new TelemetryOptions { BatchLingerMilliseconds = 0, SinkRetryMaxSeconds = 1 });

        await AcceptAsync(pipeline, "M", 7);
        await Until.TrueAsync(() => _events.Contains("ack M/7"), "the message acknowledged once stored");

        _events.Should().ContainInOrder("failed M/7", "failed M/7", "stored M/7", "ack M/7");
        status.Snapshot().Should().Match<TelemetryFeedSnapshot>(s => !s.SinkFailing && s.StoredMessages == 1);
        feeds.Get("M")!.LastSeq.Should().Be(7);
    }

    [Fact]
    public async Task ARefusedPayload_NeverReachesTheSink_ButIsAcknowledgedInItsTurn()
    {
        var sink = new RecordingSink(_events);
        var (pipeline, status, _) = Build(sink, new TelemetryOptions { BatchLingerMilliseconds = 50 });

        await AcceptAsync(pipeline, "M", 1);
        await AcceptAsync(pipeline, "M", 2, payload: "{\"machine_id\":\"M\"");
        await AcceptAsync(pipeline, "M", 3);
        await Until.TrueAsync(() => _events.Count(e => e.StartsWith("ack")) == 3, "all three acknowledged");

        sink.Batches.SelectMany(b => b).Select(m => m.Seq).Should().Equal(1, 3);
        _events.Where(e => e.StartsWith("ack")).Should().Equal("ack M/1", "ack M/2", "ack M/3");
        status.Snapshot().Rejections.Should().Equal(new Dictionary<TelemetryRejection, long> { [TelemetryRejection.NotJson] = 1 });
    }

    [Fact]
    public async Task AFullChannel_HoldsTheReceiverBack_UntilTheWriterTakesMore()
    {
        var sink = new RecordingSink(_events) { Hold = new TaskCompletionSource() };
        var (pipeline, _, _) = Build(sink, new TelemetryOptions { BatchMaxMessages = 1, BatchLingerMilliseconds = 0, ChannelCapacity = 2 });

        await AcceptAsync(pipeline, "M", 1);
        await Until.TrueAsync(() => sink.Batches.Count == 1, "the first message in the sink");
        await AcceptAsync(pipeline, "M", 2);
        await AcceptAsync(pipeline, "M", 3);
        var fourth = AcceptAsync(pipeline, "M", 4).AsTask();
        await Task.Delay(100);
        fourth.IsCompleted.Should().BeFalse("the channel holds two and the writer is busy");

        sink.Hold.SetResult();
        await fourth.WaitAsync(TimeSpan.FromSeconds(10));
        await Until.TrueAsync(() => _events.Count(e => e.StartsWith("ack")) == 4, "all four acknowledged");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _meters.DisposeAsync();
        _stop.Dispose();
    }

    private sealed class RecordingSink(ConcurrentQueue<string> events) : ITelemetrySink
    {
        public ConcurrentQueue<List<TelemetryMessage>> Batches { get; } = new();
        public TaskCompletionSource? Hold { get; set; }
        public int FailuresLeft { get; set; }

        public async Task StoreAsync(IReadOnlyList<TelemetryMessage> batch, CancellationToken ct)
        {
            if (FailuresLeft-- > 0)
            {
                foreach (var message in batch)
                {
                    events.Enqueue($"failed {message.MachineCode}/{message.Seq}");
                }
                throw new InvalidOperationException("the database is away");
            }
            Batches.Enqueue(batch.ToList());
            if (Hold is { } hold)
            {
                await hold.Task.WaitAsync(ct);
            }
            foreach (var message in batch)
            {
                events.Enqueue($"stored {message.MachineCode}/{message.Seq}");
            }
        }
    }
}
