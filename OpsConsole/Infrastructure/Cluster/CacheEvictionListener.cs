using Microsoft.Extensions.Caching.Hybrid;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Infrastructure.Events;

namespace OpsConsole.Infrastructure.Cluster;

/// <summary>
/// Removes from this instance's memory the HybridCache entries another instance evicted (<see cref="SharedCacheEviction"/>):
/// HybridCache forgets only its own memory and the shared second level, so without this an instance would keep
/// serving an entry the others dropped until it expires.
/// </summary>
public sealed class CacheEvictionListener(IOpsEventStream events, BridgedEvents bridged, HybridCache cache, ILogger<CacheEvictionListener> logger) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = events.Subscribe<CacheEvicted>(async evicted =>
        {
            if (!bridged.Contains(evicted))
            {
                return; // evicted here already
            }
            if (evicted.Key is { } key)
            {
                await cache.RemoveAsync(key);
            }
            if (evicted.Tag is { } tag)
            {
                await cache.RemoveByTagAsync(tag);
            }
            logger.LogDebug("Evicted {Key}{Tag} as another instance did", evicted.Key, evicted.Tag);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
