using System.Text.Json.Serialization;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Yard;

/// <summary>
/// What a rule found on a task and what became of it (<see cref="YardOutcome"/>): "patched", "deleted",
/// "would delete (dry run)", "held: …", "flagged", "rule failed", …
/// </summary>
public sealed record YardFinding(string Rule, YardVerdict Verdict, string Reason, string Outcome);

/// <summary>The words a finding's outcome is given, in one place (docs/yard-rules.md).</summary>
public static class YardOutcome
{
    /// <summary>A fixable or unfixable finding before the mutator has said what became of it.</summary>
    public const string Pending = "";
    public const string Flagged = "flagged";
    public const string RuleFailed = "rule failed";
    public const string Patched = "patched";
    public const string Deleted = "deleted";
    public const string AlreadyGone = "already gone";
    public const string WouldDelete = "would delete (dry run)";
    public const string WouldPatch = "would patch (dry run)";
    public const string HeldWhilePaused = "held: the poller is paused";

    public static string HeldByCap(int planned, int cap) => $"held: {planned} deletions exceed the cap of {cap}";

    public static string Failed(bool delete, string error) => (delete ? "delete failed: " : "patch failed: ") + error;
}

public sealed record YardTaskRow(YardTask Task, IReadOnlyList<YardFinding> Findings)
{
    [JsonIgnore]
    public bool HasFindings => Findings.Count > 0;

    public bool SameAs(YardTaskRow other) => Task == other.Task && Findings.SequenceEqual(other.Findings);

    /// <summary>Whether the last change of the view touched this task (keys from <see cref="YardViewChanged.Highlighted"/>).</summary>
    public bool ChangedIn(IReadOnlySet<string> keys) => keys.Contains(YardView.TaskKey(Task.Id));
}

public sealed record YardHostlerCard(YardHostler Hostler, YardTaskRow? Current, IReadOnlyList<YardTaskRow> Queue)
{
    public int QueueLength => Queue.Count;

    [JsonIgnore]
    public IEnumerable<YardTaskRow> Tasks => Current is null ? Queue : Queue.Prepend(Current);

    /// <summary>The card itself: the hostler and which tasks it holds (the tasks' own content is diffed as tasks).</summary>
    public bool SameAs(YardHostlerCard other) =>
        Hostler == other.Hostler && Current?.Task.Id == other.Current?.Task.Id && Queue.Select(q => q.Task.Id).SequenceEqual(other.Queue.Select(q => q.Task.Id));

    /// <summary>Whether the last change touched the hostler or any task it holds.</summary>
    public bool ChangedIn(IReadOnlySet<string> keys) => keys.Contains(YardView.HostlerKey(Hostler.Id)) || Tasks.Any(t => t.ChangedIn(keys));
}

/// <summary>The unified view: every hostler with its current task and queue, and the workbasket.</summary>
public sealed record YardView(long Version, DateTime TakenAt, IReadOnlyList<YardHostlerCard> Hostlers, IReadOnlyList<YardTaskRow> Workbasket)
{
    public static readonly YardView Empty = new(0, DateTime.MinValue, [], []);

    [JsonIgnore]
    public IEnumerable<YardTaskRow> AllTasks => Workbasket.Concat(Hostlers.SelectMany(h => h.Tasks));

    public YardTaskRow? FindTask(string id) => AllTasks.FirstOrDefault(t => t.Task.Id == id);

    public int CountHostlers(string status) => Hostlers.Count(h => h.Hostler.Status == status);

    public int CountTasksWithFindings() => AllTasks.Count(t => t.HasFindings);

    public static string TaskKey(string id) => "task:" + id;
    public static string HostlerKey(string id) => "hostler:" + id;
}

/// <summary>
/// The hostler view's filter: a hostler status (empty: every hostler) and a search, without regard to case, over
/// hostler ids and names and the ids and trailers of their tasks; in the workbasket over task ids, trailers and destinations.
/// </summary>
public sealed record YardViewFilter(string? Status, string? Search)
{
    public const int MaxSearchLength = 100;

