using System.ComponentModel;
using System.Globalization;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance.Monitoring;

/// <summary>
/// One read of the monitoring upstream's machines (by machine code, ignoring case), or why it could not be read.
/// Immutable, so HybridCache hands the same instance to every reader.
/// </summary>
[ImmutableObject(true)]
public sealed record MonitoringSnapshot(DateTime ReadAt, IReadOnlyDictionary<string, MonitoredMachine>? Machines, string? Error,
    MonitoringFailure? Failure = null, string? Call = null)
{
    public bool Available => Machines is not null;

    public MonitoredMachine? For(string code) => Machines?.GetValueOrDefault(code);

    public static MonitoringSnapshot Read(DateTime at, IEnumerable<MonitoredMachine> machines) =>
        new(at, machines.DistinctBy(m => m.MachineId, StringComparer.OrdinalIgnoreCase).ToDictionary(m => m.MachineId, StringComparer.OrdinalIgnoreCase), null);

    public static MonitoringSnapshot Unavailable(DateTime at, MachineMonitoringException failure) => new(at, null, failure.Message, failure.Failure, failure.Call);
}

/// <summary>What the monitoring upstream says about a machine next to what the console has.</summary>
public enum MonitoringAgreement
{
    /// <summary>Both say the same state.</summary>
    Agrees,
    /// <summary>They differ, but for less than the grace period: a change still on its way through one of the feeds.</summary>
    Settling,
    /// <summary>They differ past the grace period: the page says so.</summary>
    Disagrees,
    /// <summary>The upstream reports a state the mapping table does not know.</summary>
    UnknownState,
    /// <summary>The upstream does not watch this machine: nothing to compare.</summary>
    NotMonitored,
    /// <summary>The upstream could not be read.</summary>
    Unavailable,
}

/// <summary>The comparison of one machine; <see cref="Note"/> is the sentence the page shows (null when there is nothing to say).</summary>
public sealed record MonitoringVerdict(MonitoringAgreement Agreement, MachineState Ours, MappedMonitoringState? Theirs, DateTime? TheirsSince, string? Note)
{
    /// <summary>Whether the page shows a note: a disagreement past the grace period, or a state the console cannot read.</summary>
    public bool Noteworthy => Agreement is MonitoringAgreement.Disagrees or MonitoringAgreement.UnknownState;
}

/// <summary>
/// Where the monitoring upstream and the machine's own state disagree (issue 18 item 5, ADR 0032). Only machines the
/// upstream watches are compared; a difference younger than the grace period (from the later of the two changes) is
/// a transition in flight and is not flagged.
/// </summary>
public static class MonitoringComparison
{
    public static MonitoringVerdict Compare(Machine machine, MonitoringSnapshot snapshot, DateTime now, TimeSpan grace)
    {
        if (!snapshot.Available)
        {
            return new MonitoringVerdict(MonitoringAgreement.Unavailable, machine.State, null, null, $"Monitoring unavailable: {snapshot.Error}");
        }
        if (snapshot.For(machine.Code) is not { } upstream)
        {
            return new MonitoringVerdict(MonitoringAgreement.NotMonitored, machine.State, null, null, null);
        }
        var theirs = MonitoringStateMap.Map(upstream.Status);
        switch (theirs.Match)
        {
            case MonitoringMatch.NotMonitored:
                return new MonitoringVerdict(MonitoringAgreement.NotMonitored, machine.State, theirs, upstream.StatusSince, null);
            case MonitoringMatch.Unknown:
                return new MonitoringVerdict(MonitoringAgreement.UnknownState, machine.State, theirs, upstream.StatusSince,
                    $"Monitoring reports a state the console does not know ('{theirs.Upstream}') since {Clock(upstream.StatusSince, now)}; {Ours(machine)}.");
        }
        if (theirs.State == machine.State)
        {
            return new MonitoringVerdict(MonitoringAgreement.Agrees, machine.State, theirs, upstream.StatusSince, null);
        }
        var differentSince = machine.StateSince > upstream.StatusSince ? machine.StateSince : upstream.StatusSince;
        if (now - differentSince < grace)
        {
            return new MonitoringVerdict(MonitoringAgreement.Settling, machine.State, theirs, upstream.StatusSince, null);
        }
        return new MonitoringVerdict(MonitoringAgreement.Disagrees, machine.State, theirs, upstream.StatusSince,
            $"Monitoring says {theirs.State!.Value.Wire()} since {Clock(upstream.StatusSince, now)}; {Ours(machine)}.");
    }

    /// <summary>
    /// The machine's side, named by its feed: a telemetry machine's state is telemetry's even where the last change was
    /// set before its first message (the demo plant starts its machines running by hand, and telemetry saying "running"
    /// again changes nothing).
    /// </summary>
    private static string Ours(Machine machine) => machine.Feed switch
    {
        StateFeed.Telemetry => $"telemetry says {machine.State.Wire()}",
        StateFeed.Manual => $"set by hand to {machine.State.Wire()}",
        _ => $"the console has {machine.State.Wire()}",
    };

    /// <summary>"10:42 UTC", with the date when it is not within the last day (the console's other times are UTC too).</summary>
    private static string Clock(DateTime at, DateTime now) =>
        (now - at < TimeSpan.FromDays(1) ? at.ToString("HH:mm", CultureInfo.InvariantCulture) : at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)) + " UTC";
}
