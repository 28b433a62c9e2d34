using OpsConsole.Core.Yard;
using OpsConsole.Infrastructure.Scheduling;
using Quartz;

namespace OpsConsole.Features.Yard;

/// <summary>
/// Ticks every second; the poller runs a cycle when its interval (an admin setting, default 5 s) has passed since
/// the last one (also after a failure: ADR 0019). Quartz never runs two ticks at once and the poller's
/// own gate keeps "poll now" from overlapping a scheduled cycle.
/// </summary>
[DisallowConcurrentExecution]
public sealed class YardPollerJob(YardPoller poller) : IJob
{
    public const string Name = "poller";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => await poller.TickAsync(ct) is not null, cancellationToken);
}
