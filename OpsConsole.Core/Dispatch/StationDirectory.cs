using OpsConsole.Core.Shared.Identity;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Dispatch;

/// <summary>
/// Station names where they are known. Suggestions and tasks carry only ids (as the seed's API does); pages show
/// "name (#id)" through this directory, which keeps the small table in memory until a supervisor changes it.
/// </summary>
public sealed class StationDirectory(IDbContextFactory<OpsDbContext> contexts, TimeProvider time, AccountGate gate)
{
    public const int MaxNameLength = 200;
    private volatile IReadOnlyDictionary<int, string>? _names;

    public async Task<IReadOnlyDictionary<int, string>> NamesAsync(CancellationToken ct = default)
    {
        if (_names is { } cached)
        {
            return cached;
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var names = await db.Stations.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        _names = names;
        return names;
    }

    public static string Describe(IReadOnlyDictionary<int, string>? names, int id) =>
        names is not null && names.TryGetValue(id, out var name) ? $"{name} (#{id})" : $"#{id}";

    /// <summary>Adds or renames stations; all or nothing, audited.</summary>
    public async Task<OpsResult<int>> UpsertAsync(Actor actor, IReadOnlyList<Station> stations, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Supervise, ct);
        var errors = new FieldErrors();
        if (stations.Count is 0 or > 10_000)
        {
            errors.Add("body", "Send between 1 and 10000 stations.");
        }
        for (var i = 0; i < stations.Count; i++)
        {
            if (stations[i].Id <= 0)
            {
                errors.Add($"[{i}].id", "id must be a positive station id.");
            }
            if (string.IsNullOrWhiteSpace(stations[i].Name))
            {
                errors.Add($"[{i}].name", "name is required.");
            }
            errors.MaxLength($"[{i}].name", stations[i].Name, MaxNameLength);
        }
        if (stations.GroupBy(s => s.Id).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            errors.Add("id", $"Station {duplicate.Key} is listed more than once.");
        }
        if (errors.Any)
        {
            return errors.ToResult<int>();
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var ids = stations.Select(s => s.Id).ToList();
        var existing = await db.Stations.Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var renamed = new Dictionary<int, string>();
        foreach (var station in stations)
        {
            if (existing.TryGetValue(station.Id, out var known))
            {
                if (known.Name != station.Name.Trim())
                {
                    renamed[known.Id] = known.Name;
                }
                known.Name = station.Name.Trim();
            }
            else
            {
                db.Stations.Add(new Station { Id = station.Id, Name = station.Name.Trim() });
            }
        }
        // The names before: one station's old name, or a batch's renames by id (new stations had none).
        object? before = stations.Count == 1
            ? existing.TryGetValue(stations[0].Id, out var was) ? new { Name = renamed.GetValueOrDefault(was.Id, was.Name) } : null
            : renamed.Count > 0 ? new { Renamed = renamed } : null;
        db.Audit(actor, time.GetUtcNow(), DispatchModule.Name, "station.upsert", "Station",
            stations.Count == 1 ? stations[0].Id.ToString() : $"{stations.Count} stations", before,
            stations.Count == 1 ? new { Name = stations[0].Name.Trim() } : new { Count = stations.Count, Added = stations.Count(s => !existing.ContainsKey(s.Id)), Renamed = renamed.Count });
        await db.SaveChangesAsync(ct);
        _names = null;
        return OpsResult<int>.Ok(stations.Count);
    }
}
