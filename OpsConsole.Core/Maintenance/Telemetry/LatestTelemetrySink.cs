namespace OpsConsole.Core.Maintenance.Telemetry;

/// <summary>A machine's latest reported state and counters.</summary>
public sealed record LatestTelemetry(string MachineCode, TelemetryMessage? Status, TelemetryMessage? Production);

/// <summary>
/// The sink registered when no other is: keeps each machine's latest status and production counters in memory (a
/// message at or below the seq already kept for its kind changes nothing, so redeliveries are harmless). It stores no
/// history and survives no restart; the Maintenance module registers its database sink (state changes into
/// downtime periods, counters into production records) as <see cref="ITelemetrySink"/> in its place.
/// </summary>
public sealed class LatestTelemetrySink : ITelemetrySink
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (TelemetryMessage? Status, TelemetryMessage? Production)> _latest = new(StringComparer.Ordinal);

    public Task StoreAsync(IReadOnlyList<TelemetryMessage> batch, CancellationToken ct)
    {
        lock (_lock)
        {
            foreach (var message in batch)
            {
                _latest.TryGetValue(message.MachineCode, out var entry);
                if (message.Kind == TelemetryKind.Status && (entry.Status is null || entry.Status.Seq < message.Seq))
                {
                    entry.Status = message;
                }
                else if (message.Kind == TelemetryKind.Production && (entry.Production is null || entry.Production.Seq < message.Seq))
                {
                    entry.Production = message;
                }
                _latest[message.MachineCode] = entry;
            }
        }
        return Task.CompletedTask;
    }

    public IReadOnlyList<LatestTelemetry> Snapshot()
    {
        lock (_lock)
        {
            return _latest.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new LatestTelemetry(m.Key, m.Value.Status, m.Value.Production)).ToList();
        }
    }
}
