using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Core.Sync;

/// <summary>
/// A first run's option (ADR 0037): pair source items with destination items that exist already instead of creating
/// them, matched by the sync's marker or by a mapped field (a natural key such as the title). Only unique matches link:
/// a key shared by two items on either side is left alone and said so. Linking writes the source's values to the
/// destination fields that differ (the plan shows them) and takes them as the bases, as a create would.
/// </summary>
public static class SyncLinking
{
    public const string ByMarker = "marker";

    /// <summary>Why <paramref name="linkBy"/> cannot be used on the connection (null: it can, or none was asked).</summary>
    public static string? Invalid(SyncConnection connection, string? linkBy) =>
        linkBy is null || linkBy == ByMarker || connection.FieldMap.Any(m => m.Source == linkBy && m.Direction != SyncDirection.ToSource) ? null
        : $"link_by must be {ByMarker} or a source field mapped to the destination ({string.Join(", ", connection.FieldMap.Where(m => m.Direction != SyncDirection.ToSource).Select(m => m.Source))}).";

    /// <summary>What a source item links to: the destination item, or why it does not link (null, null: no match).</summary>
    internal sealed class Matcher
    {
        private readonly Func<RemoteTask, string?> _sourceKey;
        private readonly ILookup<string, RemoteTask> _destination;
        private readonly HashSet<string> _sharedSourceKeys;
        private readonly string _how;

        public Matcher(SyncConnection connection, string linkBy, IEnumerable<RemoteTask> unpairedSources, IEnumerable<RemoteTask> unpairedDestinations)
        {
            Func<RemoteTask, string?> destinationKey;
            if (linkBy == ByMarker)
            {
                (_sourceKey, destinationKey, _how) = (s => connection.Marker(s.Id), d => SyncChangeDetector.Normalise(d[connection.Destination.MarkerField]), "its marker");
            }
            else
            {
                var m = connection.FieldMap.First(f => f.Source == linkBy && f.Direction != SyncDirection.ToSource);
                (_sourceKey, destinationKey, _how) = (s => SyncChangeDetector.ToDestination(m, s[m.Source]), d => SyncChangeDetector.Normalise(d[m.Destination]), m.Source);
            }
            _destination = unpairedDestinations.Where(d => !d.Archived && destinationKey(d) is not null).ToLookup(d => destinationKey(d)!, StringComparer.Ordinal);
            _sharedSourceKeys = unpairedSources.Select(_sourceKey).OfType<string>().GroupBy(k => k, StringComparer.Ordinal)
                .Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        }

        public (RemoteTask? Match, string? Note) For(RemoteTask source)
        {
            if (_sourceKey(source) is not { } key || !_destination.Contains(key))
            {
                return (null, null);
            }
            var matches = _destination[key].ToList();
            return matches.Count > 1 || _sharedSourceKeys.Contains(key)
                ? (null, $"not linked: more than one item has the same {_how} ('{key}'); link it by hand or rename one")
                : (matches[0], $"link: the existing {matches[0].Id} found by {_how}; nothing is created");
        }
    }
}
