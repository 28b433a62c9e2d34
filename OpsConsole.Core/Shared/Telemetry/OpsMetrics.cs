using System.Diagnostics.Metrics;

namespace OpsConsole.Core.Shared.Telemetry;

/// <summary>Our own meter; every module adds its instruments here so that /metrics has one prefix.</summary>
public sealed class OpsMetrics : IDisposable
{
    public const string MeterName = "OpsConsole";

    private readonly Meter _meter;

    public OpsMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        AuditEntries = _meter.CreateCounter<long>("opsconsole.audit.entries", description: "Audit entries written");
        JobRuns = _meter.CreateCounter<long>("opsconsole.scheduler.job.runs", description: "Scheduled job runs by job and outcome");
        JobDuration = _meter.CreateHistogram<double>("opsconsole.scheduler.job.duration", unit: "s", description: "Scheduled job duration");
        UpstreamProbes = _meter.CreateCounter<long>("opsconsole.upstream.probes", description: "Upstream health probes by upstream and state");
        SignInFailures = _meter.CreateCounter<long>("opsconsole.auth.signin.failures", description: "Failed sign-ins");
        EtlJobs = _meter.CreateCounter<long>("opsconsole.etl.jobs", description: "ETL job runs by outcome");
        EtlFetchFailures = _meter.CreateCounter<long>("opsconsole.etl.fetch.failures", description: "ETL list or download failures from the file host");
        EtlRows = _meter.CreateCounter<long>("opsconsole.etl.rows", description: "ETL records ingested");
        EtlJobDuration = _meter.CreateHistogram<double>("opsconsole.etl.job.duration", unit: "s", description: "ETL job duration",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900] });
        YardCycles = _meter.CreateCounter<long>("opsconsole.yard.cycles", description: "Yard poll cycles by outcome");
        YardCycleDuration = _meter.CreateHistogram<double>("opsconsole.yard.cycle.duration", unit: "s", description: "Yard poll cycle duration",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        YardMutations = _meter.CreateCounter<long>("opsconsole.yard.mutations", description: "Yard tasks patched or deleted by the poller, and failed attempts");
        YardCapAlerts = _meter.CreateCounter<long>("opsconsole.yard.cap.alerts", description: "Yard cycles held because planned deletions exceeded the cap");
    }

    public Counter<long> AuditEntries { get; }
    public Counter<long> JobRuns { get; }
    public Histogram<double> JobDuration { get; }
    public Counter<long> UpstreamProbes { get; }
    public Counter<long> SignInFailures { get; }
    public Counter<long> EtlJobs { get; }
    public Counter<long> EtlFetchFailures { get; }
    public Counter<long> EtlRows { get; }
    public Histogram<double> EtlJobDuration { get; }
    public Counter<long> YardCycles { get; }
    public Histogram<double> YardCycleDuration { get; }
    public Counter<long> YardMutations { get; }
    public Counter<long> YardCapAlerts { get; }

    public void Dispose() => _meter.Dispose();
}
