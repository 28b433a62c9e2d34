using OpsConsole.Core.Dispatch;
using OpsConsole.Infrastructure.Scheduling;
using Quartz;

namespace OpsConsole.Features.Dispatch;

/// <summary>`Dispatch:LeaseMinutes` &gt; 0: tasks assigned longer than that go back to ready.</summary>
[DisallowConcurrentExecution]
public sealed class DispatchLeaseJob(DispatchService dispatch) : IJob
{
    public const string Name = "lease-reclaim";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => (await dispatch.ReclaimExpiredAsync(ct)).Count > 0, cancellationToken);
}
