using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpsConsole.Core.Maintenance.Telemetry;

namespace OpsConsole.Infrastructure.Mqtt;

/// <summary>
/// The broker connection on /health/ready: Degraded (still 200) while the subscriber is not connected or the sink
/// fails, like a down upstream: the console serves, only the machines' live data is stale.
/// </summary>
internal sealed class MqttHealthCheck(TelemetryFeedStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var feed = status.Snapshot();
        var data = new Dictionary<string, object>
        {
            ["connection"] = feed.Connection.ToString(),
            ["since"] = feed.ConnectionSince,
            ["stored"] = feed.StoredMessages,
        };
        if (feed.LastMessageAt is { } last)
        {
            data["lastMessageAt"] = last;
        }
        return Task.FromResult(feed.Connection != TelemetryConnectionState.Connected
            ? HealthCheckResult.Degraded($"MQTT broker not connected ({feed.LastError ?? feed.Connection.ToString()})", data: data)
            : feed.SinkFailing
                ? HealthCheckResult.Degraded("MQTT telemetry cannot be stored (retrying)", data: data)
                : HealthCheckResult.Healthy("MQTT broker connected", data));
    }
}
