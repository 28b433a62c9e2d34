using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Shared.States;

/// <summary>The outcome of a move: the state it leads to, or why it is refused (naming the moves that are allowed).</summary>
public readonly record struct Transition<TState>(bool Allowed, TState To, string? Refusal) where TState : struct, Enum;

/// <summary>
/// One state machine as a table of moves: which move leads from which state to which. Every state change of an
/// entity goes through its module's table (<c>&lt;M&gt;Transitions</c>), in memory (<see cref="Apply"/>) or in a
/// set-based update (<see cref="From"/> gives the states its WHERE clause may match), so the rules stand in one place.
/// </summary>
public sealed class StateMachine<TState, TMove> where TState : struct, Enum where TMove : struct, Enum
{
    private readonly (TState From, TMove Move, TState To)[] _moves;

    public StateMachine(params (TState From, TMove Move, TState To)[] moves)
    {
        var twice = moves.GroupBy(m => (m.From, m.Move)).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new ArgumentException($"The move {twice.Key.Move} from {twice.Key.From} is listed twice.", nameof(moves));
        }
        _moves = moves;
    }

    public IReadOnlyList<(TState From, TMove Move, TState To)> Moves => _moves;

    public bool CanApply(TState from, TMove move) => _moves.Any(m => Same(m.From, from) && Same(m.Move, move));

    /// <summary>The moves allowed from a state, in the table's order.</summary>
    public IReadOnlyList<TMove> AllowedFrom(TState from) => _moves.Where(m => Same(m.From, from)).Select(m => m.Move).ToList();

    /// <summary>The states a move is allowed from: what a set-based update may match.</summary>
    public IReadOnlyList<TState> From(TMove move) => _moves.Where(m => Same(m.Move, move)).Select(m => m.From).ToList();

    /// <summary>The one state a move is allowed from (for moves that have one), for a set-based update's WHERE clause.</summary>
    public TState OnlyFrom(TMove move) => From(move) is [var only] ? only
        : throw new InvalidOperationException($"{move} is allowed from {From(move).Count} states, not one.");

    /// <summary>Where a move leads from the one state it is allowed from.</summary>
    public TState To(TMove move) => Apply(OnlyFrom(move), move, "").To;

    /// <summary>The state after <paramref name="move"/>, or a refusal that says what <paramref name="subject"/> is and what it allows.</summary>
    public Transition<TState> Apply(TState from, TMove move, string subject)
    {
        foreach (var m in _moves)
        {
            if (Same(m.From, from) && Same(m.Move, move))
            {
                return new Transition<TState>(true, m.To, null);
            }
        }
        var allowed = AllowedFrom(from).Select(OpsNames.Wire).ToList();
        var needs = From(move).Select(OpsNames.Wire).ToList();
        var refusal = $"{subject} is {from.Wire()}; {move.Wire()} is allowed only from {(needs.Count == 0 ? "no state" : OpsNames.List(needs))}. " +
                      (allowed.Count == 0 ? $"Nothing more can be done with it." : $"Allowed now: {OpsNames.List(allowed)}.");
        return new Transition<TState>(false, from, refusal);
    }

    private static bool Same<T>(T a, T b) where T : struct, Enum => EqualityComparer<T>.Default.Equals(a, b);
}
