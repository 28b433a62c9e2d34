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
}
