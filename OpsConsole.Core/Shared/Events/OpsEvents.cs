namespace OpsConsole.Core.Shared.Events;

/// <summary>Something that changed. The topic is the SignalR group that outside clients join to hear it.</summary>
public interface IOpsEvent
{
    string Topic { get; }
}

public static class OpsTopics
{
    public const string Audit = "audit";
    public const string Upstreams = "upstreams";
    public const string Scheduler = "scheduler";
    public const string Simulators = "simulators";

    public static bool IsValid(string topic) =>
        topic.Length is > 0 and <= 100 && topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':');
}

public sealed record AuditRecorded(long Id, DateTime OccurredAt, string Actor, string Module, string Action,
    string EntityType, string? EntityId) : IOpsEvent
{
    public string Topic => OpsTopics.Audit;
}
