using System.Collections.Frozen;

namespace OpsConsole.Core.Maintenance.Monitoring;

/// <summary>How an upstream state reads in the console: one of ours, a machine the upstream does not watch, or a state we do not know.</summary>
public enum MonitoringMatch
{
    Mapped,
    NotMonitored,
    Unknown,
}

/// <summary>An upstream state read through <see cref="MonitoringStateMap"/>: <see cref="State"/> is set only when <see cref="Match"/> is Mapped.</summary>
public sealed record MappedMonitoringState(string Upstream, MonitoringMatch Match, MachineState? State);

/// <summary>
/// The one table from the machine-monitoring upstream's states (FourJaw-like, docs/upstreams/machine-monitoring.md)
/// to ours (ADR 0032). Matching ignores case and surrounding spaces; a state not in the table is Unknown (the caller
/// counts it and logs it once), never an exception, so a new upstream state cannot break a page.
/// </summary>
public static class MonitoringStateMap
{
    public const string NotMonitored = "NOT_MONITORED";

    /// <summary>Upstream state → ours. OFFLINE (the machine has no power) is a stop nobody planned, so down.</summary>
    public static readonly FrozenDictionary<string, MachineState> Table = new Dictionary<string, MachineState>(StringComparer.OrdinalIgnoreCase)
    {
        ["PRODUCING"] = MachineState.Running,
        ["IDLE"] = MachineState.Idle,
        ["DOWN"] = MachineState.Down,
        ["OFFLINE"] = MachineState.Down,
        ["PLANNED_DOWNTIME"] = MachineState.Maintenance,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static MappedMonitoringState Map(string? upstream)
    {
        var name = upstream?.Trim() ?? "";
        if (name.Equals(NotMonitored, StringComparison.OrdinalIgnoreCase))
        {
            return new MappedMonitoringState(name, MonitoringMatch.NotMonitored, null);
        }
        return Table.TryGetValue(name, out var ours)
            ? new MappedMonitoringState(name, MonitoringMatch.Mapped, ours)
            : new MappedMonitoringState(name, MonitoringMatch.Unknown, null);
    }

    /// <summary>Ours → the upstream's (the simulator speaks the upstream's language from the plant's states).</summary>
    public static string UpstreamName(MachineState state) => state switch
    {
        MachineState.Running => "PRODUCING",
        MachineState.Idle => "IDLE",
        MachineState.Down => "DOWN",
        _ => "PLANNED_DOWNTIME",
    };
}
