namespace OpsConsole.Core.Maintenance.Telemetry;

/// <summary>
/// The topic layout: `{prefix}/machines/{machine}/status` and `{prefix}/machines/{machine}/production` in, and
/// `{prefix}/events/tickets` out. The prefix is `Mqtt:TopicPrefix` (default `opsconsole`).
/// </summary>
public sealed class TelemetryTopics(string prefix)
{
    public const string DefaultPrefix = "opsconsole";

    public string Prefix { get; } = prefix.TrimEnd('/');

    public string StatusFilter => $"{Prefix}/machines/+/status";
    public string ProductionFilter => $"{Prefix}/machines/+/production";
    public IReadOnlyList<string> Subscriptions => [StatusFilter, ProductionFilter];
    public string TicketEvents => $"{Prefix}/events/tickets";

    public string Status(string machine) => $"{Prefix}/machines/{machine}/status";
    public string Production(string machine) => $"{Prefix}/machines/{machine}/production";

    /// <summary>The machine and kind a topic names, or false for any other topic.</summary>
    public bool TryParse(string topic, out string machine, out TelemetryKind kind)
    {
        machine = "";
        kind = default;
        var head = Prefix + "/machines/";
        if (!topic.StartsWith(head, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = topic.AsSpan(head.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }
        var tail = rest[(slash + 1)..];
        if (tail.SequenceEqual("status"))
        {
            kind = TelemetryKind.Status;
        }
        else if (tail.SequenceEqual("production"))
        {
            kind = TelemetryKind.Production;
        }
        else
        {
            return false;
        }
        machine = rest[..slash].ToString();
        return true;
    }
}
