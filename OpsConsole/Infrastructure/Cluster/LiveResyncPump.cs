using OpsConsole.Components.Shared;
using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Infrastructure.Cluster;

/// <summary>
/// Turns <see cref="LiveUpdates"/> into page reloads through the one helper every live page refreshes with,
/// <see cref="CoalescedRefresh"/>: on a resync every open page reloads once, and while live updates are degraded every
/// open page reloads every `Cluster:DegradedRefreshSeconds` (10 by default).
/// </summary>
public sealed class LiveResyncPump(LiveUpdates live, IConfiguration configuration, ILogger<LiveResyncPump> logger) : BackgroundService
{
    private readonly TimeSpan _every = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Cluster:DegradedRefreshSeconds", 10)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        live.ResyncRequested += Resync;
        try
        {
            using var timer = new PeriodicTimer(_every);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (live.Degraded)
                {
                    CoalescedRefresh.ResyncAll();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            live.ResyncRequested -= Resync;
        }
    }

    private void Resync(string why)
    {
        logger.LogInformation("Reloading every open page: {Why}", why);
        CoalescedRefresh.ResyncAll();
    }
}
