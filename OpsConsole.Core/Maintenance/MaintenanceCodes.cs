using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

public sealed record CodeInput(string? Kind, string? Code, string? Label, bool? Planned, bool? Active);

/// <summary>The codes admins keep: downtime reasons, and a failure's problem, cause and remedy (chosen when a ticket is resolved).</summary>
public sealed class MaintenanceCodes(IDbContextFactory<OpsDbContext> contexts, TimeProvider time, AccountGate gate, IOpsEventStream events)
{
    public const int MaxCodeLength = 32;

    public async Task<IReadOnlyList<MaintenanceCode>> ListAsync(CodeKind? kind = null, bool activeOnly = false, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.MaintenanceCodes.AsNoTracking();
        if (kind is { } k)
        {
            query = query.Where(c => c.Kind == k);
        }
        if (activeOnly)
        {
            query = query.Where(c => c.Active);
        }
        return (await query.ToListAsync(ct)).OrderBy(c => c.Kind).ThenBy(c => c.Code, StringComparer.Ordinal).ToList();
    }

    /// <summary>Adds one new code (the codes page's "New code"): as <see cref="UpsertAsync"/>, but an existing code is refused, naming it.</summary>
    public async Task<OpsResult<int>> CreateAsync(Actor actor, CodeInput code, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var kind = Enum.GetValues<CodeKind>().Where(k => k.Wire() == code.Kind?.Trim()).Select(k => (CodeKind?)k).FirstOrDefault();
        var text = code.Code?.Trim();
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            if (kind is { } k && !string.IsNullOrEmpty(text) && await db.MaintenanceCodes.AnyAsync(c => c.Kind == k && c.Code == text, ct))
            {
                var errors = new FieldErrors();
                errors.Add("code", $"{k.Wire()} code '{text}' already exists; edit it instead.");
                return errors.ToResult<int>();
            }
        }
        return await UpsertAsync(actor, [code], ct);
    }

    /// <summary>Adds or changes codes (admins), all or none: a code is never deleted (periods and tickets name it), only made inactive.</summary>
    public async Task<OpsResult<int>> UpsertAsync(Actor actor, IReadOnlyList<CodeInput> codes, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var errors = new FieldErrors();
        if (codes.Count is 0 or > 500)
        {
            errors.Add("body", "Send between 1 and 500 codes.");
        }
        var parsed = new List<(CodeKind Kind, string Code, string Label, bool? Planned, bool? Active)>();
        for (var i = 0; i < codes.Count && i < 500; i++)
        {
            var c = codes[i];
            var prefix = codes.Count == 1 ? "" : $"[{i}].";
            var kind = errors.OptionalChoice<CodeKind>(prefix + "kind", c.Kind);
            if (kind is null && string.IsNullOrWhiteSpace(c.Kind))
            {
                errors.Add(prefix + "kind", "kind is required: reason, problem, cause or remedy.");
            }
            var code = c.Code?.Trim() ?? "";
            if (code.Length == 0 || code.Length > MaxCodeLength || !code.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.'))
            {
                errors.Add(prefix + "code", $"code is required: up to {MaxCodeLength} letters, digits, '-', '_' or '.'.");
            }
            errors.Required(prefix + "label", c.Label, 200);
            if (kind is { } k)
            {
                parsed.Add((k, code, c.Label?.Trim() ?? "", c.Planned, c.Active));
            }
        }
        if (errors.Any)
        {
            return errors.ToResult<int>();
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var existing = await db.MaintenanceCodes.ToListAsync(ct);
        foreach (var (kind, code, label, planned, active) in parsed)
        {
            var row = existing.FirstOrDefault(e => e.Kind == kind && e.Code == code);
            var before = row is null ? null : new { row.Label, row.Planned, row.Active };
            if (row is null)
            {
                row = new MaintenanceCode { Kind = kind, Code = code, Label = label };
                db.MaintenanceCodes.Add(row);
                existing.Add(row);
            }
            row.Label = label;
            row.Planned = planned ?? row.Planned;
            row.Active = active ?? row.Active;
            db.Audit(actor, time.GetUtcNow(), MaintenanceModule.Name, "code.upsert", "MaintenanceCode", $"{kind.Wire()}:{code}", before,
                new { row.Label, row.Planned, row.Active });
        }
        await db.SaveChangesAsync(ct);
        events.Publish(new CodesChanged(parsed.Select(p => p.Kind).Distinct().ToList()));
        return OpsResult<int>.Ok(parsed.Count);
    }

    /// <summary>
    /// How often each code is named: a reason by downtime periods, a problem, cause or remedy by resolved tickets. Codes are
    /// never deleted, so the codes page shows this to tell an admin which ones are in use before making one inactive.
    /// </summary>
    public async Task<IReadOnlyDictionary<(CodeKind Kind, string Code), int>> UsageAsync(CodeKind? kind = null, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var usage = new Dictionary<(CodeKind, string), int>();
        async Task CountAsync(CodeKind k, IQueryable<string?> named)
        {
            if (kind is { } only && only != k)
            {
                return;
            }
            foreach (var row in await named.Where(c => c != null).GroupBy(c => c).Select(g => new { Code = g.Key!, Count = g.Count() }).ToListAsync(ct))
            {
                usage[(k, row.Code)] = row.Count;
            }
        }
        await CountAsync(CodeKind.Reason, db.DowntimePeriods.Select(p => p.ReasonCode));
        await CountAsync(CodeKind.Problem, db.Tickets.Select(t => t.ProblemCode));
        await CountAsync(CodeKind.Cause, db.Tickets.Select(t => t.CauseCode));
        await CountAsync(CodeKind.Remedy, db.Tickets.Select(t => t.RemedyCode));
        return usage;
    }

    /// <summary>An optional code of a kind: absent is null; otherwise it must be an active code of that kind.</summary>
    internal static async Task<string?> CheckAsync(OpsDbContext db, FieldErrors errors, string field, CodeKind kind, string? code, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }
        var trimmed = code.Trim();
        if (!await db.MaintenanceCodes.AnyAsync(c => c.Kind == kind && c.Code == trimmed && c.Active, ct))
        {
            var known = await db.MaintenanceCodes.Where(c => c.Kind == kind && c.Active).Select(c => c.Code).OrderBy(c => c).Take(20).ToListAsync(ct);
            errors.Add(field, $"{field} '{trimmed}' is not a {kind.Wire()} code{(known.Count == 0 ? " (none are defined)" : $"; known: {string.Join(", ", known)}")}.");
            return null;
        }
        return trimmed;
    }
}
