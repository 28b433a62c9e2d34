using System.Diagnostics.Metrics;
using OpsConsole.Core.Shared.Telemetry;

namespace OpsConsole.Core.Yard;

/// <summary>The Yard module's instruments on the console's meter.</summary>
public sealed class YardMetrics
{
    public YardMetrics(IMeterFactory meters)
    {
        var meter = OpsMetrics.Meter(meters);
        Cycles = meter.CreateCounter<long>("opsconsole.yard.cycles", description: "Yard poll cycles by outcome");
        CycleDuration = meter.CreateHistogram<double>("opsconsole.yard.cycle.duration", unit: "s", description: "Yard poll cycle duration",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        Mutations = meter.CreateCounter<long>("opsconsole.yard.mutations", description: "Yard tasks patched or deleted by the poller, and failed attempts");
        CapAlerts = meter.CreateCounter<long>("opsconsole.yard.cap.alerts", description: "Yard cycles held because planned deletions exceeded the cap");
    }

    public Counter<long> Cycles { get; }
    public Histogram<double> CycleDuration { get; }
    public Counter<long> Mutations { get; }
    public Counter<long> CapAlerts { get; }
}
