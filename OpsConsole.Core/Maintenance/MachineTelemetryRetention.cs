using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Settings;

namespace OpsConsole.Core.Maintenance;

/// <summary>
/// Deletes raw telemetry older than the runtime setting `telemetry_retention_days` (ADR 0031): the heartbeat and counter
/// events that MQTT messages became, about 260,000 rows a day for the demo plant. What was made of them stays: state
/// events (the machine's timeline), downtime periods and production records. Deleted in chunks, oldest first, so a
/// writer waits for one short statement at a time, never for a whole day's delete.
/// <para>A machine silent for longer than the retention loses its newest counters with the rest: when it speaks again
/// its first counters are a new base (nothing counted twice, the silent stretch's count not guessed).</para>
/// </summary>
public sealed class MachineTelemetryRetention(IDbContextFactory<OpsDbContext> contexts, RuntimeSettings settings, TimeProvider time,
    ILogger<MachineTelemetryRetention> logger)
{
    private const int Chunk = 20_000;

    /// <summary>Deletes what is past the retention; returns how many events went.</summary>
    public async Task<int> PruneAsync(CancellationToken ct = default)
    {
        var days = (await settings.ReadAsync(MaintenanceModule.Name, ct)).Whole(MaintenanceSettings.TelemetryRetentionDaysKey);
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-days);
        var deleted = 0;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var ids = await db.MachineEvents
                .Where(e => e.Seq != null && (e.Kind == MachineEventKind.Heartbeat || e.Kind == MachineEventKind.Production) && e.OccurredAt < cutoff)
                .OrderBy(e => e.OccurredAt).Select(e => e.Id).Take(Chunk).ToListAsync(ct);
            if (ids.Count == 0)
            {
                break;
            }
            deleted += await db.MachineEvents.Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(ct);
            if (ids.Count < Chunk)
            {
                break;
            }
        }
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} raw telemetry events older than {Days} days", deleted, days);
        }
        return deleted;
    }
}
