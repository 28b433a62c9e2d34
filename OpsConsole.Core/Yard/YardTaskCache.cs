using Microsoft.Extensions.Caching.Hybrid;
using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Yard;

/// <summary>
/// Task details in HybridCache (ADR 0011): keyed by the task's id and version, so a list that shows a new version
/// fetches the detail again without any time-based expiry; tagged by id, so a patch or delete forgets every version
/// (on every instance: <see cref="SharedCacheEviction"/>).
/// </summary>
public sealed class YardTaskCache(HybridCache cache, SharedCacheEviction eviction, YardClient client)
{
    private static readonly HybridCacheEntryOptions DetailEntry = new() { Expiration = TimeSpan.FromMinutes(30), LocalCacheExpiration = TimeSpan.FromMinutes(30) };

    public static string Tag(string id) => "yard:task:" + id;

    public static string Key(string id, int version) => $"yard:task:{id}:v{version}";

    /// <summary>The detail of the task the list shows, from the cache or from the yard system.</summary>
    /// <remarks>Null when the yard system answers 404: the task went after the list was read. That answer is not
    /// cached, so a task that answers again is read again next cycle.</remarks>
    public async ValueTask<YardTask?> DetailAsync(YardTaskSummary summary, CancellationToken ct)
    {
        try
        {
            return await cache.GetOrCreateAsync(Key(summary.Id, summary.Version), (client, summary.Id),
                static async (state, c) => await state.client.TaskAsync(state.Id, c) ?? throw new TaskGoneException(), DetailEntry, [Tag(summary.Id)], ct);
        }
        catch (TaskGoneException)
        {
            return null;
        }
    }

    /// <summary>Thrown inside the cache's factory so that HybridCache stores nothing for a 404.</summary>
    private sealed class TaskGoneException : Exception;

    /// <summary>Forgets a task that was changed or deleted; a PATCH's answer is the new detail and is kept.</summary>
    public async Task ForgetAsync(string id, YardTask? replacement, CancellationToken ct)
    {
        await eviction.RemoveByTagAsync(Tag(id), ct);
        if (replacement is not null)
        {
            await cache.SetAsync(Key(id, replacement.Version), replacement, DetailEntry, [Tag(id)], ct);
        }
    }
}
