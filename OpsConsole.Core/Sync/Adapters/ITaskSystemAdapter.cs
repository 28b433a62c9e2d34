namespace OpsConsole.Core.Sync.Adapters;

/// <summary>
/// One task as a task system holds it: its id, its fields under the system's own names (values as text, null when
/// empty), when the system last changed it (the system's own clock), its version, whether it is archived and, where the
/// system says, when it was created (a connection's "only items created after", ADR 0037).
/// </summary>
public sealed record RemoteTask(string Id, IReadOnlyDictionary<string, string?> Fields, DateTime UpdatedAt, string? Version, bool Archived = false,
    DateTime? CreatedAt = null)
{
    public string? this[string field] => Fields.GetValueOrDefault(field);
}

/// <summary>What the system said about its rate limit on the last answer: requests left in the window, and how long to wait after a 429.</summary>
public sealed record RateLimitHint(int? Remaining, TimeSpan? RetryAfter);

/// <summary>One page of a list; <see cref="Next"/> is the token of the next page, null on the last.</summary>
public sealed record TaskPage(IReadOnlyList<RemoteTask> Items, string? Next, RateLimitHint? RateLimit);

/// <summary>The task system answered 429 (the client does not retry it; the system's token bucket waits): wait <see cref="RetryAfter"/> before the next call.</summary>
public sealed class TaskSystemRateLimitedException(string message, TimeSpan? retryAfter) : TaskSystemException(message, uncertain: false)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// A call to a task system failed. <see cref="Uncertain"/>: the outcome of a write is unknown (a timeout, a 5xx, a
/// dropped connection), so the write may have happened; a create is then looked for by its marker before it is tried again.
/// </summary>
public class TaskSystemException(string message, bool uncertain, Exception? inner = null, int? status = null) : Exception(message, inner)
{
    public bool Uncertain { get; } = uncertain;
    public int? Status { get; } = status;
}

/// <summary>
/// The one contract every task system is reached through (the generic REST/JSON adapter, later others): list all or
/// changed since a cursor, page by page; get one; create; update; archive or delete; search by a marker. Field names are
/// the system's own; the connection's field map translates between the two sides.
/// </summary>
public interface ITaskSystemAdapter
{
    /// <summary>The system's fields (its schema), for checking a field map.</summary>
    IReadOnlyList<string> Fields { get; }

    /// <summary>Tasks changed at or after <paramref name="since"/> (all when null), one page from <paramref name="page"/> (null: the first).</summary>
    Task<TaskPage> ListChangedAsync(DateTime? since, string? page, CancellationToken ct);

    /// <summary>The task, or null when the system has no such task.</summary>
    Task<RemoteTask?> GetAsync(string id, CancellationToken ct);

    /// <summary>Creates a task carrying <paramref name="marker"/> (in the configured marker field); the key goes along where the system takes one.</summary>
    Task<RemoteTask> CreateAsync(IReadOnlyDictionary<string, string?> fields, string marker, string idempotencyKey, CancellationToken ct);

    /// <summary>Changes the given fields; null when the task is gone.</summary>
    Task<RemoteTask?> UpdateAsync(string id, IReadOnlyDictionary<string, string?> fields, CancellationToken ct);

    /// <summary>Archives (or deletes, <paramref name="delete"/>) the task; false when it was already gone.</summary>
    Task<bool> ArchiveAsync(string id, bool delete, CancellationToken ct);

    /// <summary>Tasks whose marker field holds exactly <paramref name="marker"/>.</summary>
    Task<IReadOnlyList<RemoteTask>> SearchByMarkerAsync(string marker, CancellationToken ct);

    /// <summary>The rate-limit hint of the last answer (null until one came).</summary>
    RateLimitHint? LastRateLimit { get; }
}
