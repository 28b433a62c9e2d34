using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Yard;

/// <summary>
/// What a rule found on a task and what became of it: "patched", "deleted", "would delete (dry run)",
/// "held: deletion cap exceeded", "flagged", "rule failed", …
/// </summary>
public sealed record YardFinding(string Rule, YardVerdict Verdict, string Reason, string Outcome);

public sealed record YardTaskRow(YardTask Task, IReadOnlyList<YardFinding> Findings)
{
    public bool SameAs(YardTaskRow other) => Task == other.Task && Findings.SequenceEqual(other.Findings);
}

public sealed record YardHostlerCard(YardHostler Hostler, YardTaskRow? Current, IReadOnlyList<YardTaskRow> Queue)
{
    public int QueueLength => Queue.Count;

    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<YardTaskRow> Tasks => Current is null ? Queue : Queue.Prepend(Current);

    /// <summary>The card itself: the hostler and which tasks it holds (the tasks' own content is diffed as tasks).</summary>
    public bool SameAs(YardHostlerCard other) =>
        Hostler == other.Hostler && Current?.Task.Id == other.Current?.Task.Id && Queue.Select(q => q.Task.Id).SequenceEqual(other.Queue.Select(q => q.Task.Id));
}

/// <summary>The unified view: every hostler with its current task and queue, and the workbasket.</summary>
public sealed record YardView(long Version, DateTime TakenAt, IReadOnlyList<YardHostlerCard> Hostlers, IReadOnlyList<YardTaskRow> Workbasket)
{
    public static readonly YardView Empty = new(0, DateTime.MinValue, [], []);

    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<YardTaskRow> AllTasks => Workbasket.Concat(Hostlers.SelectMany(h => h.Tasks));

    public YardTaskRow? FindTask(string id) => AllTasks.FirstOrDefault(t => t.Task.Id == id);

    public static string TaskKey(string id) => "task:" + id;
    public static string HostlerKey(string id) => "hostler:" + id;
}

/// <summary>What differs between two views, as keys "task:{id}" and "hostler:{id}".</summary>
public sealed record YardViewDiff(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Changed)
{
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Changed.Count == 0;

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

/// <summary>The stored view changed: what was added, removed and changed (keys "task:{id}", "hostler:{id}").</summary>
public sealed record YardViewChanged(long Version, DateTime At, IReadOnlyList<string> Added, IReadOnlyList<string> Removed,
    IReadOnlyList<string> Changed) : IOpsEvent
{
    public string Topic => "yard";
}

/// <summary>A cycle ended (or the settings changed): "last polled", errors and alerts for pages and tiles.</summary>
public sealed record YardStatusChanged(YardStatus Status) : IOpsEvent
{
    public string Topic => "yard";
}
