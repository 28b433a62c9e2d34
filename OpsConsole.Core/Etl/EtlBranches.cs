using OpsConsole.Core.Shared.Identity;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Etl;

/// <summary>
/// A branch as an editor or the API sends it. On a new branch <c>name</c> and <c>pos_count</c> are needed; on an
/// existing one a field left out (null) keeps its value. <see cref="ActiveFrom"/> is YYYY-MM-DD text.
/// </summary>
public sealed record BranchInput(string? Id, string? Name, int? PosCount, bool? IsActive, string? ActiveFrom, string? ParserConfig);

/// <summary>What an upsert did: the branch as stored, and whether it was new.</summary>
public sealed record BranchUpserted(Branch Branch, bool Created);

/// <summary>The branches whose POS files the ETL fetches: listed, and created or edited with their parser config.</summary>
public sealed partial class EtlBranches(IDbContextFactory<OpsDbContext> contexts, TimeProvider time, AccountGate gate)
{
    public const int MaxPosCount = 20;
    public static readonly DateOnly EarliestDate = new(2000, 1, 1);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
    private static partial Regex BranchIdPattern();

    public static bool IsBranchId(string? id) => id is not null && BranchIdPattern().IsMatch(id);

    public const string IdRule = "1 to 32 letters, digits, '-' or '_', starting with a letter or digit";

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public async Task<IReadOnlyList<Branch>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Branches.AsNoTracking().OrderBy(b => b.Id).ToListAsync(ct);
    }

    public async Task<Branch?> FindAsync(string id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Branches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
    }

    /// <summary>Creates or updates a branch; every field is checked, the parser config field by field.</summary>
    public async Task<OpsResult<BranchUpserted>> UpsertAsync(Actor actor, BranchInput input, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var errors = new FieldErrors();
        if (!IsBranchId(input.Id))
        {
            errors.Add("id", $"id must be {IdRule}.");
        }
        var activeFrom = errors.OptionalDate("active_from", input.ActiveFrom);
        if (activeFrom is { } from && (from < EarliestDate || from > Today.AddYears(1)))
        {
            errors.Add("active_from", $"active_from must be between {EarliestDate:yyyy-MM-dd} and a year from today.");
        }
        if (input.Name is not null)
        {
            errors.Required("name", input.Name, 200);
        }
        if (input.PosCount is not null and not (>= 1 and <= MaxPosCount))
        {
            errors.Add("pos_count", $"pos_count must be between 1 and {MaxPosCount}.");
        }
        ParserConfig? parsed = null;
        if (input.ParserConfig is not null)
        {
            var config = ParserConfig.Parse(input.ParserConfig);
            foreach (var (field, messages) in config.Errors)
            {
                foreach (var message in messages)
                {
                    errors.Add(field, message);
                }
            }
            parsed = config.Value;
        }
        if (errors.Any)
        {
            return errors.ToResult<BranchUpserted>();
        }
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var branch = await db.Branches.SingleOrDefaultAsync(b => b.Id == input.Id, ct);
        var before = branch is null ? null : Snapshot(branch);
        if (branch is null)
        {
            if (input.Name is null)
            {
                errors.Add("name", "name is required for a new branch.");
            }
            if (input.PosCount is null)
            {
                errors.Add("pos_count", "pos_count is required for a new branch.");
            }
            if (errors.Any)
            {
                return errors.ToResult<BranchUpserted>();
            }
            branch = new Branch { Id = input.Id!, Name = "", CreatedAt = now.UtcDateTime, ActiveFrom = Today };
            db.Branches.Add(branch);
        }
        branch.Name = input.Name?.Trim() ?? branch.Name;
        branch.PosCount = input.PosCount ?? branch.PosCount;
        branch.IsActive = input.IsActive ?? branch.IsActive;
        branch.ActiveFrom = activeFrom ?? branch.ActiveFrom;
        branch.ParserConfigJson = parsed?.ToJson() ?? branch.ParserConfigJson;
        branch.UpdatedAt = now.UtcDateTime;
        db.Audit(actor, now, EtlModule.Name, before is null ? "branch.create" : "branch.update", "Branch", branch.Id, before, Snapshot(branch));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (before is null)
        {
            return OpsResult<BranchUpserted>.Conflict($"Branch {input.Id} was created by someone else meanwhile; load it and edit again.");
        }
        return OpsResult<BranchUpserted>.Ok(new BranchUpserted(branch, before is null));
    }

    private static object Snapshot(Branch b) => new { b.Name, b.PosCount, b.IsActive, b.ActiveFrom, ParserConfig = b.ParserConfigJson };
}
