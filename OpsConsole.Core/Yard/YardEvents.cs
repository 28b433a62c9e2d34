using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Yard;

public static class YardEvents
{
    /// <summary>The hub group outside clients join to hear Yard's events.</summary>
    public const string Topic = "yard";
}

/// <summary>The stored view changed: what was added, removed and changed (keys "task:{id}", "hostler:{id}").</summary>
public sealed record YardViewChanged(long Version, DateTime At, IReadOnlyList<string> Added, IReadOnlyList<string> Removed,
    IReadOnlyList<string> Changed) : IOpsEvent
{
    public string Topic => YardEvents.Topic;

    /// <summary>The keys the hostler view highlights: what arrived and what changed (removed items are gone from it).</summary>
    public IReadOnlySet<string> Highlighted() => new HashSet<string>(Added.Concat(Changed), StringComparer.Ordinal);
}

/// <summary>A cycle ended (or the settings changed): "last polled", health, errors and alerts for pages and tiles.</summary>
public sealed record YardStatusChanged(YardStatus Status) : IOpsEvent
{
    public string Topic => YardEvents.Topic;
}
