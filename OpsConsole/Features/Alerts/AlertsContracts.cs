using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Shared.Alerts;

namespace OpsConsole.Features.Alerts;

/// <summary>The inbox filters of GET /api/alerts: module, state (open, acknowledged, resolved, active = open or acknowledged, all), severity.</summary>
public sealed record AlertsQuery(
    [FromQuery(Name = "module")] string? Module,
    [FromQuery(Name = "state")] string? State,
    [FromQuery(Name = "severity")] string? Severity)
{
    public AlertFilterInput ToInput() => new(Module, State, Severity);
}

public sealed record AlertResponse(long Id, string Module, string Key, AlertSeverity Severity, string Title, string Message, string? Link,
    AlertState State, DateTime FirstSeenAt, DateTime LastSeenAt, int Count, string? AcknowledgedBy, DateTime? AcknowledgedAt, DateTime? ResolvedAt)
{
    public static AlertResponse From(Alert a) => new(a.Id, a.Module, a.Key, a.Severity, a.Title, a.Message, a.Link, a.State, a.FirstSeenAt, a.LastSeenAt,
        a.Count, a.AcknowledgedBy, a.AcknowledgedAt, a.ResolvedAt);
}

/// <summary>Several alerts to acknowledge at once (POST /api/alerts/acknowledge).</summary>
public sealed record AcknowledgeAlertsRequest(IReadOnlyList<long>? Ids = null);

/// <summary>Which alerts were acknowledged, and why the others were not (by id).</summary>
public sealed record AcknowledgeAlertsResponse(IReadOnlyList<long> Acknowledged, IReadOnlyDictionary<string, string> Refused)
{
    public static AcknowledgeAlertsResponse From(AcknowledgeOutcome o) =>
        new(o.Acknowledged, o.Refused.ToDictionary(r => r.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), r => r.Value));
}
