using System.ComponentModel.DataAnnotations;

namespace OpsConsole.Core.Sync;

/// <summary>`Sync:*` in appsettings.json, checked when the console starts.</summary>
public sealed class SyncOptions
{
    /// <summary>`Sync:OverlapSeconds`: a changed-since read asks from the cursor minus this margin (each side's own clock), so a change stamped just before the last read is not missed.</summary>
    [Range(0, 3600)]
    public int OverlapSeconds { get; set; } = 60;

    /// <summary>`Sync:MaxPagesPerRead`: a read stops (and the run fails, nothing archived) after this many pages, against a system that pages forever.</summary>
    [Range(1, 100_000)]
    public int MaxPagesPerRead { get; set; } = 2_000;

    /// <summary>
    /// `Sync:MaxDeletesPercent`: a run that would archive or delete more than this share of a connection's live pairs
    /// stops before any write and says so; an admin confirms with `confirm_deletes` (ADR 0037).
    /// </summary>
    [Range(0, 100)]
    public int MaxDeletesPercent { get; set; } = 10;

    /// <summary>`Sync:DeleteGuardFloor`: a run archiving at most this many items is never stopped (on a small connection one archive is already a large share).</summary>
    [Range(0, 100_000)]
    public int DeleteGuardFloor { get; set; } = 5;
}
