using OpsConsole.Core.Shared.States;

namespace OpsConsole.Core.Shared.Alerts;

public enum AlertMove
{
    /// <summary>Someone (operators and up) says they are on it; audited.</summary>
    Acknowledge,
    /// <summary>The module found the cause gone; an acknowledged alert resolves the same way.</summary>
    Resolve,
}

/// <summary>An alert occurrence: open → acknowledged → resolved, or open → resolved. A resolved occurrence never moves again.</summary>
public static class AlertTransitions
{
    public static readonly StateMachine<AlertState, AlertMove> Alert = new(
        (AlertState.Open, AlertMove.Acknowledge, AlertState.Acknowledged),
        (AlertState.Open, AlertMove.Resolve, AlertState.Resolved),
        (AlertState.Acknowledged, AlertMove.Resolve, AlertState.Resolved));
}
