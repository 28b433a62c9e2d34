using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Sync;

/// <summary>What applying a plan did: the run that carried it out, and the items left alone because they changed since planning.</summary>
public sealed record PlanApplied(SyncPlan Plan, SyncRun Run, IReadOnlyList<SyncRunItem> ChangedSincePlanning);

/// <summary>
/// "Apply this plan" (ADR 0037): a run of the plan's connection that re-checks each planned item against both sides
/// as they are now and the stored bases (<see cref="SyncReader.RecheckAsync"/>), carries out those still as planned and
/// reports the others, with a history line each, instead of planning them again. A plan is applied once: the first
/// apply claims it (409 after that); a run that carried out nothing (refused, or failed before any item) gives it back.
/// </summary>
public sealed class SyncPlanApplier(IDbContextFactory<OpsDbContext> contexts, SyncEngine engine, AccountGate gate, TimeProvider time)
{
    public async Task<OpsResult<PlanApplied>> ApplyAsync(Actor actor, long planId, bool confirmDeletes = false, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        if (confirmDeletes)
        {
            await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var plan = await db.SyncPlans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == planId, ct);
        if (plan is null)
        {
            return OpsResult<PlanApplied>.NotFound($"No sync plan {planId}.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var claimed = false;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            claimed = await db.SyncPlans.Where(p => p.Id == planId && p.AppliedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.AppliedAt, now).SetProperty(p => p.AppliedBy, actor.Name), ct) == 1;
            if (claimed)
            {
                db.Audit(actor, now, SyncModule.Name, "plan.apply", nameof(SyncPlan), planId.ToString(), null,
                    new { connection = plan.ConnectionId, confirm_deletes = confirmDeletes });
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        });
        if (!claimed)
        {
            var applied = await db.SyncPlans.AsNoTracking().Where(p => p.Id == planId).Select(p => new { p.AppliedBy, p.AppliedAt, p.AppliedRunId }).SingleAsync(ct);
            return OpsResult<PlanApplied>.Conflict($"Plan {planId} was applied already by {applied.AppliedBy} at {applied.AppliedAt:u}.",
                new Dictionary<string, object?> { ["applied_run_id"] = applied.AppliedRunId });
        }
        OpsResult<SyncRun> result;
        try
        {
            result = await engine.RunAsync(actor, plan.ConnectionId, SyncTrigger.Manual, new SyncRunOptions(plan, confirmDeletes), ct);
        }
        catch
        {
            await GiveBackAsync(planId, ct);
            throw;
        }
        if (result.Value is not { } run)
        {
            await GiveBackAsync(planId, ct);
            return result.Map<PlanApplied>(_ => null!);
        }
        if (run is { State: SyncRunState.Failed, Added: 0, Updated: 0, Archived: 0, Conflicted: 0, Skipped: 0, Failed: 0 })
        {
            // Nothing of it was carried out (the delete guard stopped it, or a side could not be read): it may be applied again.
            await GiveBackAsync(planId, ct);
        }
        else
        {
            await db.SyncPlans.Where(p => p.Id == planId).ExecuteUpdateAsync(u => u.SetProperty(p => p.AppliedRunId, run.Id), ct);
        }
        var changed = await db.SyncRunItems.AsNoTracking()
            .Where(i => i.RunId == run.Id && i.Action == SyncAction.Skip && i.Error != null && i.Error.StartsWith(SyncReader.ChangedSincePlanning))
            .OrderBy(i => i.Id).ToListAsync(ct);
        return OpsResult<PlanApplied>.Ok(new PlanApplied(await db.SyncPlans.AsNoTracking().SingleAsync(p => p.Id == planId, ct), run, changed));
    }

    private async Task GiveBackAsync(long planId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.SyncPlans.Where(p => p.Id == planId).ExecuteUpdateAsync(u => u.SetProperty(p => p.AppliedAt, (DateTime?)null).SetProperty(p => p.AppliedBy, (string?)null), ct);
    }
}
