using OpsConsole.Core.Shared.States;

namespace OpsConsole.Core.Etl;

public enum EtlJobMove
{
    /// <summary>A runner takes the oldest queued job that is due (<see cref="EtlJobClaimer"/>).</summary>
    Claim,
    /// <summary>The run stored its records.</summary>
    Succeed,
    /// <summary>An attempt failed (or its runner's lease ran out) with attempts left: back to the queue after a delay.</summary>
    RetryLater,
    /// <summary>An attempt failed for good: not retriable, or the last attempt.</summary>
    Fail,
    /// <summary>A queued job stops at once; a running one stops when its runner sees the request (nothing is stored).</summary>
    Cancel,
    /// <summary>A failed or cancelled job is queued again (retry, a missing-data run, the scan).</summary>
    Requeue,
    /// <summary>A succeeded job is run again (force, admins).</summary>
    Rerun,
}

/// <summary>
/// The ETL job's one state machine (ADR 0010): queued → running → succeeded | failed, back to queued for a retry,
/// cancelled from queued or running, and queued again from failed, cancelled or (forced) succeeded. The runner
/// pool, the pipeline and <see cref="EtlService"/> all move jobs through this table.
/// </summary>
public static class EtlTransitions
{
    public static readonly StateMachine<EtlJobStatus, EtlJobMove> Job = new(
        (EtlJobStatus.Queued, EtlJobMove.Claim, EtlJobStatus.Running),
        (EtlJobStatus.Running, EtlJobMove.Succeed, EtlJobStatus.Succeeded),
        (EtlJobStatus.Running, EtlJobMove.RetryLater, EtlJobStatus.Queued),
        (EtlJobStatus.Running, EtlJobMove.Fail, EtlJobStatus.Failed),
        (EtlJobStatus.Queued, EtlJobMove.Cancel, EtlJobStatus.Cancelled),
        (EtlJobStatus.Running, EtlJobMove.Cancel, EtlJobStatus.Cancelled),
        (EtlJobStatus.Failed, EtlJobMove.Requeue, EtlJobStatus.Queued),
        (EtlJobStatus.Cancelled, EtlJobMove.Requeue, EtlJobStatus.Queued),
        (EtlJobStatus.Succeeded, EtlJobMove.Rerun, EtlJobStatus.Queued));

    /// <summary>
    /// The move that queues an existing job for a request in <paramref name="mode"/>, or null when the job is left as
    /// it is: a cancelled job is always queued again, a failed one unless only missing cells were asked for (a job
    /// waiting for data, <paramref name="awaitingData"/>, has no data: it counts as missing, ADR 0022), a succeeded one
    /// only when everything is rerun; a queued or running job is never queued twice.
    /// </summary>
    public static EtlJobMove? QueueMove(EtlJobStatus status, QueueMode mode, bool awaitingData = false) => status switch
    {
        EtlJobStatus.Cancelled => EtlJobMove.Requeue,
        EtlJobStatus.Failed when mode != QueueMode.Missing || awaitingData => EtlJobMove.Requeue,
        EtlJobStatus.Succeeded when mode == QueueMode.All => EtlJobMove.Rerun,
        _ => null,
    };

    /// <summary>After a failed attempt: again later while attempts are left and the failure may pass, else failed.</summary>
    public static EtlJobMove AfterFailedAttempt(int attempts, int maxAttempts, bool retriable) =>
        retriable && attempts < maxAttempts ? EtlJobMove.RetryLater : EtlJobMove.Fail;

    /// <summary>The states a job can be cancelled from (what a bulk cancel matches).</summary>
    public static IReadOnlyList<EtlJobStatus> Cancellable => Job.From(EtlJobMove.Cancel);
}
