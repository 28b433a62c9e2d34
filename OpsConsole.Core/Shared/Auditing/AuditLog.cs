using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Modules;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Shared.Auditing;

public sealed record AuditFilter(
    string? Actor = null,
    string? Module = null,
    string? EntityType = null,
    string? Text = null,
    DateTime? From = null,
    DateTime? To = null);

/// <summary>The audit filters as a caller sends them, as text (a query string); <see cref="AuditLog.ReadFilter"/> checks them.</summary>
public sealed record AuditFilterInput(string? Actor, string? Module, string? Entity, string? Text, string? From, string? To);

/// <summary>Reads the audit log: filtered pages for the page and the API, and a stream for CSV export.</summary>
public sealed class AuditLog(IDbContextFactory<OpsDbContext> contexts, OpsModuleCatalog modules, TimeProvider time)
{
    public const int MaxActorLength = 256;
    public const int MaxEntityLength = 64;
    public const int MaxTextLength = 200;

    /// <summary>Checks a caller's filters; each error names its field.</summary>
    public AuditFilter ReadFilter(FieldErrors errors, AuditFilterInput input)
    {
        var module = errors.OptionalText("module", input.Module, 32);
        if (module is not null && !modules.IsKnown(module))
        {
            errors.Add("module", $"module must be one of {OpsNames.List(modules.Names)}.");
        }
        var filter = new AuditFilter(errors.OptionalText("actor", input.Actor, MaxActorLength), module,
            errors.OptionalText("entity", input.Entity, MaxEntityLength), errors.OptionalText("text", input.Text, MaxTextLength),
            errors.OptionalInstant("from", input.From), errors.OptionalInstant("to", input.To));
        if (filter.From > filter.To)
        {
            errors.Add("from", "from must be before to.");
        }
        return filter;
    }

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

    public async Task<Page<AuditEntry>> QueryAsync(AuditFilter filter, PageRequest page, CancellationToken ct = default)
    {
        page = page with { Page = Math.Clamp(page.Page, 1, PageRequest.MaxPage), PageSize = Math.Clamp(page.PageSize, 1, MaxPageSize) };
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = Apply(db.AuditEntries.AsNoTracking(), filter);
        return await query.PageAsync(q => q.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id), page, ct);
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

    /// <summary>The id of the newest entry (0 when there is none): where "new since this page loaded" starts counting.</summary>
    public async Task<long> NewestIdAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.AuditEntries.MaxAsync(e => (long?)e.Id, ct) ?? 0;
    }

    /// <summary>How many entries matching <paramref name="filter"/> were recorded after the entry <paramref name="afterId"/>.</summary>
    public async Task<int> CountNewerAsync(AuditFilter filter, long afterId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Apply(db.AuditEntries.AsNoTracking(), filter).CountAsync(e => e.Id > afterId, ct);
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
