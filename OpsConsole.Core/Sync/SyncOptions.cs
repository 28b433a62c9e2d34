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
    /// <summary>`Sync:AutoSyncEnabled` (or the seed's `AUTO_SYNC_ENABLED`): the bot runs every connection that is not paused on its schedule.</summary>
    public bool AutoSyncEnabled { get; set; }

    /// <summary>`Sync:IntervalSeconds` (or the seed's `SYNC_INTERVAL_SECONDS`): the bot's interval for connections without a schedule of their own.</summary>
    [Range(10, 7 * 24 * 3600)]
    public int IntervalSeconds { get; set; } = 300;

    /// <summary>`Sync:LeaseSeconds`: a run's lease (`sync:{connection}`) runs out this long after its last heartbeat, when its process died (ADR 0036).</summary>
    [Range(1, 3600)]
    public double LeaseSeconds { get; set; } = 60;

    /// <summary>`Sync:ItemMaxAttempts`: an item that failed this many runs in a row goes to the needs-attention list instead of being tried again.</summary>
    [Range(1, 100)]
    public int ItemMaxAttempts { get; set; } = 5;

    /// <summary>`Sync:ItemRetrySeconds`: after its second failure an item waits this long before the next try, doubling each time (the first retry is the next run).</summary>
    [Range(0, 86_400)]
    public int ItemRetrySeconds { get; set; } = 60;

    /// <summary>`Sync:ItemRetryMaxSeconds`: the longest wait between an item's tries.</summary>
    [Range(0, 7 * 86_400)]
    public int ItemRetryMaxSeconds { get; set; } = 3600;

    /// <summary>`Sync:WebhookMaxAgeSeconds`: a webhook whose signed timestamp is further than this from now is refused (a replay).</summary>
    [Range(10, 3600)]
    public int WebhookMaxAgeSeconds { get; set; } = 300;
}
