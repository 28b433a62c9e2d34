namespace OpsConsole.Core.Yard;

/// <summary>
/// Builds the unified view from what a cycle read, planned and did: deleted tasks leave it, patched tasks show as the
/// yard system answered the PATCH (in the bucket their hostler now says), each finding says what became of it. Pure.
/// </summary>
public static class YardViewBuilder
{
    /// <summary>The view at <paramref name="now"/>, version 0: the poller numbers it when it stores it.</summary>
    public static YardView Build(YardReads reads, YardPlan plan, YardMutationOutcome outcome, DateTime now)
    {
        var buckets = new Dictionary<string, List<YardTaskRow>>(StringComparer.Ordinal);
        var workbasket = new List<YardTaskRow>();
        foreach (var original in reads.Tasks)
        {
            if (outcome.DeletedIds.Contains(original.Id))
            {
                continue;
            }
            var task = outcome.PatchedTasks.GetValueOrDefault(original.Id) ?? original;
            IReadOnlyList<YardFinding> findings = [];
            if (plan.Findings.TryGetValue(original.Id, out var found))
            {
                var done = outcome.OutcomeByTask.GetValueOrDefault(original.Id);
                findings = done is null ? found : found.Select(f => f.Outcome == YardOutcome.Pending ? f with { Outcome = done } : f).ToList();
            }
            var row = new YardTaskRow(task, findings);
            // A patch may have unassigned it: the task goes where its patched hostler says.
            var bucket = outcome.PatchedTasks.ContainsKey(original.Id) ? task.HostlerId ?? "" : reads.BucketOf.GetValueOrDefault(original.Id, "");
            if (bucket.Length == 0)
            {
                workbasket.Add(row);
            }
            else
            {
                if (!buckets.TryGetValue(bucket, out var list))
                {
                    buckets[bucket] = list = [];
                }
                list.Add(row);
            }
        }
        var cards = new List<YardHostlerCard>(reads.Hostlers.Count);
        foreach (var hostler in reads.Hostlers)
        {
            var tasks = buckets.GetValueOrDefault(hostler.Id) ?? [];
            var current = tasks.FirstOrDefault(t => t.Task.Status == YardTask.InProgress);
            cards.Add(new YardHostlerCard(hostler, current, current is null ? tasks : tasks.Where(t => !ReferenceEquals(t, current)).ToList()));
        }
        // The workbasket in the order a dispatcher takes it: most urgent first, then the longest waiting.
        workbasket.Sort((a, b) => b.Task.Priority != a.Task.Priority ? b.Task.Priority.CompareTo(a.Task.Priority) : a.Task.CreatedAt.CompareTo(b.Task.CreatedAt));
        return new YardView(0, now, cards, workbasket);
    }
}
