using OpsConsole.Core.Shared.States;

namespace OpsConsole.Core.Yard;

public enum YardPollerMove
{
    /// <summary>A good cycle while not failing.</summary>
    Succeed,
    /// <summary>A cycle failed and a run of failures starts: audited once (`yard.cycle-failed`); the poller tries again each interval.</summary>
    Fail,
    /// <summary>Another failure in the run: logged, not audited again.</summary>
    FailAgain,
    /// <summary>The first good cycle after failures ends the run: audited (`yard.cycle-recovered`), the stale banner goes.</summary>
    Recover,
}

/// <summary>
/// Yard's state machine is the poller's health, not a task's: the poller is the one thing here that lives from cycle
/// to cycle and whose state decides what happens next (the stale banner, the one audit line when a run
/// of failures starts and the one when it ends). What becomes of a task's finding is decided once inside one cycle
/// and never moves again, so it is an outcome (<see cref="YardOutcome"/>), not a state. Pause is a setting beside the
/// health, not a state of it: a paused poller still polls when asked (reading and showing, changing nothing), and
/// those cycles fail and recover like any other, so folding "paused" in would lose whether a run of failures is on.
/// </summary>
public static class YardTransitions
{
    public static readonly StateMachine<YardPollerHealth, YardPollerMove> Health = new(
        (YardPollerHealth.Watching, YardPollerMove.Succeed, YardPollerHealth.Healthy),
        (YardPollerHealth.Watching, YardPollerMove.Fail, YardPollerHealth.Failing),
        (YardPollerHealth.Healthy, YardPollerMove.Succeed, YardPollerHealth.Healthy),
        (YardPollerHealth.Healthy, YardPollerMove.Fail, YardPollerHealth.Failing),
        (YardPollerHealth.Failing, YardPollerMove.FailAgain, YardPollerHealth.Failing),
        (YardPollerHealth.Failing, YardPollerMove.Recover, YardPollerHealth.Healthy));

    /// <summary>The move a cycle's end makes from <paramref name="from"/>: a failure starts or continues a run, a success ends one.</summary>
    public static YardPollerMove AfterCycle(YardPollerHealth from, bool succeeded) => (from, succeeded) switch
    {
        (YardPollerHealth.Failing, true) => YardPollerMove.Recover,
        (YardPollerHealth.Failing, false) => YardPollerMove.FailAgain,
        (_, true) => YardPollerMove.Succeed,
        (_, false) => YardPollerMove.Fail,
    };
}
