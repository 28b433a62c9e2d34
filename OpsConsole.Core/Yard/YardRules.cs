using System.Text.Json.Nodes;

namespace OpsConsole.Core.Yard;

public enum YardVerdict
{
    /// <summary>Wrong, and a PATCH puts it right.</summary>
    Fixable,
    /// <summary>Wrong beyond repair: the task is deleted.</summary>
    Unfixable,
    /// <summary>Worth a look; nothing is changed.</summary>
    Flag,
    /// <summary>The rule itself threw; its finding is recorded and the other rules still run.</summary>
    Error,
}

/// <summary>What one rule says about one task. The fields are the PATCH that fixes it (fixable only).</summary>
public sealed record YardRuleResult(YardVerdict Verdict, string Reason, IReadOnlyDictionary<string, JsonNode?>? Fix = null)
{
    public static YardRuleResult Fixable(string reason, string field, JsonNode? value) => new(YardVerdict.Fixable, reason, new Dictionary<string, JsonNode?> { [field] = value });
    public static YardRuleResult Unfixable(string reason) => new(YardVerdict.Unfixable, reason);
    public static YardRuleResult Flag(string reason) => new(YardVerdict.Flag, reason);
}

/// <summary>Everything a rule may look at besides the task: the hostlers, every task of the cycle, the time and the settings.</summary>
public sealed class YardRuleContext
{
    private readonly Dictionary<string, string> _firstTaskByTrailer;

    public YardRuleContext(IReadOnlyDictionary<string, YardHostler> hostlers, IReadOnlyCollection<YardTask> tasks, DateTime now, YardSettings settings)
    {
        Hostlers = hostlers;
        Now = now;
        Settings = settings;
        _firstTaskByTrailer = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var task in tasks.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal))
        {
            _firstTaskByTrailer.TryAdd(task.TrailerId, task.Id);
        }
    }

    public IReadOnlyDictionary<string, YardHostler> Hostlers { get; }
    public DateTime Now { get; }
    public YardSettings Settings { get; }

    /// <summary>The oldest task (by creation, then id) that moves this trailer.</summary>
    public string FirstTaskFor(string trailerId) => _firstTaskByTrailer[trailerId];
}

/// <summary>A business rule: a pure check of one task. See docs/yard-rules.md for what each one does and why.</summary>
public interface IYardRule
{
    string Name { get; }
    string Description { get; }
    YardVerdict Kind { get; }

    /// <summary>Null when the task passes.</summary>
    YardRuleResult? Evaluate(YardTask task, YardRuleContext context);
}

public sealed class MissingDestinationRule : IYardRule
{
    public string Name => "missing-destination";
    public string Description => "A task without a destination cannot be driven; it is deleted.";
    public YardVerdict Kind => YardVerdict.Unfixable;

    public YardRuleResult? Evaluate(YardTask task, YardRuleContext context) =>
        string.IsNullOrWhiteSpace(task.Destination) ? YardRuleResult.Unfixable("The task has no destination.") : null;
}

public sealed class OriginIsDestinationRule : IYardRule
{
    public string Name => "origin-is-destination";
    public string Description => "A task whose origin and destination are the same spot moves nothing; it is deleted.";
    public YardVerdict Kind => YardVerdict.Unfixable;

    public YardRuleResult? Evaluate(YardTask task, YardRuleContext context) =>
        !string.IsNullOrWhiteSpace(task.Origin) && string.Equals(task.Origin, task.Destination, StringComparison.OrdinalIgnoreCase)
            ? YardRuleResult.Unfixable($"Origin and destination are both {task.Origin}.")
            : null;
}

public sealed class OfflineHostlerRule : IYardRule
{
    public string Name => "offline-hostler";
    public string Description => "A task assigned to an offline hostler goes back to the workbasket (hostler_id cleared).";
    public YardVerdict Kind => YardVerdict.Fixable;

    public YardRuleResult? Evaluate(YardTask task, YardRuleContext context) =>
        task.HostlerId is { } id && context.Hostlers.TryGetValue(id, out var hostler) && hostler.Status == YardHostler.Offline
            ? YardRuleResult.Fixable($"Hostler {hostler.Name} ({id}) is offline.", "hostler_id", null)
            : null;
}

public sealed class UnknownHostlerRule : IYardRule
{
    public string Name => "unknown-hostler";
    public string Description => "A task assigned to a hostler the yard system does not list goes back to the workbasket.";
    public YardVerdict Kind => YardVerdict.Fixable;

    public YardRuleResult? Evaluate(YardTask task, YardRuleContext context) =>
        task.HostlerId is { } id && !context.Hostlers.ContainsKey(id)
            ? YardRuleResult.Fixable($"Hostler {id} does not exist.", "hostler_id", null)
            : null;
}

public sealed class PriorityRangeRule : IYardRule
{
    public string Name => "priority-range";
    public string Description => $"Priority must be {YardTask.MinPriority}–{YardTask.MaxPriority}; a value outside is set to the nearest bound.";
    public YardVerdict Kind => YardVerdict.Fixable;

    public YardRuleResult? Evaluate(YardTask task, YardRuleContext context)
    {
        if (task.Priority is >= YardTask.MinPriority and <= YardTask.MaxPriority)
        {
            return null;
        }
        var fixedPriority = Math.Clamp(task.Priority, YardTask.MinPriority, YardTask.MaxPriority);
        return YardRuleResult.Fixable($"Priority {task.Priority} is outside {YardTask.MinPriority}–{YardTask.MaxPriority}.", "priority", fixedPriority);
    }
}

public sealed class DuplicateTrailerRule : IYardRule
{
    public string Name => "duplicate-trailer";
    public string Description => "Two tasks moving the same trailer: the newer one is deleted, the older one stays.";
    public YardVerdict Kind => YardVerdict.Unfixable;

    public YardRuleResult? Evaluate(YardTask task, YardRuleContext context)
    {
        var first = context.FirstTaskFor(task.TrailerId);
        return first == task.Id ? null : YardRuleResult.Unfixable($"Trailer {task.TrailerId} is already moved by the older task {first}.");
    }
}

public sealed class StaleTaskRule : IYardRule
{
    public string Name => "stale-task";
    public string Description => "A task waiting longer than the stale-task hours setting is flagged for a person to look at.";
    public YardVerdict Kind => YardVerdict.Flag;

    public YardRuleResult? Evaluate(YardTask task, YardRuleContext context)
    {
        var age = context.Now - task.CreatedAt;
        return task.Status == YardTask.Waiting && age > TimeSpan.FromHours(context.Settings.StaleTaskHours)
            ? YardRuleResult.Flag($"Waiting for {Math.Floor(age.TotalHours)} h (more than {context.Settings.StaleTaskHours} h).")
            : null;
    }
}

public static class YardRuleSet
{
    /// <summary>The rules in the order they run; the first unfixable finding decides a delete.</summary>
    public static IReadOnlyList<IYardRule> Default() =>
    [
        new MissingDestinationRule(),
        new OriginIsDestinationRule(),
        new DuplicateTrailerRule(),
        new OfflineHostlerRule(),
        new UnknownHostlerRule(),
        new PriorityRangeRule(),
        new StaleTaskRule(),
    ];
}
