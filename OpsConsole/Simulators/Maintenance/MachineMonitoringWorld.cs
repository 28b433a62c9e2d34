using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Monitoring;

namespace OpsConsole.Simulators.Maintenance;

/// <summary>`Simulators:MachineMonitoring:*`: which machines the simulated monitoring system watches, and which of them misread on purpose.</summary>
public sealed record MachineMonitoringWorldSettings(IReadOnlyList<string> Monitored, IReadOnlyList<string> NotMonitored, IReadOnlyList<string> Misreading)
{
    /// <summary>The demo plant's assembly cells: set by hand in the console, no sensor on them.</summary>
    public static readonly IReadOnlyList<string> DemoNotMonitored = ["AS-01", "AS-02", "AS-03", "AS-04", "AS-05"];

    /// <summary>A press and a mill whose current clamps read light work as idle now and then, so the demo shows a disagreement.</summary>
    public static readonly IReadOnlyList<string> DemoMisreading = ["PR-05", "CNC-03"];
}

/// <summary>
/// The simulated machine-monitoring system's view of the plant. A watched machine's states come from the
/// <see cref="SimulatedMachineFloor"/> (what the MQTT machine simulator publishes) once the floor knows the machine,
/// and before that (or without the MQTT simulator, as in tests) from a fixed schedule drawn from `Simulators:Seed`
/// and the machine's code in ten-minute slots, so every read of the same time gives the same answer. A misreading
/// machine reads IDLE for the first four minutes of every quarter hour in which it really produces (its sensor's idle
/// threshold is set too high for light parts): the disagreement the machine page notes once it outlasts the grace period.
/// </summary>
public sealed class MachineMonitoringWorld(SimulatedMachineFloor floor, TimeProvider time, int seed, MachineMonitoringWorldSettings settings)
{
    public static readonly TimeSpan Slot = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MisreadWindow = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MisreadFor = TimeSpan.FromMinutes(4);
    public static readonly TimeSpan MaxHistory = TimeSpan.FromDays(7);
    private static readonly TimeSpan LookBack = TimeSpan.FromHours(12);

    private readonly DateTime _started = time.GetUtcNow().UtcDateTime;

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    public IEnumerable<string> Machines => settings.Monitored.Concat(settings.NotMonitored);

    public bool Knows(string id) => Machines.Contains(id, StringComparer.OrdinalIgnoreCase);

    /// <summary>The machine's state now and since when (looking back at most twelve hours); null for a machine it does not know.</summary>
    public (string Status, DateTime Since)? Current(string id)
    {
        if (!Knows(id))
        {
            return null;
        }
        if (settings.NotMonitored.Contains(id, StringComparer.OrdinalIgnoreCase))
        {
            return (MonitoringStateMap.NotMonitored, _started);
        }
        var now = Now;
        var last = History(id, now - LookBack, now.AddTicks(1))[^1];
        return (last.Status, last.Start);
    }

    /// <summary>The machine's states over [from, to), merged where one state follows itself.</summary>
    public IReadOnlyList<MonitoredPeriod> History(string id, DateTime from, DateTime to)
    {
        if (settings.NotMonitored.Contains(id, StringComparer.OrdinalIgnoreCase))
        {
            return [new MonitoredPeriod(MonitoringStateMap.NotMonitored, from, to)];
        }
        var periods = new List<MonitoredPeriod>();
        var misreading = settings.Misreading.Contains(id, StringComparer.OrdinalIgnoreCase);
        foreach (var (start, end, state) in Truth(id, from, to))
        {
            foreach (var (s, e, status) in misreading && state == MachineState.Running ? Misread(start, end) : [(start, end, MonitoringStateMap.UpstreamName(state))])
            {
                if (periods.Count > 0 && periods[^1].Status == status && periods[^1].End == s)
                {
                    periods[^1] = periods[^1] with { End = e };
                }
                else
                {
                    periods.Add(new MonitoredPeriod(status, s, e));
                }
            }
        }
        return periods;
    }

    /// <summary>What the machine really did over [from, to): the floor's changes where it has them, the schedule before.</summary>
    private IEnumerable<(DateTime Start, DateTime End, MachineState State)> Truth(string id, DateTime from, DateTime to)
    {
        var changes = floor.Changes(id);
        var floorFrom = changes.Count > 0 ? changes[0].At : DateTime.MaxValue;
        if (from < floorFrom)
        {
            foreach (var slot in Scheduled(id, from, floorFrom < to ? floorFrom : to))
            {
                yield return slot;
            }
        }
        for (var i = 0; i < changes.Count; i++)
        {
            var start = changes[i].At < from ? from : changes[i].At;
            var end = i + 1 < changes.Count ? changes[i + 1].At : to;
            if (end > to)
            {
                end = to;
            }
            if (start < end)
            {
                yield return (start, end, changes[i].State);
            }
        }
    }

    private IEnumerable<(DateTime Start, DateTime End, MachineState State)> Scheduled(string id, DateTime from, DateTime to)
    {
        var slot = new DateTime(from.Ticks - from.Ticks % Slot.Ticks, DateTimeKind.Utc);
        for (; slot < to; slot += Slot)
        {
            var start = slot < from ? from : slot;
            var end = slot + Slot > to ? to : slot + Slot;
            yield return (start, end, ScheduledState(id, slot));
        }
    }

    /// <summary>Mostly producing; now and then idle, down or in planned maintenance; the same for the same seed, machine and slot.</summary>
    private MachineState ScheduledState(string id, DateTime slot)
    {
        var roll = new Random(unchecked((seed * 397 ^ StableHash(id)) * 397 ^ (int)(slot.Ticks / Slot.Ticks))).Next(100); // not HashCode.Combine: seeded per process
        return roll switch { < 80 => MachineState.Running, < 90 => MachineState.Idle, < 96 => MachineState.Down, _ => MachineState.Maintenance };
    }

    private static IEnumerable<(DateTime Start, DateTime End, string Status)> Misread(DateTime start, DateTime end)
    {
        var window = new DateTime(start.Ticks - start.Ticks % MisreadWindow.Ticks, DateTimeKind.Utc);
        for (; window < end; window += MisreadWindow)
        {
            var misreadEnd = window + MisreadFor;
            var a = window < start ? start : window;
            var b = misreadEnd > end ? end : misreadEnd;
            if (a < b)
            {
                yield return (a, b, "IDLE");
            }
            var c = misreadEnd < start ? start : misreadEnd;
            var d = window + MisreadWindow > end ? end : window + MisreadWindow;
            if (c < d)
            {
                yield return (c, d, "PRODUCING");
            }
        }
    }

    private static int StableHash(string text) => text.ToUpperInvariant().Aggregate(17, (h, c) => (h * 31) + c);

    /// <summary>Producing time over the window (0..1), as the upstream's utilisation.</summary>
    public static double Utilisation(IReadOnlyList<MonitoredPeriod> periods, DateTime from, DateTime to) =>
        to <= from ? 0 : Math.Round(periods.Where(p => p.Status == "PRODUCING").Sum(p => (p.End - p.Start).TotalSeconds) / (to - from).TotalSeconds, 4);
}
