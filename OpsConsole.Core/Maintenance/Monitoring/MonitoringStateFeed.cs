using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Maintenance.Monitoring;

/// <summary>
/// Machines whose state is fed by the monitoring upstream (<see cref="StateFeed.Monitoring"/>) take the upstream's mapped
/// state through <see cref="MachineStates"/> (downtime periods and failure tickets as for telemetry), with the upstream's
/// "since" as the moment of the change. Reads the shared snapshot, so it costs no upstream call beyond the pages' own.
/// An unavailable upstream, a machine it does not list, an unknown or unmonitored state change nothing: the machine keeps
/// its last state and the page says monitoring is unavailable.
/// </summary>
public sealed class MonitoringStateFeed(IDbContextFactory<OpsDbContext> contexts, IMonitoringSnapshots snapshots, MachineStates states, TimeProvider time)
{
    /// <summary>Applies the upstream's states; returns how many machines changed state.</summary>
    public async Task<int> ApplyAsync(CancellationToken ct = default)
    {
        List<(int Id, string Code, MachineState State)> machines;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            machines = (await db.Machines.AsNoTracking().Where(m => m.Feed == StateFeed.Monitoring).Select(m => new { m.Id, m.Code, m.State }).ToListAsync(ct))
                .Select(m => (m.Id, m.Code, m.State)).ToList();
        }
        if (machines.Count == 0)
        {
            return 0;
        }
        var snapshot = await snapshots.SnapshotAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var changed = 0;
        foreach (var machine in machines)
        {
            if (snapshot.For(machine.Code) is not { } upstream || MonitoringStateMap.Map(upstream.Status).State is not { } state || state == machine.State)
            {
                continue;
            }
            var result = await states.SetStateAsync(machine.Id, state, StateSource.Monitoring, upstream.StatusSince > now ? now : upstream.StatusSince, ct);
            if (result is { Succeeded: true, Value.Changed: true })
            {
                changed++;
            }
        }
        return changed;
    }
}
