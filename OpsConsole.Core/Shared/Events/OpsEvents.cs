namespace OpsConsole.Core.Shared.Events;

/// <summary>Something that changed. The topic is the SignalR group that outside clients join to hear it.</summary>
public interface IOpsEvent
{
    string Topic { get; }
}

/// <summary>A topic outside clients may join on the hub, and the policies whose roles may read it (any one suffices).</summary>
public sealed record OpsTopic(string Name, IReadOnlyList<string> ReadPolicies);

/// <summary>Every topic the console publishes: the shared ones and those each module registers with <c>AddOpsTopic</c>.</summary>
public sealed class OpsTopicCatalog(IEnumerable<OpsTopic> topics)
{
    private readonly Dictionary<string, OpsTopic> _topics = topics.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<OpsTopic> All => _topics.Values;

    public OpsTopic? Find(string name) => _topics.GetValueOrDefault(name);
}

public static class OpsTopics
{
    public const string Audit = "audit";
    public const string Upstreams = "upstreams";
    public const string Scheduler = "scheduler";
    public const string Simulators = "simulators";
    public const string Alerts = "alerts";
    public const string Settings = "settings";

    public static bool IsValid(string topic) =>
        topic.Length is > 0 and <= 100 && topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':');
}

public sealed record AuditRecorded(long Id, DateTime OccurredAt, string Actor, string Module, string Action,
    string EntityType, string? EntityId) : IOpsEvent
{
    public string Topic => OpsTopics.Audit;
}
