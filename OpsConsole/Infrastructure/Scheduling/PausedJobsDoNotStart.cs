using Quartz;

namespace OpsConsole.Infrastructure.Scheduling;

/// <summary>
/// A job paused on the scheduler page does not start afterwards. Quartz hands a fired trigger to its thread pool
/// and only then runs the job; a pause that arrives in between did not stop that run, so a poller or simulation
/// paused by an admin could still run once, a moment later. The run is vetoed when its trigger is paused by the
/// time it would start. "Run now" uses a trigger of its own and still runs a paused job. (Quartz 4 gives the other
/// notifications default implementations.)
/// </summary>
public sealed class PausedJobsDoNotStart : ITriggerListener
{
    public string Name => "opsconsole-paused-jobs-do-not-start";

    public async ValueTask<bool> VetoJobExecution(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await context.Scheduler.GetTriggerState(trigger.Key, cancellationToken) is TriggerState.Paused;
}
