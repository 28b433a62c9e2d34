using OpsConsole.Core.Shared.Auditing;

namespace OpsConsole.Core.Etl;

/// <summary>
/// The missing-data scan: queues every expected cell of the last `Etl:ScanDays` days (up to yesterday) that has no
/// job at all. The hourly job runs it, and so does a first run's demo set-up.
/// </summary>
public sealed class EtlMissingScan(EtlService etl, EtlMissingData missing, EtlOptions options)
{
    public async Task QueueUnfetchedAsync(CancellationToken ct = default)
    {
        var days = Math.Clamp(options.ScanDays, 1, EtlMissingData.MaxDays);
        var today = missing.Today;
        var grid = await missing.GridAsync(today.AddDays(-days), today.AddDays(-1), ct: ct, detail: GridDetail.States);
        await etl.QueueCellsAsync(Actor.System, EtlMissingData.CellsToQueue(grid, QueueMode.Missing), QueueMode.Missing, ct);
    }
}
