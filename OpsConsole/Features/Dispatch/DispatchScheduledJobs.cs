using OpsConsole.Core.Dispatch;
using OpsConsole.Infrastructure.Scheduling;
using Quartz;

namespace OpsConsole.Features.Dispatch;

/// <summary>The Dispatch task lease (runtime settings) &gt; 0: tasks assigned longer than that go back to ready.</summary>
[DisallowConcurrentExecution]
public sealed class DispatchLeaseJob(DispatchService dispatch) : IJob
{
    public const string Name = "lease-reclaim";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => (await dispatch.ReclaimExpiredAsync(ct)).Count > 0, cancellationToken);
}

/// <summary>Every 30 s: the backlog alerts in the inbox follow the ready tasks and the waiting suggestions (ADR 0020).</summary>
[DisallowConcurrentExecution]
public sealed class DispatchBacklogAlertsJob(DispatchAlerts alerts) : IJob
{
    public const string Name = "backlog-alerts";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => (await alerts.CheckAsync(ct)).ChangedAnything, cancellationToken);
}
