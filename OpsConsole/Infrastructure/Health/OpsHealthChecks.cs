using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Upstreams;
using OpsConsole.Infrastructure.Database;
using Quartz;

namespace OpsConsole.Infrastructure.Health;

public static class OpsHealthChecks
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddOpsHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<SchedulerHealthCheck>("scheduler", tags: [ReadyTag])
            .AddCheck<UpstreamsHealthCheck>("upstreams", tags: [ReadyTag]);
        return services;
    }

    public static void MapOpsHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous().DisableHttpMetrics();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous().DisableHttpMetrics();
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            totalMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        }, cancellationToken: context.RequestAborted);
    }
}

internal sealed class DatabaseHealthCheck(DatabaseStatus status, IDbContextFactory<OpsDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (!status.Ready)
        {
            return HealthCheckResult.Unhealthy(status.Problem ?? "The database has not been initialised.");
        }
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            return await db.Database.CanConnectAsync(ct)
                ? HealthCheckResult.Healthy($"{db.Provider} reachable")
                : HealthCheckResult.Unhealthy($"{db.Provider} does not answer");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}

internal sealed class SchedulerHealthCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        return scheduler.Status == SchedulerStatus.Running
            ? HealthCheckResult.Healthy($"{scheduler.SchedulerName} running")
            : HealthCheckResult.Unhealthy($"The scheduler is {scheduler.Status}.");
    }
}

/// <summary>An upstream that is down degrades the console (its module cannot work) but does not make it unready.</summary>
internal sealed class UpstreamsHealthCheck(UpstreamHealthBoard board) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var all = board.All;
        var down = all.Where(u => u.State == UpstreamState.Down).Select(u => u.Name).ToList();
        var data = all.ToDictionary(u => u.Name, u => (object)u.State.ToString());
        return Task.FromResult(down.Count == 0
            ? HealthCheckResult.Healthy("No upstream is down.", data)
            : HealthCheckResult.Degraded($"Down: {string.Join(", ", down)}", data: data));
    }
}
