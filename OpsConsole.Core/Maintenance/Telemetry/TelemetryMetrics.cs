using System.Diagnostics.Metrics;
using OpsConsole.Core.Shared.Telemetry;

namespace OpsConsole.Core.Maintenance.Telemetry;

/// <summary>The telemetry pipeline's instruments on the console's meter.</summary>
public sealed class TelemetryMetrics
{
    public TelemetryMetrics(IMeterFactory meters)
    {
        var meter = OpsMetrics.Meter(meters);
        Received = meter.CreateCounter<long>("opsconsole.maintenance.telemetry.received", description: "MQTT telemetry messages received, by kind (status, production, rejected)");
        Rejected = meter.CreateCounter<long>("opsconsole.maintenance.telemetry.rejected", description: "Telemetry payloads refused, by reason");
        Stored = meter.CreateCounter<long>("opsconsole.maintenance.telemetry.stored", description: "Telemetry messages handed to the sink and acknowledged");
        SinkFailures = meter.CreateCounter<long>("opsconsole.maintenance.telemetry.sink.failures", description: "Batches the sink refused (retried; not acknowledged meanwhile)");
        BatchSize = meter.CreateHistogram<int>("opsconsole.maintenance.telemetry.batch.size", description: "Messages per stored batch",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 10, 50, 100, 250, 500, 1000, 5000] });
        StoreDuration = meter.CreateHistogram<double>("opsconsole.maintenance.telemetry.store.duration", unit: "s", description: "Time the sink took per batch",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
        Connects = meter.CreateCounter<long>("opsconsole.maintenance.telemetry.connects", description: "Broker connection attempts, by outcome");
        SequenceGaps = meter.CreateCounter<long>("opsconsole.maintenance.telemetry.sequence.gaps", description: "Jumps in a machine's message sequence");
    }

    public Counter<long> Received { get; }
    public Counter<long> Rejected { get; }
    public Counter<long> Stored { get; }
    public Counter<long> SinkFailures { get; }
    public Histogram<int> BatchSize { get; }
    public Histogram<double> StoreDuration { get; }
    public Counter<long> Connects { get; }
    public Counter<long> SequenceGaps { get; }
}
