namespace OpsConsole.Core.Maintenance.Telemetry;

/// <summary>
/// Where the batch writer stores telemetry. <see cref="StoreAsync"/> commits the whole batch, or throws and commits
/// nothing that would be lost: the writer acknowledges the batch's messages to the broker only after it returned,
/// retries a failed batch, and after a crash the broker redelivers everything unacknowledged. So the same
/// (machine, seq) arrives more than once: storing must be idempotent on it (a unique key, insert-or-ignore), and a
/// message whose (machine, seq) is already stored changes nothing.
/// </summary>
public interface ITelemetrySink
{
    /// <param name="batch">In arrival order; a machine's messages in increasing seq unless the broker reordered them.</param>
    Task StoreAsync(IReadOnlyList<TelemetryMessage> batch, CancellationToken ct);
}
