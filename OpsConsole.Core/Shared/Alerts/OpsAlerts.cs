using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Modules;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Shared.Alerts;

/// <summary>
/// What a module reports: a cause (its key) is true now. <paramref name="Link"/> is the console page where someone acts
/// on it. Title, message, severity and link of an active occurrence follow the latest report.
/// </summary>
public sealed record AlertSignal(string Module, string Key, AlertSeverity Severity, string Title, string Message, string? Link = null);

/// <summary>The inbox's filters. <see cref="Active"/> is open or acknowledged (what still needs someone).</summary>
public sealed record AlertFilter(string? Module = null, AlertState? State = null, bool Active = false, AlertSeverity? Severity = null);

/// <summary>The inbox filters as a caller sends them (text from a query string); <see cref="OpsAlerts.ReadFilter"/> checks them.</summary>
public sealed record AlertFilterInput(string? Module, string? State, string? Severity);

public sealed record AlertCounts(int Open, int Acknowledged, int OpenCritical);

public sealed record AcknowledgeOutcome(IReadOnlyList<long> Acknowledged, IReadOnlyDictionary<long, string> Refused);

/// <summary>What one check of a module changed: occurrences opened, reported again, resolved.</summary>
public sealed record AlertReconcile(int Raised, int Repeated, int Resolved)
{
    public bool ChangedAnything => Raised + Repeated + Resolved > 0;
}

/// <summary>
/// The one alerts contract (ADR 0020). Modules raise a cause while it holds and clear it when it is gone, by
/// (module, key), from where they compute it; people acknowledge (operators and up, audited). Raising and clearing are
/// the console's own reports, not people's actions, so they are not audited: the alert rows are their record.
/// </summary>
public sealed class OpsAlerts(IDbContextFactory<OpsDbContext> contexts, IOpsEventStream events, OpsModuleCatalog modules, TimeProvider time, AccountGate gate)
{
    public const int MaxPageSize = 500;
    public const int MaxBulk = 500;
    public const string ActiveState = "active";

    /// <summary>The state filter that lets every state through, as the inbox's address writes it (absent means the same to the API).</summary>
    public const string AnyState = "all";

