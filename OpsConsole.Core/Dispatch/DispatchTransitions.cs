using OpsConsole.Core.Shared.States;

namespace OpsConsole.Core.Dispatch;

public enum SuggestionMove
{
    Approve,
    Reject,
}

public enum DispatchTaskMove
{
    /// <summary>A worker takes the oldest ready task (<see cref="DispatchClaimer"/>).</summary>
    Claim,
    Complete,
    /// <summary>A supervisor takes a stuck task back.</summary>
    Unassign,
    /// <summary>The lease ran out (`Dispatch:LeaseMinutes`).</summary>
    Reclaim,
}

/// <summary>
/// Dispatch's two state machines: a suggestion is decided once (pending → approved | rejected); a task is claimed by
/// one worker, then completed, or taken back to ready by a supervisor or by its lease.
/// </summary>
public static class DispatchTransitions
{
    public static readonly StateMachine<SuggestionStatus, SuggestionMove> Suggestion = new(
        (SuggestionStatus.Pending, SuggestionMove.Approve, SuggestionStatus.Approved),
        (SuggestionStatus.Pending, SuggestionMove.Reject, SuggestionStatus.Rejected));

    public static readonly StateMachine<DispatchTaskStatus, DispatchTaskMove> Task = new(
        (DispatchTaskStatus.Ready, DispatchTaskMove.Claim, DispatchTaskStatus.Assigned),
        (DispatchTaskStatus.Assigned, DispatchTaskMove.Complete, DispatchTaskStatus.Completed),
        (DispatchTaskStatus.Assigned, DispatchTaskMove.Unassign, DispatchTaskStatus.Ready),
        (DispatchTaskStatus.Assigned, DispatchTaskMove.Reclaim, DispatchTaskStatus.Ready));
}
