using System.Collections.Concurrent;
using OpsConsole.Core.Maintenance;

namespace OpsConsole.Simulators.Maintenance;

/// <summary>
/// What the demo plant's simulated machines are really doing: the MQTT machine simulator writes each machine's state
/// changes here as it publishes them, and the machine-monitoring simulator reads them, as a FourJaw sensor clamped
/// on the same machine would see it. So the two feeds agree, except where the monitoring simulator disagrees on purpose.
/// Keeps each machine's last day of changes.
/// </summary>
public sealed class SimulatedMachineFloor
{
    public static readonly TimeSpan Kept = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<string, List<(DateTime At, MachineState State)>> _machines = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The machine is in <paramref name="state"/> from <paramref name="at"/> on.</summary>
    public void Observe(string code, MachineState state, DateTime at)
    {
        var changes = _machines.GetOrAdd(code, _ => []);
        lock (changes)
        {
            if (changes.Count > 0 && changes[^1].State == state)
            {
                return;
            }
            changes.Add((at, state));
            var cutoff = at - Kept;
            var old = changes.FindLastIndex(c => c.At < cutoff);
            if (old > 0)
            {
                changes.RemoveRange(0, old); // keep the change in force at the cutoff
            }
        }
    }

    /// <summary>The machine's changes, oldest first; empty when the simulator does not play it (or has not yet).</summary>
    public IReadOnlyList<(DateTime At, MachineState State)> Changes(string code)
    {
        if (!_machines.TryGetValue(code, out var changes))
        {
            return [];
        }
        lock (changes)
        {
            return [.. changes];
        }
    }
}
