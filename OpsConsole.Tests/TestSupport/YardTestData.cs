using OpsConsole.Core.Yard;

namespace OpsConsole.Tests.TestSupport;

/// <summary>Small builders for the yard's pure pieces: tasks, hostlers, what a cycle read, and what its mutations did.</summary>
internal static class YardTestData
{
    public static readonly DateTime Now = new(2026, 12, 4, 8, 0, 0, DateTimeKind.Utc);

    /// <summary>A valid waiting task, created an hour before <see cref="Now"/>; name what the test is about.</summary>
    public static YardTask Task(string id, string? trailer = null, string status = YardTask.Waiting, string? hostler = null, int priority = 3,
        string? origin = "DOOR-01", string? destination = "SPOT-A01", DateTime? createdAt = null, int version = 1, string? notes = null)
    {
        var created = createdAt ?? Now.AddHours(-1);
        return new YardTask(id, "move", trailer ?? "TRL-" + id, status, hostler, priority, origin, destination, created, created, version, notes);
    }

    public static YardHostler Hostler(string id, string status = YardHostler.Available, string? name = null) =>
        new(id, name ?? "Hostler " + id, status, Now.AddMinutes(-30));

    public static YardSettings Settings(bool dryRun = false, bool paused = false, int deletionCap = 10, int staleTaskHours = 8, int intervalSeconds = 5) =>
        new() { DryRun = dryRun, Paused = paused, DeletionCap = deletionCap, StaleTaskHours = staleTaskHours, IntervalSeconds = intervalSeconds };

    /// <summary>What a cycle read: each task in the bucket of the hostler it names (the workbasket when none), as the lists would show it.</summary>
    public static YardReads Reads(IEnumerable<YardHostler> hostlers, params YardTask[] tasks) =>
        new(hostlers.ToList(), tasks, tasks.ToDictionary(t => t.Id, t => t.HostlerId ?? "", StringComparer.Ordinal));

    public static YardRuleContext Context(IEnumerable<YardHostler> hostlers, IReadOnlyCollection<YardTask> tasks, YardSettings? settings = null) =>
        new(hostlers.ToDictionary(h => h.Id, StringComparer.Ordinal), tasks, Now, settings ?? Settings());

    public static IReadOnlyDictionary<string, YardRuleSetting> Switches(params YardRuleSetting[] rules) =>
        rules.ToDictionary(r => r.Name, StringComparer.Ordinal);

    /// <summary>What the mutator would report for these tasks: deleted ones, patched ones (as the PATCH answered) and each action's outcome.</summary>
    public static YardMutationOutcome Outcome(IEnumerable<string>? deleted = null, IEnumerable<YardTask>? patched = null,
        IReadOnlyDictionary<string, string>? outcomes = null)
    {
        var deletedIds = new HashSet<string>(deleted ?? [], StringComparer.Ordinal);
        var patchedTasks = (patched ?? []).ToDictionary(t => t.Id, StringComparer.Ordinal);
        return new YardMutationOutcome(patchedTasks.Count, deletedIds.Count, 0, deletedIds.Count, false, deletedIds, patchedTasks,
            outcomes ?? new Dictionary<string, string>());
    }

    /// <summary>A view of these hostler cards and workbasket rows (rows without findings unless given).</summary>
    public static YardView View(IReadOnlyList<YardHostlerCard> cards, params YardTask[] workbasket) =>
        new(1, Now, cards, workbasket.Select(Row).ToList());

    public static YardTaskRow Row(YardTask task) => new(task, []);

    public static YardHostlerCard Card(YardHostler hostler, YardTask? current = null, params YardTask[] queue) =>
        new(hostler, current is null ? null : Row(current), queue.Select(Row).ToList());
}
