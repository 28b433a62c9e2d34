using System.Security.Cryptography;
using System.Text;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Core.Sync;

public enum SyncConflictState
{
    Open,
    Resolved,
}

/// <summary>How a supervisor settled a conflict: one side's value, or a value typed in (in the source's vocabulary).</summary>
public enum SyncConflictChoice
{
    Source,
    Destination,
    Value,
}

/// <summary>
/// A field both sides changed to different values under the manual policy, held for a supervisor (ADR 0037): the
/// values as the run saw them, the base they both left, each item's `updated_at`; while it is open the engine neither
/// opens it again nor pushes the field. Resolving writes the chosen value to the side(s) that lack it at once.
/// </summary>
public sealed class SyncConflict
{
    public const int MaxValueLength = 4000;

    public long Id { get; set; }
    public long ConnectionId { get; set; }
    public long PairId { get; set; }
    public string SourceId { get; set; } = "";
    public string DestinationId { get; set; } = "";
    /// <summary>The mapped field's key (<see cref="FieldMapping.Key"/>, `source>destination`).</summary>
    public string FieldKey { get; set; } = "";
    public string? BaseSource { get; set; }
    public string? BaseDestination { get; set; }
    public string? SourceValue { get; set; }
    public string? DestinationValue { get; set; }
    public DateTime SourceUpdatedAt { get; set; }
    public DateTime DestinationUpdatedAt { get; set; }
    public long? RunId { get; set; }
    public DateTime OpenedAt { get; set; }
    public SyncConflictState State { get; set; } = SyncConflictState.Open;
    public string? ResolvedBy { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public SyncConflictChoice? Choice { get; set; }
    /// <summary>The value chosen, on each side in its own vocabulary.</summary>
    public string? ChosenSource { get; set; }
    public string? ChosenDestination { get; set; }
}

/// <summary>
/// The hash of one side of an item: its mapped fields, normalised, in map order, and whether it is archived. Equal
/// hashes mean the sync has nothing new to see on that side (ADR 0037); a change of the map changes every hash.
/// </summary>
public static class SyncItemHash
{
    public static string Of(IEnumerable<string> fields, RemoteTask task)
    {
        var text = new StringBuilder();
        foreach (var field in fields)
        {
            // Length-prefixed so that no two different contents give the same text.
            var value = SyncChangeDetector.Normalise(task[field]);
            text.Append(field.Length).Append(':').Append(field).Append('=').Append(value is null ? "-" : $"{value.Length}:{value}").Append(';');
        }
        text.Append(task.Archived ? "archived" : "live");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }

    /// <summary>The source fields a connection reads: the mapped ones and the filter's (a change of it may select the item).</summary>
    public static IReadOnlyList<string> SourceFields(SyncConnection c) =>
        c.FieldMap.Select(m => m.Source).Append(c.Filter?.Field).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    public static IReadOnlyList<string> DestinationFields(SyncConnection c) => c.FieldMap.Select(m => m.Destination).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The pairing as planned: none, or its bases (the values last written or confirmed equal).</summary>
    public static string OfPair(SyncPair? pair)
    {
        if (pair is null)
        {
            return "unpaired";
        }
        var text = new StringBuilder(pair.DestinationId).Append('|').Append(pair.Archived);
        foreach (var (key, b) in pair.Bases.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            text.Append('|').Append(key).Append('=').Append(b.Source?.Length).Append(':').Append(b.Source).Append('/').Append(b.Destination?.Length).Append(':').Append(b.Destination);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }
}
