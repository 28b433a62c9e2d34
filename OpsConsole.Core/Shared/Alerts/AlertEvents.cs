using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Shared.Alerts;

public enum AlertChange
{
    /// <summary>A new occurrence opened.</summary>
    Raised,
    /// <summary>An active occurrence was reported again: its count and last-seen grew.</summary>
    Repeated,
    Acknowledged,
    Resolved,
}

/// <summary>Alerts changed (one event per command: a bulk acknowledgement is one event). The inbox, the badge and the tile reload.</summary>
public sealed record AlertsChanged(IReadOnlyList<long> Ids, AlertChange Change, IReadOnlyList<string> Modules) : IOpsEvent
{
    public string Topic => OpsTopics.Alerts;
}
