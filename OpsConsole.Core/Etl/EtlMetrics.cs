using System.Diagnostics.Metrics;
using OpsConsole.Core.Shared.Telemetry;

namespace OpsConsole.Core.Etl;

/// <summary>The ETL module's instruments on the console's meter.</summary>
public sealed class EtlMetrics
{
    public EtlMetrics(IMeterFactory meters)
    {
        var meter = OpsMetrics.Meter(meters);
        Jobs = meter.CreateCounter<long>("opsconsole.etl.jobs", description: "ETL job runs by outcome");
        FetchFailures = meter.CreateCounter<long>("opsconsole.etl.fetch.failures", description: "ETL list or download failures from the file host");
        Rows = meter.CreateCounter<long>("opsconsole.etl.rows", description: "ETL records ingested");
        JobDuration = meter.CreateHistogram<double>("opsconsole.etl.job.duration", unit: "s", description: "ETL job duration",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900] });
        meter.CreateObservableGauge("opsconsole.etl.missing.cells", ObserveMissing, unit: "{cell}",
            description: "Expected POS-days with no data (missing or failed) in the last Etl:ScanDays days up to yesterday, per branch, as of the last etl.missing-gauge run");
    }

    private volatile IReadOnlyDictionary<string, int> _missingByBranch = new Dictionary<string, int>();

    /// <summary>Sets what the missing gauge reports (every branch, zeros included); true when a count changed.</summary>
    public bool ReportMissing(IReadOnlyDictionary<string, int> byBranch)
    {
        var before = _missingByBranch;
        _missingByBranch = byBranch;
        return before.Count != byBranch.Count || byBranch.Any(b => !before.TryGetValue(b.Key, out var was) || was != b.Value);
    }

    private IEnumerable<Measurement<int>> ObserveMissing() =>
        _missingByBranch.Select(b => new Measurement<int>(b.Value, new KeyValuePair<string, object?>("branch", b.Key)));

    public Counter<long> Jobs { get; }
    public Counter<long> FetchFailures { get; }
    public Counter<long> Rows { get; }
    public Histogram<double> JobDuration { get; }
}
