using OpsConsole.Core.Shared.States;

namespace OpsConsole.Core.Sync;

public enum SyncRunMove
{
    Start,
    Succeed,
    /// <summary>Some items failed, others went through.</summary>
    SucceedPartly,
    Fail,
    Cancel,
}

/// <summary>A run: queued → running → succeeded | partly succeeded | failed | cancelled; a queued run may also be cancelled or fail (its connection could not be read).</summary>
public static class SyncTransitions
{
    public static readonly StateMachine<SyncRunState, SyncRunMove> Run = new(
        (SyncRunState.Queued, SyncRunMove.Start, SyncRunState.Running),
        (SyncRunState.Queued, SyncRunMove.Cancel, SyncRunState.Cancelled),
        (SyncRunState.Queued, SyncRunMove.Fail, SyncRunState.Failed),
        (SyncRunState.Running, SyncRunMove.Succeed, SyncRunState.Succeeded),
        (SyncRunState.Running, SyncRunMove.SucceedPartly, SyncRunState.PartlySucceeded),
        (SyncRunState.Running, SyncRunMove.Fail, SyncRunState.Failed),
        (SyncRunState.Running, SyncRunMove.Cancel, SyncRunState.Cancelled));

    /// <summary>How a finished run ends, from its counters: nothing failed → succeeded; some failed, some went through → partly; all failed → failed.</summary>
    public static SyncRunMove Finish(SyncRun run) =>
        run.Failed == 0 ? SyncRunMove.Succeed
        : run.Added + run.Updated + run.Archived + run.Skipped + run.Conflicted > 0 ? SyncRunMove.SucceedPartly
        : SyncRunMove.Fail;
}
