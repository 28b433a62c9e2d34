using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Monitoring;
using OpsConsole.Infrastructure.Scheduling;
using Quartz;

namespace OpsConsole.Features.Maintenance;

/// <summary>Every 10 s: a stop that outlasts the micro-stop threshold on a machine that asks for one gets its failure ticket.</summary>
[DisallowConcurrentExecution]
public sealed class MaintenanceFailureTicketsJob(MachineStates states) : IJob
{
    public const string Name = "failure-tickets";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => (await states.OpenDueFailureTicketsAsync(ct)).Count > 0, cancellationToken);
}

/// <summary>Every 5 minutes (and on demand from the Scheduler page): every due preventive schedule opens its planned ticket (ADR 0030).</summary>
[DisallowConcurrentExecution]
public sealed class MaintenancePlannedTicketsJob(MaintenanceSchedules schedules) : IJob
{
    public const string Name = "planned-tickets";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => (await schedules.GenerateDueAsync(ct)).Count > 0, cancellationToken);
}

/// <summary>Every hour: raw telemetry older than the retention setting is deleted (what was made of it stays).</summary>
[DisallowConcurrentExecution]
public sealed class MaintenanceTelemetryRetentionJob(MachineTelemetryRetention retention) : IJob
{
    public const string Name = "telemetry-retention";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => await retention.PruneAsync(ct) > 0, cancellationToken);
}

/// <summary>Every 15 s: machines fed by the monitoring upstream take its state (ADR 0032).</summary>
[DisallowConcurrentExecution]
public sealed class MaintenanceMonitoringStatesJob(MonitoringStateFeed feed) : IJob
{
    public const string Name = "monitoring-states";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => await feed.ApplyAsync(ct) > 0, cancellationToken);
}
