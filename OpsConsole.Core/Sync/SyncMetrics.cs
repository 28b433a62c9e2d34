using System.Diagnostics.Metrics;
using OpsConsole.Core.Shared.Telemetry;

namespace OpsConsole.Core.Sync;

/// <summary>The Sync module's instruments on the console's meter.</summary>
public sealed class SyncMetrics
{
    public SyncMetrics(IMeterFactory meters)
    {
        var meter = OpsMetrics.Meter(meters);
        Runs = meter.CreateCounter<long>("opsconsole.sync.runs", description: "Sync runs finished, by state");
        Items = meter.CreateCounter<long>("opsconsole.sync.items", description: "Items a run handled, by action (add, update, skip, conflict, archive, error)");
        RunSeconds = meter.CreateHistogram<double>("opsconsole.sync.run.duration", unit: "s", description: "How long a run took");
    }

    public Counter<long> Runs { get; }
    public Counter<long> Items { get; }
    public Histogram<double> RunSeconds { get; }
}
