using System.Diagnostics.Metrics;

namespace OpsConsole.Core.Shared.Telemetry;

/// <summary>
/// The shell's instruments on the one meter of the console. Each module keeps its own instruments in its
/// <c>&lt;M&gt;Metrics</c> class on the same meter (<see cref="Meter"/>), so that /metrics has one prefix.
/// </summary>
public sealed class OpsMetrics
{
    public const string MeterName = "OpsConsole";

    public OpsMetrics(IMeterFactory meters)
    {
        var meter = Meter(meters);
        AuditEntries = meter.CreateCounter<long>("opsconsole.audit.entries", description: "Audit entries written");
        JobRuns = meter.CreateCounter<long>("opsconsole.scheduler.job.runs", description: "Scheduled job runs by job and outcome");
        JobDuration = meter.CreateHistogram<double>("opsconsole.scheduler.job.duration", unit: "s", description: "Scheduled job duration");
        UpstreamProbes = meter.CreateCounter<long>("opsconsole.upstream.probes", description: "Upstream health probes by upstream and state");
        SignInFailures = meter.CreateCounter<long>("opsconsole.auth.signin.failures", description: "Failed sign-ins");
    }

    /// <summary>The console's meter; the factory hands every caller the same instance and disposes it at shutdown.</summary>
    public static Meter Meter(IMeterFactory meters) => meters.Create(MeterName);

    public Counter<long> AuditEntries { get; }
    public Counter<long> JobRuns { get; }
    public Histogram<double> JobDuration { get; }
    public Counter<long> UpstreamProbes { get; }
    public Counter<long> SignInFailures { get; }
}
