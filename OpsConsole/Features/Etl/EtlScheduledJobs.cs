using OpsConsole.Core.Etl;
using OpsConsole.Infrastructure.Scheduling;
using Quartz;

namespace OpsConsole.Features.Etl;

/// <summary>The runner pool's drive: every few seconds, and at once when jobs are queued (<see cref="QuartzEtlWake"/>).</summary>
[DisallowConcurrentExecution]
public sealed class EtlRunnerJob(EtlRunnerPool pool) : IJob
{
    public const string Name = "runners";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => await pool.DrainAsync(ct) > 0, cancellationToken);
}

/// <summary>Nightly: queue yesterday for every active branch × POS (cells already fetched are left alone).</summary>
[DisallowConcurrentExecution]
public sealed class EtlFetchYesterdayJob(EtlMissingScan scan) : IJob
{
    public const string Name = "fetch-yesterday";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => await scan.QueueYesterdayAsync(ct) > 0, cancellationToken);
}

/// <summary>The missing-data scan: queue the cells of the last `Etl:ScanDays` days that have no job at all.</summary>
[DisallowConcurrentExecution]
public sealed class EtlMissingScanJob(EtlMissingScan scan) : IJob
{
    public const string Name = "missing-scan";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => await scan.QueueUnfetchedAsync(ct) > 0, cancellationToken);
}

/// <summary>Every minute: the per-branch counts behind the `opsconsole.etl.missing.cells` gauge on /metrics (a run when one changed).</summary>
[DisallowConcurrentExecution]
public sealed class EtlMissingGaugeJob(EtlOverview overview) : IJob
{
    public const string Name = "missing-gauge";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, overview.RefreshMissingGaugeAsync, cancellationToken);
}

/// <summary>Every minute: the ETL alerts in the inbox follow the failure rate and the runs of missing days (ADR 0020).</summary>
[DisallowConcurrentExecution]
public sealed class EtlAlertsJob(EtlAlerts alerts) : IJob
{
    public const string Name = "alerts";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => (await alerts.CheckAsync(ct)).ChangedAnything, cancellationToken);
}

/// <summary>Starts the runner job now, so a queued job starts within a second rather than at the next tick.</summary>
public sealed class QuartzEtlWake(SchedulerService scheduler, ILogger<QuartzEtlWake> logger) : IEtlWake
{
    public void Wake() => _ = WakeAsync();

    private async Task WakeAsync()
    {
        try
        {
            // A paused runner job stays paused: queued jobs wait until an admin resumes it (or runs it now).
            await scheduler.WakeAsync(EtlModule.Name, EtlRunnerJob.Name);
        }
        catch (SchedulerException ex)
        {
            logger.LogDebug(ex, "Could not wake the ETL runners; they start at their next scheduled run");
        }
    }
}
