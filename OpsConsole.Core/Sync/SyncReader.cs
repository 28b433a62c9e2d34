using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Core.Sync;

/// <summary>How the engine calls a task system (its 429 handling), lent to the classes that read for it.</summary>
internal interface ISyncCaller
{
    Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken ct);
}

/// <summary>
/// One item's work: both sides as read, its pairing, an open create intent, the field decisions and the planned action.
/// <see cref="Recorded"/>: a skip that still gets a history line (an applied plan's item that changed since planning).
/// </summary>
/// <see cref="LinkTo"/>: an add that pairs with this existing destination item instead of creating one (<see cref="SyncLinking"/>).
internal sealed record ItemWork(string SourceId, RemoteTask? Source, RemoteTask? Destination, SyncPair? Pair, SyncCreateIntent? Intent,
    IReadOnlyList<FieldDecision> Decisions, PlannedItem Plan, bool Recorded = false, RemoteTask? LinkTo = null);

/// <summary>What a run is about to do: every item's work, the cursors it may move to, and the connection's live pairs (for the delete guard).</summary>
internal sealed record Snapshot(IReadOnlyList<ItemWork> Work, DateTime? SourceHighWater, DateTime? DestinationHighWater, int LivePairs);

/// <summary>
/// Reading and deciding, shared by runs, dry runs and applied plans (ADR 0034, 0037): reads both sides changed since
/// their cursors minus the overlap, drops re-reads whose hashes match the pairing's, pairs the items and decides each
/// one, holding the fields with an open conflict. <see cref="RecheckAsync"/> does the same for a plan's items, one by one.
/// </summary>
internal sealed class SyncReader(IDbContextFactory<OpsDbContext> contexts, TaskSystemAdapters adapters, SyncOptions options, ISyncCaller calls)
{
    public const string UnchangedNote = "unchanged since it was last synced (same hashes)";
    public const string ChangedSincePlanning = "changed since planning";

    public async Task<Snapshot> ReadAsync(SyncConnection connection, string? linkBy, CancellationToken ct)
    {
        var source = adapters.For(connection.Source);
        var destination = adapters.For(connection.Destination);
        var overlap = TimeSpan.FromSeconds(options.OverlapSeconds);
        var sourceItems = await ReadAllAsync(source, connection.SourceCursor - overlap, "source", ct);
        var destinationItems = await ReadAllAsync(destination, connection.DestinationCursor - overlap, "destination", ct);

        var known = await KnownAsync(connection.Id, ct);
        var (sourceFields, destinationFields) = (SyncItemHash.SourceFields(connection), SyncItemHash.DestinationFields(connection));
        var sourceById = sourceItems.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var destinationById = destinationItems.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

        // Paired items changed only at the destination: read their source side too; a re-read that hashes the same is
        // an unchanged item, skipped without fetching its other side.
        var work = new List<ItemWork>();
        foreach (var d in destinationById.Values)
        {
            if (!known.ByDestination.TryGetValue(d.Id, out var pair) || sourceById.ContainsKey(pair.SourceId))
            {
                continue;
            }
            if (pair.DestinationHash is { } kept && kept == SyncItemHash.Of(destinationFields, d) && pair.SourceHash is not null)
            {
                work.Add(new ItemWork(pair.SourceId, null, d, pair, null, [], new PlannedItem(pair.SourceId, pair.DestinationId, SyncAction.Skip, [], UnchangedNote)));
            }
            else if ((LastKnown(connection, pair, SyncSide.Source, sourceFields) ?? await calls.CallAsync(() => source.GetAsync(pair.SourceId, ct), ct)) is { } s)
            {
                sourceById[s.Id] = s;
            }
        }
        foreach (var s in sourceById.Values.OrderBy(t => t.Id, StringComparer.Ordinal))
        {
            var pair = known.BySource.GetValueOrDefault(s.Id);
            var sourceHash = SyncItemHash.Of(sourceFields, s);
            var read = pair is null ? null : destinationById.GetValueOrDefault(pair.DestinationId);
            if (pair is { SourceHash: { } kept, DestinationHash: { } keptDestination } && kept == sourceHash
                && (read is null || keptDestination == SyncItemHash.Of(destinationFields, read)))
            {
                // An overlap re-read (or the other side's re-read): nothing new on either side, no fetch, no comparison.
                work.Add(new ItemWork(s.Id, s, read, pair, null, [], new PlannedItem(s.Id, pair.DestinationId, SyncAction.Skip, [], UnchangedNote)));
                continue;
            }
            var d = pair is null ? null
                : read ?? LastKnown(connection, pair, SyncSide.Destination, destinationFields) ?? await calls.CallAsync(() => destination.GetAsync(pair.DestinationId, ct), ct);
            work.Add(Hashed(connection, Decide(connection, s, d, pair, known.Intents.GetValueOrDefault(s.Id), known.Held(pair))));
        }
        if (linkBy is not null && work.Any(w => w.Plan.Action == SyncAction.Add))
        {
            work = await LinkAsync(connection, linkBy, work, known, destination, ct);
        }
        work.Sort((a, b) => string.CompareOrdinal(a.SourceId, b.SourceId));
        return new Snapshot(work, sourceItems.Count == 0 ? null : sourceItems.Max(t => t.UpdatedAt),
            destinationItems.Count == 0 ? null : destinationItems.Max(t => t.UpdatedAt), known.LivePairs);
    }

