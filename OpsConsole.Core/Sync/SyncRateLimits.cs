using System.Collections.Concurrent;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Core.Sync;

/// <summary>
/// A token bucket per task system a connection reaches (its upstream, address and credentials: the account a rate limit
/// belongs to), learned from what the system says (ADR 0036). Until a system answers 429 nothing is held back. A 429
/// stops every call to it until its Retry-After has passed, and sets the bucket's rate to what the system took: the
/// calls made since the previous 429 (or the first call) over the time they took plus the wait, one token at a time,
/// so the next window is used evenly instead of in a burst that ends in another 429.
/// </summary>
public sealed class SyncRateLimits(TimeProvider time)
{
    /// <summary>The longest a 429's Retry-After holds calls back.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public static string KeyOf(RestTaskSystemConfig config) =>
        $"{config.Upstream}|{config.BaseUrl}|{config.AuthHeader}|{(config.AuthValue is null ? "" : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(config.AuthValue)))[..16])}";

    public Bucket For(RestTaskSystemConfig config) => _buckets.GetOrAdd(KeyOf(config), _ => new Bucket(time));

    /// <summary>Forgets what was learned of a system (its limit was raised, or a test changed it).</summary>
    public void Forget(RestTaskSystemConfig config) => _buckets.TryRemove(KeyOf(config), out _);

    /// <summary>One system's bucket.</summary>
    public sealed class Bucket(TimeProvider time)
    {
        private readonly Lock _lock = new();
        private long _callsSinceThrottle;
        private long _periodStart = -1;
        private long _blockedUntil;
        private double _tokens = 1;
        private long _refilledAt;
        private long _lastCall;

        /// <summary>Requests per second the system was learned to take; null until it first answered 429.</summary>
        public double? Rate { get; private set; }

        /// <summary>How many 429s it answered.</summary>
        public int Throttles { get; private set; }

        /// <summary>Waits until a call may go: past any Retry-After, and for a token once a rate is known.</summary>
        public async Task WaitAsync(CancellationToken ct)
        {
            while (true)
            {
                TimeSpan wait;
                lock (_lock)
                {
                    var now = time.GetTimestamp();
                    // The rate is learned from the calls since the last 429, or since the last minute of quiet.
                    if (_periodStart < 0 || (_lastCall > 0 && time.GetElapsedTime(_lastCall, now) > MaxWait))
                    {
                        (_periodStart, _callsSinceThrottle) = (now, 0);
                    }
                    wait = _blockedUntil > now ? time.GetElapsedTime(now, _blockedUntil) : TimeSpan.Zero;
                    if (wait == TimeSpan.Zero && Rate is { } rate)
                    {
                        _tokens = Math.Min(1, _tokens + time.GetElapsedTime(_refilledAt, now).TotalSeconds * rate);
                        _refilledAt = now;
                        if (_tokens >= 1)
                        {
                            _tokens -= 1;
                        }
                        else
                        {
                            wait = TimeSpan.FromSeconds((1 - _tokens) / rate);
                        }
                    }
                    if (wait == TimeSpan.Zero)
                    {
                        _callsSinceThrottle++;
                        _lastCall = now;
                        return;
                    }
                }
                await Task.Delay(wait, time, ct);
            }
        }

        /// <summary>The system answered 429: hold every call back for <paramref name="retryAfter"/>, and learn its rate.</summary>
        public void Throttled(TimeSpan? retryAfter)
        {
            lock (_lock)
            {
                var now = time.GetTimestamp();
                var wait = retryAfter is { } after && after > TimeSpan.Zero ? (after < MaxWait ? after : MaxWait) : TimeSpan.FromSeconds(1);
                var took = time.GetElapsedTime(_periodStart < 0 ? now : _periodStart, now) + wait;
                // The calls that went through before this one was refused, over the time they took and the wait asked for.
                var learned = Math.Max(1, _callsSinceThrottle - 1) / took.TotalSeconds;
                Rate = Rate is { } known ? Math.Min(known, learned) : learned;
                Throttles++;
                _blockedUntil = now + (long)(wait.TotalSeconds * time.TimestampFrequency);
                (_callsSinceThrottle, _periodStart, _tokens, _refilledAt) = (0, _blockedUntil, 1, _blockedUntil);
            }
        }
    }
}

/// <summary>An adapter whose every call waits on its system's <see cref="SyncRateLimits.Bucket"/> and tells it about 429s.</summary>
internal sealed class RateLimitedTaskSystemAdapter(ITaskSystemAdapter inner, SyncRateLimits.Bucket bucket) : ITaskSystemAdapter
{
    public IReadOnlyList<string> Fields => inner.Fields;
    public RateLimitHint? LastRateLimit => inner.LastRateLimit;

    public Task<TaskPage> ListChangedAsync(DateTime? since, string? page, CancellationToken ct) => CallAsync(() => inner.ListChangedAsync(since, page, ct), ct);
    public Task<RemoteTask?> GetAsync(string id, CancellationToken ct) => CallAsync(() => inner.GetAsync(id, ct), ct);
    public Task<RemoteTask> CreateAsync(IReadOnlyDictionary<string, string?> fields, string marker, string idempotencyKey, CancellationToken ct) =>
        CallAsync(() => inner.CreateAsync(fields, marker, idempotencyKey, ct), ct);
    public Task<RemoteTask?> UpdateAsync(string id, IReadOnlyDictionary<string, string?> fields, CancellationToken ct) => CallAsync(() => inner.UpdateAsync(id, fields, ct), ct);
    public Task<bool> ArchiveAsync(string id, bool delete, CancellationToken ct) => CallAsync(() => inner.ArchiveAsync(id, delete, ct), ct);
    public Task<IReadOnlyList<RemoteTask>> SearchByMarkerAsync(string marker, CancellationToken ct) => CallAsync(() => inner.SearchByMarkerAsync(marker, ct), ct);

    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        await bucket.WaitAsync(ct);
        try
        {
            return await call();
        }
        catch (TaskSystemRateLimitedException ex)
        {
            bucket.Throttled(ex.RetryAfter);
            throw;
        }
    }
}
