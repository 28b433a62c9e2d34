using OpsConsole.Core.Shared.Identity;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpsConsole.Core.Shared.Auditing;

namespace OpsConsole.Core.Yard;

/// <summary>
/// What a cycle's mutations did: counts, the tasks deleted (or found gone), the tasks as their PATCH answered, and the
/// outcome of each planned action by task id. <see cref="CapExceeded"/>: more live deletions were planned than the cap.
/// </summary>
public sealed record YardMutationOutcome(int Patched, int Deleted, int Held, int PlannedDeletes, bool CapExceeded,
    IReadOnlySet<string> DeletedIds, IReadOnlyDictionary<string, YardTask> PatchedTasks, IReadOnlyDictionary<string, string> OutcomeByTask)
{
    public static readonly YardMutationOutcome None = new(0, 0, 0, 0, false, new HashSet<string>(), new Dictionary<string, YardTask>(),
        new Dictionary<string, string>());
}

/// <summary>
/// Carries out a cycle's plan in the yard system, behind the guards of docs/yard-rules.md: a dry-run action is only
/// shown; while the poller is paused, or when the plan's live deletions exceed the cap, nothing at all is changed.
/// Every patch, delete and failed attempt is audited (actor `yard-poller`) and the task's cached detail forgotten.
/// </summary>
public sealed class YardMutator(YardClient client, YardTaskCache cache, AuditLog audit, YardMetrics metrics, ILogger<YardMutator> logger)
{
    /// <summary>Why a cycle's live actions are held (null: they go ahead). Paused is said first: it holds whatever the cap says.</summary>
    public static string? HoldReason(YardPlan plan, YardSettings settings) =>
        settings.Paused ? YardOutcome.HeldWhilePaused
        : plan.LiveDeletes > settings.DeletionCap ? YardOutcome.HeldByCap(plan.LiveDeletes, settings.DeletionCap)
        : null;

    /// <param name="actor">Who the audit lines name: the poller, or the operator who asked for this cycle.</param>
    public async Task<YardMutationOutcome> ApplyAsync(YardPlan plan, YardSettings settings, Actor actor, CancellationToken ct)
    {
        var hold = HoldReason(plan, settings);
        var deletedIds = new HashSet<string>(StringComparer.Ordinal);
        var patchedTasks = new Dictionary<string, YardTask>(StringComparer.Ordinal);
        var outcomes = new Dictionary<string, string>(StringComparer.Ordinal);
        int patched = 0, deleted = 0, held = 0;
        foreach (var action in plan.Actions)
        {
            var id = action.Task.Id;
            if (action.DryRun)
            {
                outcomes[id] = action.Delete ? YardOutcome.WouldDelete : YardOutcome.WouldPatch;
                continue;
            }
            if (hold is not null)
            {
                outcomes[id] = hold;
                held++;
                continue;
            }
            try
            {
                if (action.Delete)
                {
                    var existed = await client.DeleteAsync(id, ct);
                    await cache.ForgetAsync(id, null, ct);
                    deletedIds.Add(id);
                    outcomes[id] = existed ? YardOutcome.Deleted : YardOutcome.AlreadyGone;
                    deleted++;
                    metrics.Mutations.Add(1, new KeyValuePair<string, object?>("kind", "delete"));
                    await AuditAsync(actor, "yard.auto-delete", id, Describe(action.Task), new { rule = action.Rule, reason = action.Reason, existed }, ct);
                }
                else
                {
                    var after = await client.PatchAsync(id, action.Fix, ct);
                    await cache.ForgetAsync(id, after, ct);
                    if (after is null)
                    {
                        deletedIds.Add(id);
                        outcomes[id] = YardOutcome.AlreadyGone;
                        continue;
                    }
                    patchedTasks[id] = after;
                    outcomes[id] = YardOutcome.Patched;
                    patched++;
                    metrics.Mutations.Add(1, new KeyValuePair<string, object?>("kind", "patch"));
                    await AuditAsync(actor, "yard.auto-patch", id, Describe(action.Task),
                        new { rules = action.FixRules, reason = action.Reason, fields = new JsonObject(action.Fix.Select(f => KeyValuePair.Create(f.Key, f.Value?.DeepClone()))) }, ct);
                }
            }
            catch (YardUpstreamException ex)
            {
                outcomes[id] = YardOutcome.Failed(action.Delete, ex.Message);
                metrics.Mutations.Add(1, new KeyValuePair<string, object?>("kind", "error"));
                logger.LogWarning("Yard {Action} of task {Task} failed: {Error}", action.Delete ? "delete" : "patch", id, ex.Message);
                await AuditAsync(actor, action.Delete ? "yard.auto-delete-failed" : "yard.auto-patch-failed", id, Describe(action.Task),
                    new { rule = action.Rule, reason = action.Reason, error = ex.Message }, ct);
            }
        }
        return new YardMutationOutcome(patched, deleted, held, plan.LiveDeletes, plan.LiveDeletes > settings.DeletionCap, deletedIds, patchedTasks, outcomes);
    }

    private static object Describe(YardTask t) => new { t.Status, hostler_id = t.HostlerId, t.Priority, t.Origin, t.Destination, trailer_id = t.TrailerId, t.Version };

    private Task AuditAsync(Actor actor, string action, string id, object? before, object? after, CancellationToken ct) =>
        audit.RecordAsync(actor, YardModule.Name, action, "YardTask", id, before, after, ct);
}
