using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Settings;

namespace OpsConsole.Core.Yard;

/// <summary>What the poller finds stored when it starts.</summary>
public sealed record YardStoredState(YardSettings Settings, IReadOnlyDictionary<string, YardRuleSetting> Rules, YardView View, DateTime? ViewChangedAt);

/// <summary>
/// The poller's rows: its settings (runtime settings) and rule switches, and the unified view as stored when it changed (the newest
/// `Yard:KeptSnapshots` versions are kept).
/// </summary>
public sealed class YardViewStore(IDbContextFactory<OpsDbContext> contexts, RuntimeSettings runtimeSettings, YardOptions options)
{
    /// <summary>
    /// The stored view's own JSON, not the API's: rows written before the API's style was settled must still read, so
    /// it stays camelCase with enums by name.
    /// </summary>
    internal static readonly JsonSerializerOptions ViewJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public async Task<YardStoredState> LoadAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var settings = YardSettings.From(await runtimeSettings.ReadAsync(YardModule.Name, ct));
        var rules = await db.YardRules.AsNoTracking().ToDictionaryAsync(r => r.Name, StringComparer.Ordinal, ct);
        var last = await db.YardSnapshots.AsNoTracking().OrderByDescending(s => s.Id).FirstOrDefaultAsync(ct);
        var view = last is null ? YardView.Empty : JsonSerializer.Deserialize<YardView>(last.ViewJson, ViewJson) ?? YardView.Empty;
        return new YardStoredState(settings, rules, view, last?.TakenAt);
    }

    /// <summary>The newest stored view when it is newer than <paramref name="version"/> (another instance stored it), else null.</summary>
    public async Task<YardView?> LoadNewerAsync(long version, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var last = await db.YardSnapshots.AsNoTracking().Where(s => s.Version > version).OrderByDescending(s => s.Version).FirstOrDefaultAsync(ct);
        return last is null ? null : JsonSerializer.Deserialize<YardView>(last.ViewJson, ViewJson);
    }

    public async Task StoreAsync(YardView view, YardViewDiff diff, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.YardSnapshots.Add(new YardSnapshot
        {
            Version = view.Version, TakenAt = view.TakenAt, Added = diff.Added.Count, Removed = diff.Removed.Count, Changed = diff.Changed.Count,
            ViewJson = JsonSerializer.Serialize(view, ViewJson),
        });
        await db.SaveChangesAsync(ct);
        if (view.Version % options.KeptSnapshots == 0)
        {
            var keepFrom = view.Version - options.KeptSnapshots;
            await db.YardSnapshots.Where(s => s.Version <= keepFrom).ExecuteDeleteAsync(ct);
        }
    }
}
