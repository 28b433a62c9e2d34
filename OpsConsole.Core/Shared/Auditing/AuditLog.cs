using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Shared.Auditing;

public sealed record AuditFilter(
    string? Actor = null,
    string? Module = null,
    string? EntityType = null,
    string? Text = null,
    DateTime? From = null,
    DateTime? To = null);

public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageIndex, int PageSize);

/// <summary>Reads the audit log: filtered pages for the page and the API, and a stream for CSV export.</summary>
public sealed class AuditLog(IDbContextFactory<OpsDbContext> contexts, TimeProvider time)
{
    /// <summary>A standalone entry, for actions whose effect is outside the database (run a job, set a simulator fault).</summary>
    public async Task RecordAsync(Actor actor, string module, string action, string entityType, string? entityId,
        object? before, object? after, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Audit(actor, time.GetUtcNow(), module, action, entityType, entityId, before, after);
        await db.SaveChangesAsync(ct);
    }

    public const int MaxPageSize = 500;

    /// <summary>An account locked by failed sign-ins: a security event an admin should find.</summary>
    public Task RecordLockoutAsync(string userName, string where, CancellationToken ct = default) =>
        RecordAsync(new Actor(userName, []), OpsModules.Shared, "auth.lockout", "User", userName, null,
            $"locked after repeated failed sign-ins ({where})", ct);

    public async Task<Page<AuditEntry>> QueryAsync(AuditFilter filter, int pageIndex, int pageSize, CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        pageIndex = Math.Max(0, pageIndex);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = Apply(db.AuditEntries.AsNoTracking(), filter);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Skip(pageIndex * pageSize).Take(pageSize).ToListAsync(ct);
        return new Page<AuditEntry>(items, total, pageIndex, pageSize);
    }

    public async IAsyncEnumerable<AuditEntry> StreamAsync(AuditFilter filter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = Apply(db.AuditEntries.AsNoTracking(), filter).OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id);
        await foreach (var entry in query.AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return entry;
        }
    }

    public async Task<IReadOnlyList<AuditEntry>> LatestAsync(int count, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Take(count).ToListAsync(ct);
    }

    private static IQueryable<AuditEntry> Apply(IQueryable<AuditEntry> query, AuditFilter filter)
    {
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            query = query.Where(e => e.Actor == filter.Actor.Trim());
        }
        if (!string.IsNullOrWhiteSpace(filter.Module))
        {
            query = query.Where(e => e.Module == filter.Module.Trim());
        }
        if (!string.IsNullOrWhiteSpace(filter.EntityType))
        {
            query = query.Where(e => e.EntityType == filter.EntityType.Trim());
        }
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var text = filter.Text.Trim().ToLower();
            query = query.Where(e => e.Action.ToLower().Contains(text)
                || (e.EntityId != null && e.EntityId.ToLower().Contains(text))
                || (e.Before != null && e.Before.ToLower().Contains(text))
                || (e.After != null && e.After.ToLower().Contains(text)));
        }
        if (filter.From is { } from)
        {
            var fromUtc = DateTime.SpecifyKind(from, DateTimeKind.Utc);
            query = query.Where(e => e.OccurredAt >= fromUtc);
        }
        if (filter.To is { } to)
        {
            var toUtc = DateTime.SpecifyKind(to, DateTimeKind.Utc);
            query = query.Where(e => e.OccurredAt < toUtc);
        }
        return query;
    }
}