    /// <summary>The cause holds: opens an occurrence, or grows the active one's count and last-seen.</summary>
    public async Task<Alert> RaiseAsync(AlertSignal signal, CancellationToken ct = default)
    {
        signal = Checked(signal);
        var activeKey = Alert.ActiveKeyOf(signal.Module, signal.Key);
        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow().UtcDateTime;
            await using var db = await contexts.CreateDbContextAsync(ct);
            var active = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.ActiveKey == activeKey, ct);
            if (active is not null)
            {
                // One statement, so two reports at once both count and an acknowledgement meanwhile is kept.
                var grown = await db.Alerts.Where(a => a.Id == active.Id && a.ActiveKey == activeKey).ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.Count, a => a.Count + 1)
                    .SetProperty(a => a.LastSeenAt, now)
                    .SetProperty(a => a.Severity, signal.Severity)
                    .SetProperty(a => a.Title, signal.Title)
                    .SetProperty(a => a.Message, signal.Message)
                    .SetProperty(a => a.Link, signal.Link), ct);
                if (grown == 1)
                {
                    Publish([active.Id], AlertChange.Repeated, [signal.Module]);
                    return await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == active.Id, ct);
                }
                continue; // resolved between the read and the update: this report opens a new occurrence
            }
            var alert = new Alert
            {
                Module = signal.Module, Key = signal.Key, Severity = signal.Severity, Title = signal.Title, Message = signal.Message,
                Link = signal.Link, State = AlertState.Open, FirstSeenAt = now, LastSeenAt = now, Count = 1, ActiveKey = activeKey,
            };
            db.Alerts.Add(alert);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                continue; // another report of the same cause opened it first: grow that one
            }
            Publish([alert.Id], AlertChange.Raised, [signal.Module]);
            return alert;
        }
    }

    /// <summary>The cause is gone: resolves its active occurrence (open or acknowledged). False when none was active.</summary>
    public async Task<bool> ClearAsync(string module, string key, CancellationToken ct = default)
    {
        var activeKey = Alert.ActiveKeyOf(module, key);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var alert = await db.Alerts.FirstOrDefaultAsync(a => a.ActiveKey == activeKey, ct);
            if (alert is null)
            {
                return false;
            }
            var move = AlertTransitions.Alert.Apply(alert.State, AlertMove.Resolve, $"Alert {alert.Id}");
            alert.State = move.To;
            alert.ResolvedAt = time.GetUtcNow().UtcDateTime;
            alert.ActiveKey = null;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                continue; // acknowledged meanwhile: resolve it as acknowledged
            }
            Publish([alert.Id], AlertChange.Resolved, [module]);
            return true;
        }
    }

    /// <summary>
    /// One check of a module that computes all of its causes at once: raises each of <paramref name="current"/> and
    /// resolves the module's active alerts whose key starts with <paramref name="keyPrefix"/> and that it no longer reports.
    /// </summary>
    public async Task<AlertReconcile> ReconcileAsync(string module, IReadOnlyCollection<AlertSignal> current, string keyPrefix = "",
        CancellationToken ct = default)
    {
        if (current.Any(s => s.Module != module || !s.Key.StartsWith(keyPrefix, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"Every signal of a {module} check must be of {module} with a key starting '{keyPrefix}'.", nameof(current));
        }
        List<string> activeKeys;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            activeKeys = await db.Alerts.AsNoTracking().Where(a => a.Module == module && a.ActiveKey != null && a.Key.StartsWith(keyPrefix))
                .Select(a => a.Key).ToListAsync(ct);
        }
        var (raised, repeated, resolved) = (0, 0, 0);
        foreach (var signal in current.DistinctBy(s => s.Key))
        {
            if (activeKeys.Contains(signal.Key))
            {
                repeated++;
            }
            else
            {
                raised++;
            }
            await RaiseAsync(signal, ct);
        }
        var reported = current.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var key in activeKeys.Where(k => !reported.Contains(k)))
        {
            resolved += await ClearAsync(module, key, ct) ? 1 : 0;
        }
        return new AlertReconcile(raised, repeated, resolved);
    }

    /// <summary>Acknowledges one alert: 404 when there is none, 409 when it is not open (already acknowledged, or resolved).</summary>
    public async Task<OpsResult<Alert>> AcknowledgeAsync(Actor actor, long id, CancellationToken ct = default)
    {
        var outcome = await AcknowledgeAsync(actor, [id], ct);
        if (!outcome.Succeeded)
        {
            return OpsResult<Alert>.Invalid(outcome.Errors);
        }
        if (outcome.Value!.Refused.TryGetValue(id, out var why))
        {
            return why == NotFound ? OpsResult<Alert>.NotFound($"No alert {id}.") : OpsResult<Alert>.Conflict(why);
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        return OpsResult<Alert>.Ok(await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == id, ct));
    }

    /// <summary>
    /// Acknowledges several alerts in one transaction, each with its audit line (`alert.acknowledge` under the alert's
    /// module); the ones that cannot be (gone, not open) are refused with the reason and the rest go through.
    /// </summary>
    public async Task<OpsResult<AcknowledgeOutcome>> AcknowledgeAsync(Actor actor, IReadOnlyList<long> ids, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        if (ids.Count == 0)
        {
            return OpsResult<AcknowledgeOutcome>.Invalid("ids", "Name at least one alert to acknowledge.");
        }
        if (ids.Count > MaxBulk)
        {
            return OpsResult<AcknowledgeOutcome>.Invalid("ids", $"Acknowledge at most {MaxBulk} alerts at once.");
        }
        var wanted = ids.Distinct().ToList();
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await db.Alerts.Where(a => wanted.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var refused = new Dictionary<long, string>();
        var done = new List<Alert>();
        foreach (var id in wanted)
        {
            if (!found.TryGetValue(id, out var alert))
            {
                refused[id] = NotFound;
                continue;
            }
            var move = AlertTransitions.Alert.Apply(alert.State, AlertMove.Acknowledge, $"Alert {id}");
            if (!move.Allowed)
            {
                refused[id] = move.Refusal!;
                continue;
            }
            alert.State = move.To;
            alert.AcknowledgedBy = actor.Name;
            alert.AcknowledgedAt = now.UtcDateTime;
            db.Audit(actor, now, alert.Module, "alert.acknowledge", "Alert", id.ToString(),
                new { state = AlertState.Open.Wire(), alert.Key, alert.Count }, new { state = alert.State.Wire(), alert.Title });
            done.Add(alert);
        }
        if (done.Count > 0)
        {
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return OpsResult<AcknowledgeOutcome>.Conflict("An alert was resolved or acknowledged meanwhile; nothing was acknowledged. Look again.");
            }
            Publish(done.Select(a => a.Id).ToList(), AlertChange.Acknowledged, done.Select(a => a.Module).Distinct().ToList());
        }
        return OpsResult<AcknowledgeOutcome>.Ok(new AcknowledgeOutcome(done.Select(a => a.Id).ToList(), refused));
    }

    /// <summary>Checks a caller's filters; each error names its field.</summary>
    public AlertFilter ReadFilter(FieldErrors errors, AlertFilterInput input)
    {
        var module = errors.OptionalText("module", input.Module, 32);
        if (module is not null && !modules.IsKnown(module))
        {
            errors.Add("module", $"module must be one of {OpsNames.List(modules.Names)}.");
        }
        var active = string.Equals(input.State?.Trim(), ActiveState, StringComparison.OrdinalIgnoreCase);
        var any = string.Equals(input.State?.Trim(), AnyState, StringComparison.OrdinalIgnoreCase);
        AlertState? state = null;
        if (!active && !any && !string.IsNullOrWhiteSpace(input.State))
        {
            var states = new FieldErrors();
            state = states.OptionalChoice<AlertState>("state", input.State);
            if (states.Any)
            {
                errors.Add("state", $"state must be one of {OpsNames.List([.. Enum.GetValues<AlertState>().Select(s => s.Wire()), ActiveState, AnyState])}.");
            }
        }
        return new AlertFilter(module, state, active, errors.OptionalChoice<AlertSeverity>("severity", input.Severity));
    }

    /// <summary>The inbox: newest occurrence first.</summary>
    public async Task<Page<Alert>> QueryAsync(AlertFilter filter, PageRequest page, CancellationToken ct = default)
    {
        page = page with { Page = Math.Clamp(page.Page, 1, PageRequest.MaxPage), PageSize = Math.Clamp(page.PageSize, 1, MaxPageSize) };
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Alerts.AsNoTracking();
        if (filter.Module is { } module)
        {
            query = query.Where(a => a.Module == module);
        }
        if (filter.Active)
        {
            query = query.Where(a => a.ActiveKey != null);
        }
        else if (filter.State is { } state)
        {
            query = query.Where(a => a.State == state);
        }
        if (filter.Severity is { } severity)
        {
            query = query.Where(a => a.Severity == severity);
        }
        return await query.PageAsync(q => q.OrderByDescending(a => a.FirstSeenAt).ThenByDescending(a => a.Id), page, ct);
    }

    /// <summary>For the badge and the dashboard: open (nobody on it yet), acknowledged, and open critical.</summary>
    public async Task<AlertCounts> CountsAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var byState = await db.Alerts.AsNoTracking().Where(a => a.ActiveKey != null)
            .GroupBy(a => new { a.State, a.Severity }).Select(g => new { g.Key.State, g.Key.Severity, Count = g.Count() }).ToListAsync(ct);
        return new AlertCounts(byState.Where(c => c.State == AlertState.Open).Sum(c => c.Count),
            byState.Where(c => c.State == AlertState.Acknowledged).Sum(c => c.Count),
            byState.Where(c => c.State == AlertState.Open && c.Severity == AlertSeverity.Critical).Sum(c => c.Count));
    }

    private const string NotFound = "not found";

    private AlertSignal Checked(AlertSignal signal)
    {
        if (!modules.IsKnown(signal.Module))
        {
            throw new ArgumentException($"Alerts are raised by a registered module, not '{signal.Module}'.", nameof(signal));
        }
        if (signal.Key.Length is 0 or > Alert.MaxKeyLength || signal.Title.Length is 0 or > Alert.MaxTitleLength
            || signal.Link?.Length > Alert.MaxLinkLength || (signal.Link is { } link && !link.StartsWith('/')))
        {
            throw new ArgumentException($"Alert {signal.Module}/{signal.Key}: the key (1-{Alert.MaxKeyLength}), title (1-{Alert.MaxTitleLength}) " +
                $"or link (a console path up to {Alert.MaxLinkLength}) is out of bounds.", nameof(signal));
        }
        // A message grows with what it lists (branches, rules); the start of it is what a person reads.
        return signal.Message.Length <= Alert.MaxMessageLength ? signal : signal with { Message = signal.Message[..(Alert.MaxMessageLength - 1)] + "…" };
    }

    private void Publish(IReadOnlyList<long> ids, AlertChange change, IReadOnlyList<string> modulesTouched) =>
        events.Publish(new AlertsChanged(ids, change, modulesTouched));
}
