using Microsoft.Extensions.Caching.Hybrid;

namespace OpsConsole.Core.Shared.Events;

/// <summary>
/// A HybridCache entry (by key) or entries (by tag) removed on one instance. HybridCache only forgets its own memory
/// (and the shared second level); the event bridge carries this to the other instances, whose
/// <c>CacheEvictionListener</c> removes the same entries from their memory (ADR 0039).
/// </summary>
public sealed record CacheEvicted(string? Key, string? Tag) : IOpsEvent
{
    public const string TopicName = "cache";

    public string Topic => TopicName;
}

/// <summary>
/// Removes cache entries that can change here and on every other instance. Entries that cannot go stale (keyed by a
/// version, or by an immutable id) need not come through here; docs/architecture.md "Caches" lists which are which.
/// </summary>
public sealed class SharedCacheEviction(HybridCache cache, IOpsEventStream events)
{
    public async ValueTask RemoveAsync(string key, CancellationToken ct = default)
    {
        await cache.RemoveAsync(key, ct);
        events.Publish(new CacheEvicted(key, null));
    }

    public async ValueTask RemoveByTagAsync(string tag, CancellationToken ct = default)
    {
        await cache.RemoveByTagAsync(tag, ct);
        events.Publish(new CacheEvicted(null, tag));
    }
}
