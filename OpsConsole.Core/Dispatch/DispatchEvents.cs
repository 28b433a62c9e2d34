using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Dispatch;

public static class DispatchEvents
{
    /// <summary>The hub group outside clients join to hear Dispatch's events.</summary>
    public const string Topic = "dispatch";
}

/// <summary>Suggestions or tasks changed: one event per command, however many rows it touched (a bulk decision is one reload).</summary>
public abstract record DispatchChanged(IReadOnlyList<long> Ids) : IOpsEvent
{
    public string Topic => DispatchEvents.Topic;
}

/// <summary>Suggestions arrived (pending) or were decided.</summary>
public sealed record SuggestionsChanged(IReadOnlyList<long> Ids, SuggestionStatus Status) : DispatchChanged(Ids);

/// <summary>Tasks moved: created ready by an approval (<see cref="Move"/> null), claimed, completed, unassigned or reclaimed.</summary>
public sealed record DispatchTasksChanged(IReadOnlyList<long> Ids, DispatchTaskMove? Move, DispatchTaskStatus Status) : DispatchChanged(Ids);