    /// <summary>A filter sent as text (the hostler view's address: status, q); each error names its field.</summary>
    public static YardViewFilter Read(FieldErrors errors, string? status, string? search)
    {
        var chosen = errors.OptionalText("status", status, 32)?.ToLowerInvariant();
        if (chosen is not null && !YardHostler.Statuses.Contains(chosen))
        {
            errors.Add("status", $"status must be one of {OpsNames.List(YardHostler.Statuses)}.");
            chosen = null;
        }
        return new YardViewFilter(chosen, errors.OptionalText("q", search, MaxSearchLength));
    }

    public IEnumerable<YardHostlerCard> Cards(YardView view) => view.Hostlers
        .Where(c => string.IsNullOrEmpty(Status) || c.Hostler.Status == Status)
        .Where(c => NoSearch || Matches(c.Hostler.Id) || Matches(c.Hostler.Name) || c.Tasks.Any(t => Matches(t.Task.Id) || Matches(t.Task.TrailerId)));

    public IEnumerable<YardTaskRow> Workbasket(YardView view) => view.Workbasket
        .Where(r => NoSearch || Matches(r.Task.Id) || Matches(r.Task.TrailerId) || Matches(r.Task.Destination));

    private bool NoSearch => string.IsNullOrWhiteSpace(Search);

    private bool Matches(string? text) => text is not null && text.Contains(Search!.Trim(), StringComparison.OrdinalIgnoreCase);
}

/// <summary>What differs between two views, as keys "task:{id}" and "hostler:{id}".</summary>
public sealed record YardViewDiff(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Changed)
{
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Changed.Count == 0;

    /// <summary>The keys the hostler view highlights: what arrived and what changed (removed items are gone from it).</summary>
    public IReadOnlySet<string> Highlighted() => new HashSet<string>(Added.Concat(Changed), StringComparer.Ordinal);

    public static YardViewDiff Between(YardView before, YardView after)
    {
        var added = new List<string>();
        var removed = new List<string>();
        var changed = new List<string>();

        var oldTasks = Index(before);
        var newTasks = Index(after);
        foreach (var (id, (row, bucket)) in newTasks)
        {
            if (!oldTasks.TryGetValue(id, out var old))
            {
                added.Add(YardView.TaskKey(id));
            }
            else if (old.Bucket != bucket || !old.Row.SameAs(row))
            {
                changed.Add(YardView.TaskKey(id));
            }
        }
        removed.AddRange(oldTasks.Keys.Where(id => !newTasks.ContainsKey(id)).Select(YardView.TaskKey));

        var oldCards = before.Hostlers.ToDictionary(h => h.Hostler.Id, StringComparer.Ordinal);
        var newIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var card in after.Hostlers)
        {
            newIds.Add(card.Hostler.Id);
            if (!oldCards.TryGetValue(card.Hostler.Id, out var old))
            {
                added.Add(YardView.HostlerKey(card.Hostler.Id));
            }
            else if (!old.SameAs(card))
            {
                changed.Add(YardView.HostlerKey(card.Hostler.Id));
            }
        }
        removed.AddRange(oldCards.Keys.Where(id => !newIds.Contains(id)).Select(YardView.HostlerKey));
        return new YardViewDiff(added, removed, changed);
    }

    private static Dictionary<string, (YardTaskRow Row, string Bucket)> Index(YardView view)
    {
        var index = new Dictionary<string, (YardTaskRow, string)>(view.Workbasket.Count + view.Hostlers.Count * 2, StringComparer.Ordinal);
        foreach (var row in view.Workbasket)
        {
            index[row.Task.Id] = (row, "");
        }
        foreach (var card in view.Hostlers)
        {
            foreach (var row in card.Tasks)
            {
                index[row.Task.Id] = (row, card.Hostler.Id);
            }
        }
        return index;
    }
}
