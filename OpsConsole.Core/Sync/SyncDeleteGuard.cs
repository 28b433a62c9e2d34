namespace OpsConsole.Core.Sync;

/// <summary>Which run options a run was started with (ADR 0037).</summary>
/// <param name="Plan">Apply this plan: its items are re-checked and carried out instead of a fresh read.</param>
/// <param name="ConfirmDeletes">An admin confirms a mass archive the delete guard stopped.</param>
/// <param name="LinkBy">Link unpaired items to existing destination items by `marker` or a mapped source field (<see cref="SyncLinking"/>).</param>
/// <param name="OnlyItems">Only these source ids (a webhook's run, ADR 0036); such a run does not move the cursors.</param>
public sealed record SyncRunOptions(SyncPlan? Plan = null, bool ConfirmDeletes = false, string? LinkBy = null, IReadOnlyCollection<string>? OnlyItems = null)
{
    public static readonly SyncRunOptions None = new();
}

/// <summary>
/// `Sync:MaxDeletesPercent`: a run that would archive or delete more than that share of the connection's live pairs
/// stops before any write, naming the setting, unless an admin confirmed it. Only items the source reports archived
/// count: an item missing from a list (a partial or failed read) is never taken as gone (ADR 0034, 0037).
/// </summary>
public static class SyncDeleteGuard
{
    internal static string? Refusal(Snapshot snapshot, SyncOptions options, bool confirmed) =>
        confirmed ? null : Refusal(Archives(snapshot), snapshot.LivePairs, options.MaxDeletesPercent, options.DeleteGuardFloor);

    /// <summary>What a dry run says of its plan when carrying it out would stop at the guard (null: it would not).</summary>
    internal static string? PlanWarning(Snapshot snapshot, SyncOptions options) =>
        Excess(snapshot, options) is { } excess
            ? $"A run would stop before archiving: {excess}. Check the source first; an admin may confirm the archive (confirm_deletes=true)."
            : null;

    public static string? Refusal(int archives, int livePairs, int maxPercent, int floor) =>
        Excess(archives, livePairs, maxPercent, floor) is { } excess
            ? $"Stopped before archiving: {excess}. Nothing was written. Check the source; an admin may run again with confirm_deletes=true."
            : null;

    private static int Archives(Snapshot snapshot) => snapshot.Work.Count(w => w.Plan.Action == SyncAction.Archive);

    private static string? Excess(Snapshot snapshot, SyncOptions options) =>
        Excess(Archives(snapshot), snapshot.LivePairs, options.MaxDeletesPercent, options.DeleteGuardFloor);

    private static string? Excess(int archives, int livePairs, int maxPercent, int floor) =>
        archives <= floor || (long)archives * 100 <= (long)maxPercent * livePairs ? null
        : $"{archives} of {livePairs} paired items would be archived or deleted, more than Sync:MaxDeletesPercent ({maxPercent}%)";
}