    /// <summary>
    /// A plan's items against both sides as they are now and the bases as stored: an item whose sides and pairing hash
    /// as planned (and whose decision is the same) is carried out; any other is reported as changed since planning and
    /// left alone, not planned again. Skips are not read again (there is nothing to carry out). Cursors do not move.
    /// </summary>
    public async Task<Snapshot> RecheckAsync(SyncConnection connection, SyncPlan plan, CancellationToken ct)
    {
        var source = adapters.For(connection.Source);
        var destination = adapters.For(connection.Destination);
        var known = await KnownAsync(connection.Id, ct);
        var work = new List<ItemWork>();
        foreach (var item in plan.Items)
        {
            if (item.Action == SyncAction.Skip)
            {
                work.Add(new ItemWork(item.SourceId, null, null, null, null, [], item));
                continue;
            }
            var s = await calls.CallAsync(() => source.GetAsync(item.SourceId, ct), ct);
            var pair = known.BySource.GetValueOrDefault(item.SourceId);
            var linkTo = item.Action == SyncAction.Add ? item.DestinationId : null;
            var d = (pair?.DestinationId ?? linkTo) is { } destinationId ? await calls.CallAsync(() => destination.GetAsync(destinationId, ct), ct) : null;
            var reasons = new List<string>();
            ItemWork? now = null;
            if (s is null)
            {
                reasons.Add("the source item is gone");
            }
            else
            {
                now = Hashed(connection, Decide(connection, s, d, pair, known.Intents.GetValueOrDefault(s.Id), known.Held(pair)));
                if (linkTo is not null && now.Plan.Action == SyncAction.Add && d is not null)
                {
                    // A planned link stays a link (a fresh decision knows nothing of the link key).
                    now = now with { LinkTo = d, Plan = now.Plan with { DestinationId = d.Id, Fields = item.Fields, Note = item.Note } };
                    if (known.ByDestination.ContainsKey(d.Id))
                    {
                        reasons.Add($"the destination item {d.Id} was paired meanwhile");
                    }
                }
                if (now.Plan.SourceHash != item.SourceHash)
                {
                    reasons.Add("the source item changed");
                }
                if (now.Plan.DestinationHash != item.DestinationHash)
                {
                    reasons.Add(d is null && (pair ?? (object?)linkTo) is not null ? "the destination item is gone" : "the destination item changed");
                }
                if (now.Plan.BaseHash != item.BaseHash)
                {
                    reasons.Add("its pairing changed (another run, or a resolved conflict)");
                }
                if (reasons.Count == 0 && now.Plan.Action != item.Action)
                {
                    reasons.Add($"it would now be {now.Plan.Action.Wire()}");
                }
            }
            work.Add(reasons.Count == 0 ? now!
                : new ItemWork(item.SourceId, s, d, pair, null, [], item with { Action = SyncAction.Skip, Note = $"{ChangedSincePlanning}: {string.Join("; ", reasons)} (planned: {item.Action.Wire()})" },
                    Recorded: true));
        }
        return new Snapshot(work, null, null, known.LivePairs);
    }

    private enum SyncSide { Source, Destination }

