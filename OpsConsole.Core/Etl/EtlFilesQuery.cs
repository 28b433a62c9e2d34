using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Etl;

/// <summary>GET /api/files as sent: a job id or a branch (one of them is needed).</summary>
public sealed record FileListInput(string? JobId, string? Branch);

/// <summary>The raw files a job downloaded, by job or by branch.</summary>
public sealed class EtlFilesQuery(IDbContextFactory<OpsDbContext> contexts)
{
    public const int MaxListed = 1000;

    public async Task<OpsResult<IReadOnlyList<EtlFile>>> ListAsync(FileListInput input, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var jobId = errors.OptionalGuid("job_id", input.JobId);
        var branch = errors.OptionalText("branch", input.Branch, Branch.MaxIdLength);
        if (!errors.Any && jobId is null && branch is null)
        {
            errors.Add("job_id", "Give job_id or branch.");
        }
        return errors.Any ? errors.ToResult<IReadOnlyList<EtlFile>>() : OpsResult<IReadOnlyList<EtlFile>>.Ok(await ListAsync(jobId, branch, ct));
    }

    /// <summary>The newest <see cref="MaxListed"/> files of a job or a branch.</summary>
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
        return await query.OrderByDescending(f => f.WorkDate).ThenBy(f => f.Pos).ThenBy(f => f.FileType).ThenBy(f => f.FileName).Take(MaxListed).ToListAsync(ct);
    }

    public async Task<EtlFile?> FindAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.EtlFiles.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct);
    }
}
