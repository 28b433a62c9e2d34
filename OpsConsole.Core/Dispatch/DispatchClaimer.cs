using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Claims;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Dispatch;

/// <summary>Gives the oldest ready task to one worker, atomically, on every provider.</summary>
public sealed class DispatchClaimer(IDbContextFactory<OpsDbContext> contexts, TimeProvider time)
{
    public const string Table = "dispatch_tasks";

    private static readonly ClaimSpec Spec = new(Table, nameof(DispatchTask.Status), "ready", "assigned",
        [nameof(DispatchTask.CreatedAt), nameof(DispatchTask.Id)], [nameof(DispatchTask.WorkerId), nameof(DispatchTask.AssignedAt)]);

    private readonly Dictionary<DatabaseProvider, string> _sql = Enum.GetValues<DatabaseProvider>().ToDictionary(p => p, p => ClaimStatement.For(p, Spec));

    public async Task<DispatchTask?> ClaimAsync(string workerId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await ClaimAsync(db, workerId, ct);
    }

    /// <summary>Claims inside the caller's context (and its transaction, if one is open).</summary>
    public async Task<DispatchTask?> ClaimAsync(OpsDbContext db, string workerId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var claimed = await db.DispatchTasks.FromSqlRaw(_sql[db.Provider], workerId, now).AsNoTracking().ToListAsync(ct);
        return claimed.SingleOrDefault();
    }

    /// <summary>The claim statement for a provider, for benchmarks that measure it without the console around it.</summary>
    public string Sql(DatabaseProvider provider) => _sql[provider];
}
