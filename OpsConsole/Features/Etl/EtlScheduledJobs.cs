using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Features.Etl.Simulation;
using OpsConsole.Infrastructure.Scheduling;
using OpsConsole.Simulators;
using Quartz;

namespace OpsConsole.Features.Etl;

/// <summary>The runner pool's drive: every few seconds, and at once when jobs are queued (<see cref="QuartzEtlWake"/>).</summary>
[DisallowConcurrentExecution]
public sealed class EtlRunnerJob(EtlRunnerPool pool) : IJob
{
    public const string Name = "runners";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (await pool.DrainAsync(cancellationToken) == 0)
        {
            context.Result = JobRunHistory.NothingDue;
        }
    }
}

/// <summary>Nightly: queue yesterday for every active branch × POS (cells already fetched are left alone).</summary>
[DisallowConcurrentExecution]
public sealed class EtlFetchYesterdayJob(EtlService etl) : IJob
{
    public const string Name = "fetch-yesterday";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var yesterday = etl.Today.AddDays(-1);
        var cells = (await etl.BranchesAsync(cancellationToken)).Where(b => b.IsActive && b.ActiveFrom <= yesterday)
            .SelectMany(b => Enumerable.Range(1, b.PosCount).Select(pos => new EtlCell(b.Id, pos, yesterday))).ToList();
        await etl.QueueCellsAsync(Actor.System, cells, QueueMode.MissingAndFailed, cancellationToken);
    }
}

/// <summary>The missing-data scan: queue the cells of the last `Etl:ScanDays` days that have no job at all.</summary>
[DisallowConcurrentExecution]
public sealed class EtlMissingScanJob(EtlMissingScan scan) : IJob
{
    public const string Name = "missing-scan";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await scan.QueueUnfetchedAsync(cancellationToken);
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
            await scheduler.WakeAsync(OpsModules.Etl, EtlRunnerJob.Name);
        }
        catch (SchedulerException ex)
        {
            logger.LogDebug(ex, "Could not wake the ETL runners; they start at their next scheduled run");
        }
    }
}

public static class EtlRegistration
{
    public static IServiceCollection AddEtl(this IServiceCollection services)
    {
        services.AddSingleton<IEtlWake, QuartzEtlWake>();
        services.AddOpsJob<EtlRunnerJob>(OpsModules.Etl, EtlRunnerJob.Name,
            "Runs queued ETL jobs with Etl:Runners runners (also started at once when jobs are queued)", "0/5 * * * * ?");
        services.AddOpsJob<EtlFetchYesterdayJob>(OpsModules.Etl, EtlFetchYesterdayJob.Name,
            "Queues yesterday for every active branch and POS", "0 30 2 * * ?");
        services.AddOpsJob<EtlMissingScanJob>(OpsModules.Etl, EtlMissingScanJob.Name,
            "Queues cells of the last Etl:ScanDays days that have no job", "0 15 * * * ?");
        return services;
    }

    /// <summary>
    /// Demo branches (Development): a dozen shops whose parser configs read the simulator's layouts. When they are
    /// created, the last days are queued at once (what the hourly scan would do), so a first run shows the runners at work.
    /// </summary>
    public static async Task EnsureDemoBranchesAsync(EtlService etl, EtlMissingScan scan, SimulatorOptions simulators, CancellationToken ct)
    {
        if (!simulators.Enabled || (await etl.BranchesAsync(ct)).Count > 0)
        {
            return;
        }
        string[] names = ["Harbour Street", "Old Market", "Station Square", "Riverside", "North Gate", "Mill Lane", "Castle Hill", "Bridge Road",
            "Parkside", "West End", "Canal Wharf", "High Street"];
        for (var i = 0; i < names.Length; i++)
        {
            var id = $"B{i + 1:D3}";
            await etl.UpsertBranchAsync(Actor.System, new BranchInput(id, names[i], i % 4 == 3 ? 3 : 2, true, etl.Today.AddDays(-60 + i * 3),
                EtlFileHostSimulator.ParserFor(id).ToJson()), ct);
        }
        await scan.QueueUnfetchedAsync(ct);
    }
}
