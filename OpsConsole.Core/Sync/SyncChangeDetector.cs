using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Core.Sync;

/// <summary>What the three-way comparison decided for one mapped field.</summary>
public enum FieldOutcome
{
    /// <summary>Neither side changed it since the base.</summary>
    Unchanged,
    /// <summary>The source's value goes to the destination (only the source changed, or a conflict the source won).</summary>
    ToDestination,
    /// <summary>The destination's value goes to the source.</summary>
    ToSource,
    /// <summary>Both sides changed it to the same value: nothing to push, the base moves.</summary>
    Converged,
    /// <summary>Both changed it to different values and the policy is manual: held for a supervisor.</summary>
    Conflict,
    /// <summary>It has an open conflict in the review queue: not compared, not pushed, its base kept, until a supervisor resolves it (ADR 0037).</summary>
    Held,
}

/// <summary>
/// One field's decision: the outcome, the value each side gets (in its own vocabulary), the policy that settled a
/// conflict (null when there was none) and the new base once the decision is carried out.
/// </summary>
public sealed record FieldDecision(FieldMapping Mapping, FieldOutcome Outcome, string? SourceValue, string? DestinationValue,
    ConflictPolicy? SettledBy, FieldBase NewBase)
{
    public bool Pushes => Outcome is FieldOutcome.ToDestination or FieldOutcome.ToSource;
}

/// <summary>
/// The engine's change detection, pure and directly tested (ADR 0034). For each mapped field a side changed it when its
/// normalised value differs from the base kept for that side; one side changed → its value goes across (where the
/// direction allows); both changed to the same value → no conflict; both changed differently → the field's policy
/// (or the connection's): source wins, destination wins, newest wins by each item's `updated_at` (a tie goes to the
/// source), or manual. The decision carries the new base: the values as they will stand on both sides once written,
/// so the sync's own writes never count as changes the next time.
/// </summary>
public static class SyncChangeDetector
{
    /// <summary>Trimmed; empty and whitespace are the same as no value.</summary>
    public static string? Normalise(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>A source value in the destination's vocabulary (values not in the map pass as they are).</summary>
    public static string? ToDestination(FieldMapping m, string? sourceValue)
    {
        var v = Normalise(sourceValue);
        return v is not null && m.Values is { } map && map.TryGetValue(v, out var mapped) ? mapped : v;
    }

    /// <summary>A destination value in the source's vocabulary: the value map read backwards (the first source value that maps to it).</summary>
    public static string? ToSource(FieldMapping m, string? destinationValue)
    {
        var v = Normalise(destinationValue);
        return v is not null && m.Values?.FirstOrDefault(p => p.Value == v) is { Key: { } key } ? key : v;
    }

    /// <summary>The decision for every mapped field of a paired item; the fields in <paramref name="held"/> (open conflicts) are held.</summary>
    public static IReadOnlyList<FieldDecision> Compare(IReadOnlyList<FieldMapping> map, ConflictPolicy connectionPolicy, RemoteTask source,
        RemoteTask destination, IReadOnlyDictionary<string, FieldBase> bases, IReadOnlySet<string>? held = null) =>
        map.Select(m => held?.Contains(m.Key) == true
            ? new FieldDecision(m, FieldOutcome.Held, Normalise(source[m.Source]), Normalise(destination[m.Destination]), null,
                bases.GetValueOrDefault(m.Key) ?? new FieldBase(null, null))
            : Decide(m, m.Policy ?? connectionPolicy, Normalise(source[m.Source]), Normalise(destination[m.Destination]),
                bases.GetValueOrDefault(m.Key), source.UpdatedAt, destination.UpdatedAt)).ToList();

    public static FieldDecision Decide(FieldMapping m, ConflictPolicy policy, string? s, string? d, FieldBase? @base,
        DateTime sourceUpdatedAt, DateTime destinationUpdatedAt)
    {
        (s, d) = (Normalise(s), Normalise(d));
        // A field with no base yet (a pair linked by marker, a field added to the map later) counts as equal when the
        // two sides already agree, and otherwise as changed on both sides: the direction or the policy decides.
        bool sourceChanged, destinationChanged;
        if (@base is null)
        {
            if (ToDestination(m, s) == d)
            {
                return new FieldDecision(m, FieldOutcome.Unchanged, s, d, null, new FieldBase(s, d));
            }
            (sourceChanged, destinationChanged, @base) = (true, true, new FieldBase(null, null));
        }
        else
        {
            sourceChanged = s != Normalise(@base.Source);
            destinationChanged = d != Normalise(@base.Destination);
        }
        var goesToDestination = m.Direction != SyncDirection.ToSource;
        var goesToSource = m.Direction != SyncDirection.ToDestination;

        FieldDecision Push(bool toDestination, ConflictPolicy? settledBy) => toDestination
            ? new FieldDecision(m, FieldOutcome.ToDestination, s, ToDestination(m, s), settledBy, new FieldBase(s, ToDestination(m, s)))
            : new FieldDecision(m, FieldOutcome.ToSource, ToSource(m, d), d, settledBy, new FieldBase(ToSource(m, d), d));
        FieldDecision Keep(FieldBase keptBase) => new(m, FieldOutcome.Unchanged, s, d, null, keptBase);

        if (!sourceChanged && !destinationChanged)
        {
            return Keep(@base);
        }
        if (sourceChanged && destinationChanged && ToDestination(m, s) == d)
        {
            return new FieldDecision(m, FieldOutcome.Converged, s, d, null, new FieldBase(s, d));
        }
        if (sourceChanged && !destinationChanged)
        {
            // A ← field: the source's own changes stay there; the base keeps the value last synced.
            return goesToDestination ? Push(true, null) : Keep(@base);
        }
        if (destinationChanged && !sourceChanged)
        {
            return goesToSource ? Push(false, null) : Keep(@base);
        }
        // Both changed, to different values. A one-way field has no conflict: its one side is the truth.
        if (m.Direction == SyncDirection.ToDestination)
        {
            return Push(true, null);
        }
        if (m.Direction == SyncDirection.ToSource)
        {
            return Push(false, null);
        }
        return policy switch
        {
            ConflictPolicy.SourceWins => Push(true, policy),
            ConflictPolicy.DestinationWins => Push(false, policy),
            // The tie rule: equal times (each side's own clock) go to the source, the system of record.
            ConflictPolicy.NewestWins => Push(sourceUpdatedAt >= destinationUpdatedAt, policy),
            _ => new FieldDecision(m, FieldOutcome.Conflict, s, d, policy, @base),
        };
    }

    /// <summary>A new item's fields for the destination (every field that goes there), and the bases of every mapped field.</summary>
    public static (Dictionary<string, string?> Fields, Dictionary<string, FieldBase> Bases) ForCreate(IReadOnlyList<FieldMapping> map, RemoteTask source)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        var bases = new Dictionary<string, FieldBase>(StringComparer.Ordinal);
        foreach (var m in map)
        {
            var s = Normalise(source[m.Source]);
            if (m.Direction == SyncDirection.ToSource)
            {
                // Nothing goes across; the base says the new item has no value there, so the next run sees no change.
                bases[m.Key] = new FieldBase(s, null);
                continue;
            }
            fields[m.Destination] = ToDestination(m, s);
            bases[m.Key] = new FieldBase(s, ToDestination(m, s));
        }
        return (fields, bases);
    }
}
