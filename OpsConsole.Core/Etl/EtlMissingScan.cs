using OpsConsole.Core.Shared.Auditing;

namespace OpsConsole.Core.Etl;

/// <summary>
/// The scheduled queueing: the missing-data scan queues every expected cell of the last `Etl:ScanDays` days (up to
/// yesterday) that has no job at all (the hourly job, and a first run's demo set-up); the nightly fetch queues
/// yesterday for every active branch × POS.
/// </summary>
public sealed class EtlMissingScan(EtlService etl, EtlBranches branches, EtlMissingData missing, EtlOptions options)
{
    /// <summary>Returns how many jobs were queued.</summary>
    public async Task<int> QueueUnfetchedAsync(CancellationToken ct = default)
    {
        var days = Math.Clamp(options.ScanDays, 1, EtlMissingData.MaxDays);
        var today = missing.Today;
        var grid = await missing.GridAsync(today.AddDays(-days), today.AddDays(-1), ct: ct, detail: GridDetail.States);
        return (await etl.QueueCellsAsync(Actor.System, EtlMissingData.CellsToQueue(grid, QueueMode.Missing), QueueMode.Missing, ct)).Count;
    }

    /// <summary>Yesterday for every active branch and POS; cells already fetched are left alone. Returns how many were queued.</summary>
    public async Task<int> QueueYesterdayAsync(CancellationToken ct = default)
    {
        var yesterday = etl.Today.AddDays(-1);
        var cells = (await branches.ListAsync(ct)).Where(b => b.IsActive && b.ActiveFrom <= yesterday)
            .SelectMany(b => Enumerable.Range(1, b.PosCount).Select(pos => new EtlCell(b.Id, pos, yesterday))).ToList();
        return (await etl.QueueCellsAsync(Actor.System, cells, QueueMode.MissingAndFailed, ct)).Count;
    }
}
