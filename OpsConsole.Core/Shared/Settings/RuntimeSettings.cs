using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Shared.Settings;

/// <summary>
/// The runtime settings of every module (ADR 0021): what admins change while the console runs, stored in the database,
/// read by the services that use them. Each module declares its section (<c>AddOpsSettings</c>); a change is checked
/// field by field (every error at once, each naming its setting), saved with one audit line holding the values before
/// and after, applied at once on this instance and announced (<see cref="SettingsChanged"/>). Reads come from a
/// snapshot that is renewed every <see cref="RefreshAfter"/>, so other instances see a change within that time.
/// </summary>
public sealed class RuntimeSettings(IDbContextFactory<OpsDbContext> contexts, IEnumerable<SettingsSectionSource> sources, IServiceProvider services,
    AccountGate gate, IOpsEventStream events, TimeProvider time, ILogger<RuntimeSettings> logger)
{
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(30);
    public const string UpdateAction = "settings.update";

    private readonly Lazy<IReadOnlyList<(SettingsSection Section, SettingsSectionSource Source)>> _sections =
        new(() => sources.Select(s => (s.Build(services), s)).ToList());
    private readonly SemaphoreSlim _loading = new(1, 1);
    private Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyDictionary<string, SettingsValues> Values, DateTimeOffset LoadedAt);

    /// <summary>Every module's section, in the order the modules registered them.</summary>
    public IReadOnlyList<SettingsSection> Sections => _sections.Value.Select(s => s.Section).ToList();

    public SettingsSection? Find(string? module) => _sections.Value.Select(s => s.Section).FirstOrDefault(s => s.Module == module);

    /// <summary>A section's values now (the snapshot, renewed when older than <see cref="RefreshAfter"/>).</summary>
    public async ValueTask<SettingsValues> ReadAsync(string module, CancellationToken ct = default)
    {
        if (Find(module) is null)
        {
            throw new ArgumentException($"No settings section '{module}'.", nameof(module));
        }
        var snapshot = _snapshot;
        if (snapshot is null || time.GetUtcNow() - snapshot.LoadedAt > RefreshAfter)
        {
            snapshot = await ReloadAsync(force: false, ct);
        }
        return snapshot.Values[module];
    }

    /// <summary>
    /// A section's values as the database has them now (a new snapshot, applied on this instance when it changed): what
    /// a page reloads when another instance's change or a resync reaches it, rather than a snapshot up to 30 s old.
    /// </summary>
    public async Task<SettingsValues> ReadFreshAsync(string module, CancellationToken ct = default)
    {
        if (Find(module) is null)
        {
            throw new ArgumentException($"No settings section '{module}'.", nameof(module));
        }
        return (await ReloadAsync(force: true, ct)).Values[module];
    }

    public async Task<IReadOnlyList<SettingsValues>> ReadAllAsync(CancellationToken ct = default)
    {
        var all = new List<SettingsValues>();
        foreach (var section in Sections)
        {
            all.Add(await ReadAsync(section.Module, ct));
        }
        return all;
    }

    /// <summary>
    /// Changes some of a section's settings (admins only). Every value is checked first and all errors come back at
    /// once, each under its key; nothing is saved unless all are good. Values equal to the current ones change nothing
    /// and are not audited. <paramref name="action"/> names the audit line (default <see cref="UpdateAction"/>).
    /// </summary>
    public async Task<OpsResult<SettingsValues>> SaveAsync(Actor actor, string module, IReadOnlyDictionary<string, string?> changes,
        string? action = null, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        if (Find(module) is not { } section)
        {
            return OpsResult<SettingsValues>.NotFound($"No settings section '{module}'. Sections: {OpsNames.List(Sections.Select(s => s.Module).ToList())}.");
        }
        // The snapshot before the change, so that the change is applied on this instance when it is read back.
        await ReadAsync(module, ct);
        var errors = new FieldErrors();
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, text) in changes)
        {
            if (section.Find(key) is not { } definition)
            {
                errors.Add(key, $"{key} is not a {section.Title} setting; the settings are {OpsNames.List(section.Settings.Select(s => s.Key).ToList())}.");
            }
            else if (definition.Read(text, out var error) is { } value)
            {
                wanted[key] = value;
            }
            else
            {
                errors.Add(key, error!);
            }
        }
        if (errors.Any)
        {
            return errors.ToResult<SettingsValues>();
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.RuntimeSettings.Where(r => r.Module == module).ToDictionaryAsync(r => r.Key, StringComparer.Ordinal, ct);
        var current = new SettingsValues(section, rows);
        var changed = wanted.Where(w => current.Values[w.Key] != w.Value).Select(w => w.Key).ToList();
        if (changed.Count == 0)
        {
            return OpsResult<SettingsValues>.Ok(current);
        }
        var now = time.GetUtcNow();
        foreach (var key in changed)
        {
            if (!rows.TryGetValue(key, out var row))
            {
                row = new RuntimeSetting { Module = module, Key = key, Value = wanted[key], UpdatedBy = actor.Name };
                db.RuntimeSettings.Add(row);
            }
            row.Value = wanted[key];
            row.UpdatedAt = now.UtcDateTime;
            row.UpdatedBy = actor.Name;
        }
        db.Audit(actor, now, module, action ?? UpdateAction, "Settings", module,
            changed.ToDictionary(k => k, k => section.Find(k)!.Typed(current.Values[k])),
            changed.ToDictionary(k => k, k => section.Find(k)!.Typed(wanted[k])));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return OpsResult<SettingsValues>.Conflict($"The {section.Title} settings were changed by someone else at the same moment; nothing was saved. Look again.");
        }
        var values = (await ReloadAsync(force: true, ct)).Values[module];
        events.Publish(new SettingsChanged(module, changed, actor.Name));
        return OpsResult<SettingsValues>.Ok(values);
    }

    /// <summary>Reads every section's rows; a section whose values differ from the last snapshot is applied on this instance.</summary>
    private async Task<Snapshot> ReloadAsync(bool force, CancellationToken ct)
    {
        await _loading.WaitAsync(ct);
        try
        {
            var previous = _snapshot;
            if (!force && previous is not null && time.GetUtcNow() - previous.LoadedAt <= RefreshAfter)
            {
                return previous;
            }
            await using var db = await contexts.CreateDbContextAsync(ct);
            var rows = await db.RuntimeSettings.AsNoTracking().ToListAsync(ct);
            var values = _sections.Value.ToDictionary(s => s.Section.Module, s => new SettingsValues(s.Section,
                rows.Where(r => r.Module == s.Section.Module).ToDictionary(r => r.Key, StringComparer.Ordinal)), StringComparer.Ordinal);
            var snapshot = new Snapshot(values, time.GetUtcNow());
            _snapshot = snapshot;
            if (previous is not null)
            {
                foreach (var (section, source) in _sections.Value)
                {
                    if (source.Applied is { } apply && !previous.Values[section.Module].Values.SequenceEqual(values[section.Module].Values))
                    {
                        try
                        {
                            apply(services, values[section.Module]);
                        }
                        catch (Exception ex)
                        {
                            // The change is saved and audited; its service reads it again when it next loads.
                            logger.LogError(ex, "The {Module} settings changed but could not be applied on this instance", section.Module);
                        }
                    }
                }
            }
            return snapshot;
        }
        finally
        {
            _loading.Release();
        }
    }
}
