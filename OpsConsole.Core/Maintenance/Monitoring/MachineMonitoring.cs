using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;

namespace OpsConsole.Core.Maintenance.Monitoring;

/// <summary>The monitoring upstream's machines as pages read them: one shared, briefly cached snapshot.</summary>
public interface IMonitoringSnapshots
{
    /// <summary>The latest snapshot (at most `Maintenance:MonitoringCacheSeconds` old); never throws for an upstream failure, it says it.</summary>
    Task<MonitoringSnapshot> SnapshotAsync(CancellationToken ct = default);
}

/// <summary>
/// Reads the monitoring upstream's machine list through <see cref="MachineMonitoringClient"/> into HybridCache for
/// `Maintenance:MonitoringCacheSeconds`, so a board of twenty tiles, and every circuit that shows it, makes one upstream
/// call (HybridCache runs one read for concurrent askers). A failed read is cached as an unavailable snapshot for the
/// same time, so a down upstream is not asked again by every tile. Upstream states the mapping table does not know are
/// counted on every read and logged once per state.
/// </summary>
public sealed class MachineMonitoring(MachineMonitoringClient client, HybridCache cache, MaintenanceOptions options, MaintenanceMetrics metrics,
    TimeProvider time, ILogger<MachineMonitoring> logger) : IMonitoringSnapshots
{
    public const string CacheKey = "maintenance:monitoring:machines";

    private readonly ConcurrentDictionary<string, bool> _unknownLogged = new(StringComparer.OrdinalIgnoreCase);

    public TimeSpan Grace => TimeSpan.FromSeconds(options.MonitoringDisagreeSeconds);

    public async Task<MonitoringSnapshot> SnapshotAsync(CancellationToken ct = default)
    {
        var lifetime = TimeSpan.FromSeconds(options.MonitoringCacheSeconds);
        return await cache.GetOrCreateAsync(CacheKey, this, static async (self, c) => await self.ReadAsync(c),
            new HybridCacheEntryOptions { Expiration = lifetime, LocalCacheExpiration = lifetime }, cancellationToken: ct);
    }

    /// <summary>Forgets the cached snapshot (the next read asks the upstream).</summary>
    public ValueTask ForgetAsync(CancellationToken ct = default) => cache.RemoveAsync(CacheKey, ct);

    /// <summary>The machine next to the snapshot, with `Maintenance:MonitoringDisagreeSeconds` as the grace period.</summary>
    public MonitoringVerdict Compare(Machine machine, MonitoringSnapshot snapshot) =>
        MonitoringComparison.Compare(machine, snapshot, time.GetUtcNow().UtcDateTime, Grace);

    /// <summary>Counts an upstream state the mapping table does not know; logs it the first time it is seen.</summary>
    public void NoteUnknown(string machineId, MappedMonitoringState mapped)
    {
        if (mapped.Match != MonitoringMatch.Unknown)
        {
            return;
        }
        metrics.MonitoringUnknownStates.Add(1, new KeyValuePair<string, object?>("state", mapped.Upstream));
        if (_unknownLogged.TryAdd(mapped.Upstream, true))
        {
            logger.LogWarning("The machine-monitoring upstream reports state '{State}' (first seen on {Machine}), which the mapping table does not know; " +
                "such machines show 'unknown state' and are not compared", mapped.Upstream, machineId);
        }
    }

    private async Task<MonitoringSnapshot> ReadAsync(CancellationToken ct)
    {
        var at = time.GetUtcNow().UtcDateTime;
        try
        {
            var machines = await client.MachinesAsync(ct);
            foreach (var machine in machines)
            {
                NoteUnknown(machine.MachineId, MonitoringStateMap.Map(machine.Status));
            }
            metrics.MonitoringReads.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
            return MonitoringSnapshot.Read(at, machines);
        }
        catch (MachineMonitoringException ex)
        {
            metrics.MonitoringReads.Add(1, new KeyValuePair<string, object?>("outcome", ex.Failure.ToString().ToLowerInvariant()));
            logger.LogInformation("Machine monitoring unavailable: {Error}", ex.Message);
            return MonitoringSnapshot.Unavailable(at, ex);
        }
    }
}
