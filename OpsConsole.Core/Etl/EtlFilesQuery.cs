using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Etl;

/// <summary>The raw files a job downloaded, by job or by branch.</summary>
public sealed class EtlFilesQuery(IDbContextFactory<OpsDbContext> contexts)
{
    public async Task<IReadOnlyList<EtlFile>> ListAsync(Guid? jobId, string? branchId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.EtlFiles.AsNoTracking();
        if (jobId is { } job)
        {
            query = query.Where(f => f.JobId == job);
        }
        if (!string.IsNullOrWhiteSpace(branchId))
        {
            query = query.Where(f => f.BranchId == branchId);
        }
        return await query.OrderByDescending(f => f.WorkDate).ThenBy(f => f.Pos).ThenBy(f => f.FileType).ThenBy(f => f.FileName).Take(1000).ToListAsync(ct);
    }

    public async Task<EtlFile?> FindAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.EtlFiles.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct);
    }
}
