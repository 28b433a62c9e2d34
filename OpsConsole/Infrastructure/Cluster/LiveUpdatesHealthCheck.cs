using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Infrastructure.Cluster;

/// <summary>A clustered instance whose event bridge is down still serves its pages (refreshed on a timer): Degraded, not Unhealthy.</summary>
internal sealed class LiveUpdatesHealthCheck(LiveUpdates live) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(live.Degraded
            ? HealthCheckResult.Degraded(live.Reason ?? "Live updates from other instances are degraded.")
            : HealthCheckResult.Healthy("Live updates from every instance."));
}
