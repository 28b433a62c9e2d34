using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Shared.States;

namespace OpsConsole.Core.Maintenance;

public enum TicketMove
{
    Start,
    /// <summary>Needs a reason.</summary>
    Hold,
    Resume,
    Resolve,
    Close,
    /// <summary>Needs a reason; a cancelled ticket is left out of every figure.</summary>
    Cancel,
    /// <summary>Resolved → in progress with a reason: the same failure, not a new one.</summary>
    Reopen,
}

/// <summary>
/// The ticket workflow (issue 18 item 2): open → in progress ⇄ on hold → resolved → closed; cancelled from any state
/// that is still open; a resolved ticket reopened to in progress. Every status change goes through this table.
/// </summary>
public static class MaintenanceTransitions
{
    public static readonly StateMachine<TicketStatus, TicketMove> Ticket = new(
        (TicketStatus.Open, TicketMove.Start, TicketStatus.InProgress),
        (TicketStatus.Open, TicketMove.Cancel, TicketStatus.Cancelled),
        (TicketStatus.InProgress, TicketMove.Hold, TicketStatus.OnHold),
        (TicketStatus.InProgress, TicketMove.Resolve, TicketStatus.Resolved),
        (TicketStatus.InProgress, TicketMove.Cancel, TicketStatus.Cancelled),
        (TicketStatus.OnHold, TicketMove.Resume, TicketStatus.InProgress),
        (TicketStatus.OnHold, TicketMove.Cancel, TicketStatus.Cancelled),
        (TicketStatus.Resolved, TicketMove.Close, TicketStatus.Closed),
        (TicketStatus.Resolved, TicketMove.Reopen, TicketStatus.InProgress));
}

/// <summary>The workflow's rules beside its table: which states are active, which moves need a reason, a target status as a move.</summary>
public static class TicketRules
{
    /// <summary>Open, in progress or on hold: work still to do (reservations count, the failure slot is held).</summary>
    public static bool IsActive(TicketStatus status) => status is TicketStatus.Open or TicketStatus.InProgress or TicketStatus.OnHold;

    public static readonly IReadOnlyList<TicketStatus> Active = [TicketStatus.Open, TicketStatus.InProgress, TicketStatus.OnHold];

    public static bool NeedsReason(TicketMove move) => move is TicketMove.Hold or TicketMove.Reopen or TicketMove.Cancel;

    /// <summary>The statuses a ticket may move to from <paramref name="from"/>, in the table's order.</summary>
    public static IReadOnlyList<TicketStatus> AllowedTargets(TicketStatus from) =>
        MaintenanceTransitions.Ticket.Moves.Where(m => m.From == from).Select(m => m.To).Distinct().ToList();

    /// <summary>
    /// The move that takes a ticket from <paramref name="from"/> to <paramref name="to"/> (in progress is a start from
    /// open, a resume from on hold, a reopen from resolved), or null with the refusal naming the statuses allowed.
    /// </summary>
    public static (TicketMove? Move, string? Refusal) MoveTo(TicketStatus from, TicketStatus to, string subject)
    {
        foreach (var (f, move, t) in MaintenanceTransitions.Ticket.Moves)
        {
            if (f == from && t == to)
            {
                return (move, null);
            }
        }
        var allowed = AllowedTargets(from).Select(s => s.Wire()).ToList();
        return (null, $"{subject} is {from.Wire()}; it cannot move to {to.Wire()}. " +
                      (allowed.Count == 0 ? "Nothing more can be done with it." : $"Allowed now: {OpsNames.List(allowed)}."));
    }
}
