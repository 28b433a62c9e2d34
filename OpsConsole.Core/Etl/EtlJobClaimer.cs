using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Claims;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Etl;

/// <summary>
/// Gives the oldest queued job that is due (a retry waits out its delay) to one runner with a lease, atomically,
/// on every provider: the dispatch claim's mechanism.
/// </summary>
public sealed class EtlJobClaimer(IDbContextFactory<OpsDbContext> contexts, SqliteWriteTurns turns, TimeProvider time)
{
    public const string Table = "etl_jobs";

    private static readonly ClaimSpec Spec = new(Table, nameof(EtlJob.Status),
        EtlTransitions.Job.OnlyFrom(EtlJobMove.Claim).Wire(), EtlTransitions.Job.To(EtlJobMove.Claim).Wire(),
        [nameof(EtlJob.QueuedAt), nameof(EtlJob.Id)],
        [nameof(EtlJob.LeaseOwner), nameof(EtlJob.LeaseExpiresAt), nameof(EtlJob.StartedAt)],
        IncrementColumn: nameof(EtlJob.Attempts), DueColumn: nameof(EtlJob.QueuedAt));

    private readonly Dictionary<DatabaseProvider, string> _sql = Enum.GetValues<DatabaseProvider>().ToDictionary(p => p, p => ClaimStatement.For(p, Spec));

    public async Task<EtlJob?> ClaimAsync(string runner, TimeSpan lease, CancellationToken ct = default)
    {
        using var turn = await turns.TakeAsync(ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var claimed = await db.EtlJobs.FromSqlRaw(_sql[db.Provider], runner, now + lease, now, now).AsNoTracking().ToListAsync(ct);
        return claimed.SingleOrDefault();
    }
}