    /// <summary>
    /// One side of a pair as it was last committed, without asking its system: an item that side did not list as changed
    /// since its cursor (minus the overlap) has not changed since, and the pair's bases hold its mapped values; taken only
    /// when they reproduce it exactly (the same hash as the pair's), else null and the item is read (held conflicts, a
    /// field mapped since, a filter field). Its time is the side's cursor, an upper bound of its real one (ADR 0037).
    /// An item deleted there meanwhile shows when the run writes to it ("is gone"), as an item error.
    /// </summary>
    private static RemoteTask? LastKnown(SyncConnection connection, SyncPair pair, SyncSide side, IReadOnlyList<string> hashFields)
    {
        var (kept, cursor) = side == SyncSide.Source ? (pair.SourceHash, connection.SourceCursor) : (pair.DestinationHash, connection.DestinationCursor);
        if (kept is null || cursor is not { } at)
        {
            return null;
        }
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var m in connection.FieldMap)
        {
            if (!pair.Bases.TryGetValue(m.Key, out var b))
            {
                return null;
            }
            fields[side == SyncSide.Source ? m.Source : m.Destination] = side == SyncSide.Source ? b.Source : b.Destination;
        }
        var task = side == SyncSide.Source
            ? new RemoteTask(pair.SourceId, fields, at, pair.SourceVersion, pair.Archived)
            : new RemoteTask(pair.DestinationId, fields, at, pair.DestinationVersion, pair.Archived);
        return SyncItemHash.Of(hashFields, task) == kept ? task : null;
    }

    /// <summary>The adds that find an existing destination item by the link key become links (or skips when the key is shared).</summary>
    private async Task<List<ItemWork>> LinkAsync(SyncConnection connection, string linkBy, List<ItemWork> work, Known known, ITaskSystemAdapter destination,
        CancellationToken ct)
    {
        // Every destination item, not only the changed ones: what to link to may be old.
        var unpaired = (await ReadAllAsync(destination, null, "destination", ct)).Where(d => !known.ByDestination.ContainsKey(d.Id));
        var adds = work.Where(w => w.Plan.Action == SyncAction.Add && w.Intent is null).ToList();
        var matcher = new SyncLinking.Matcher(connection, linkBy, adds.Select(w => w.Source!), unpaired);
        return work.Select(w =>
        {
            if (w.Plan.Action != SyncAction.Add || w.Intent is not null)
            {
                return w;
            }
            var (link, note) = matcher.For(w.Source!);
            if (note is null)
            {
                return w;
            }
            return link is { } match
                ? Hashed(connection, w with { Destination = match, LinkTo = match, Plan = w.Plan with { DestinationId = match.Id, Fields = LinkDiffs(connection, w.Source!, match), Note = note } })
                : w with { Plan = w.Plan with { Action = SyncAction.Skip, Fields = [], Note = note } };
        }).ToList();
    }

    /// <summary>The fields a link writes: where the existing destination item differs from the source's value.</summary>
    private static List<FieldDiff> LinkDiffs(SyncConnection connection, RemoteTask source, RemoteTask existing)
    {
        var (fields, _) = SyncChangeDetector.ForCreate(connection.FieldMap, source);
        return connection.FieldMap.Where(m => fields.ContainsKey(m.Destination) && SyncChangeDetector.Normalise(existing[m.Destination]) != fields[m.Destination])
            .Select(m => new FieldDiff(m.Key, SyncDirection.ToDestination, SyncChangeDetector.Normalise(existing[m.Destination]), fields[m.Destination])).ToList();
    }

    /// <summary>What the database knows about a connection's items: pairings, open create intents, fields held by open conflicts.</summary>
    private sealed record Known(Dictionary<string, SyncPair> BySource, Dictionary<string, SyncPair> ByDestination,
        Dictionary<string, SyncCreateIntent> Intents, ILookup<long, string> HeldFields, int LivePairs)
    {
        public IReadOnlySet<string>? Held(SyncPair? pair) =>
            pair is not null && HeldFields.Contains(pair.Id) ? HeldFields[pair.Id].ToHashSet(StringComparer.Ordinal) : null;
    }

    private async Task<Known> KnownAsync(long connectionId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var pairs = await db.SyncPairs.AsNoTracking().Where(p => p.ConnectionId == connectionId).ToListAsync(ct);
        var intents = await db.SyncCreateIntents.AsNoTracking().Where(i => i.ConnectionId == connectionId).ToDictionaryAsync(i => i.SourceId, ct);
        var held = await db.SyncConflicts.AsNoTracking().Where(c => c.ConnectionId == connectionId && c.State == SyncConflictState.Open)
            .Select(c => new { c.PairId, c.FieldKey }).ToListAsync(ct);
        return new Known(pairs.ToDictionary(p => p.SourceId, StringComparer.Ordinal), pairs.ToDictionary(p => p.DestinationId, StringComparer.Ordinal),
            intents, held.ToLookup(h => h.PairId, h => h.FieldKey), pairs.Count(p => !p.Archived));
    }

    /// <summary>Every page of the changed-since list; a failure on any page fails the whole read (so nothing counts as gone).</summary>
    private async Task<List<RemoteTask>> ReadAllAsync(ITaskSystemAdapter adapter, DateTime? since, string side, CancellationToken ct)
    {
        var all = new List<RemoteTask>();
        string? next = null;
        for (var page = 0; ; page++)
        {
            if (page >= options.MaxPagesPerRead)
            {
                throw new TaskSystemException($"The {side} gave more than {options.MaxPagesPerRead} pages (Sync:MaxPagesPerRead).", uncertain: false);
            }
            var current = await calls.CallAsync(() => adapter.ListChangedAsync(since, next, ct), ct);
            all.AddRange(current.Items);
            next = current.Next;
            if (next is null)
            {
                return all;
            }
        }
    }

    /// <summary>The plan item with what "apply this plan" re-checks: both sides' hashes and the pairing's.</summary>
    private static ItemWork Hashed(SyncConnection connection, ItemWork work) => work with
    {
        Plan = work.Plan with
        {
            SourceHash = work.Source is { } s ? SyncItemHash.Of(SyncItemHash.SourceFields(connection), s) : null,
            DestinationHash = work.Destination is { } d ? SyncItemHash.Of(SyncItemHash.DestinationFields(connection), d) : null,
            BaseHash = SyncItemHash.OfPair(work.Pair),
        },
    };

    /// <summary>The decision for one source item: add, archive, update, conflict or skip, with its field diffs; <paramref name="held"/>: fields with an open conflict.</summary>
    internal static ItemWork Decide(SyncConnection connection, RemoteTask source, RemoteTask? destination, SyncPair? pair, SyncCreateIntent? intent,
        IReadOnlySet<string>? held = null)
    {
        ItemWork Plan(SyncAction action, IReadOnlyList<FieldDiff> fields, string? note, IReadOnlyList<FieldDecision>? decisions = null) =>
            new(source.Id, source, destination, pair, intent, decisions ?? [], new PlannedItem(source.Id, pair?.DestinationId, action, fields, note));

        if (connection.Filter is { } filter && !filter.Values.Contains(SyncChangeDetector.Normalise(source[filter.Field]) ?? ""))
        {
            return Plan(SyncAction.Skip, [], $"not selected by the filter ({filter.Field})");
        }
        if (source.Archived)
        {
            return pair is null || pair.Archived || connection.DeletePolicy == DeletePolicy.Ignore || destination is null
                ? Plan(SyncAction.Skip, [], "archived at the source")
                : Plan(SyncAction.Archive, [], connection.DeletePolicy == DeletePolicy.Delete ? "deleted at the destination" : "archived at the destination");
        }
        if (pair is null && intent is null && connection.CreatedAfter is { } after && !(source.CreatedAt >= after))
        {
            return Plan(SyncAction.Skip, [], source.CreatedAt is { } created
                ? $"created {created:yyyy-MM-dd HH:mm}, before the connection's start ({after:yyyy-MM-dd HH:mm} UTC)"
                : "the source does not say when it was created; the connection syncs only items created after a date");
        }
        if (pair is null)
        {
            var (fields, _) = SyncChangeDetector.ForCreate(connection.FieldMap, source);
            var diffs = connection.FieldMap.Where(m => fields.ContainsKey(m.Destination))
                .Select(m => new FieldDiff(m.Key, SyncDirection.ToDestination, null, fields[m.Destination])).ToList();
            return Plan(SyncAction.Add, diffs, intent is null ? null : "an earlier create's outcome is unknown: its marker is looked for first");
        }
        if (destination is null)
        {
            return Plan(SyncAction.Skip, [], $"the destination item {pair.DestinationId} is gone");
        }
        var decisions = SyncChangeDetector.Compare(connection.FieldMap, connection.Policy, source, destination, pair.Bases, held);
        var changes = new List<FieldDiff>();
        foreach (var d in decisions)
        {
            var settled = d.SettledBy is { } p ? $"conflict settled: {p.Wire()}" : null;
            switch (d.Outcome)
            {
                case FieldOutcome.ToDestination:
                    changes.Add(new FieldDiff(d.Mapping.Key, SyncDirection.ToDestination, SyncChangeDetector.Normalise(destination[d.Mapping.Destination]), d.DestinationValue, settled));
                    break;
                case FieldOutcome.ToSource:
                    changes.Add(new FieldDiff(d.Mapping.Key, SyncDirection.ToSource, SyncChangeDetector.Normalise(source[d.Mapping.Source]), d.SourceValue, settled));
                    break;
                case FieldOutcome.Conflict:
                    changes.Add(new FieldDiff(d.Mapping.Key, SyncDirection.Both, d.SourceValue, d.DestinationValue, "conflict held for review (manual)"));
                    break;
                case FieldOutcome.Held when SyncChangeDetector.ToDestination(d.Mapping, d.SourceValue) != d.DestinationValue:
                    changes.Add(new FieldDiff(d.Mapping.Key, SyncDirection.Both, d.SourceValue, d.DestinationValue, "waiting in the conflict queue; not pushed"));
                    break;
            }
        }
        var action = decisions.Any(d => d.Outcome == FieldOutcome.Conflict) ? SyncAction.Conflict
            : decisions.Any(d => d.Pushes) ? SyncAction.Update : SyncAction.Skip;
        return Plan(action, changes, null, decisions);
    }
}
