using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace OpsConsole.Infrastructure.Http;

/// <summary>`RateLimits:*`: how often one user may make the console call an upstream, and how many uploads are read at once.</summary>
public sealed class RequestLimitOptions
{
    /// <summary>Calls of one kind (a yard poll, an ETL fetch…) one user may make at once before waiting.</summary>
    public int UpstreamCallBurst { get; set; } = 5;

    /// <summary>After the burst: one more call every 60 / this many seconds.</summary>
    public int UpstreamCallsPerMinute { get; set; } = 12;

    /// <summary>File uploads (imports, test parses) read and processed at once by one console; more wait their turn.</summary>
    public int ConcurrentUploads { get; set; } = 2;

    /// <summary>Uploads that may wait for a turn; past this they are answered 429.</summary>
    public int QueuedUploads { get; set; } = 8;

    public static RequestLimitOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection("RateLimits").Get<RequestLimitOptions>() ?? new RequestLimitOptions();
        Check(options.UpstreamCallBurst, nameof(UpstreamCallBurst), 1);
        Check(options.UpstreamCallsPerMinute, nameof(UpstreamCallsPerMinute), 1);
        Check(options.ConcurrentUploads, nameof(ConcurrentUploads), 1);
        Check(options.QueuedUploads, nameof(QueuedUploads), 0);
        return options;
    }

    private static void Check(int value, string name, int min)
    {
        if (value < min || value > 100_000)
        {
            throw new InvalidOperationException($"RateLimits:{name} must be from {min} to 100000; it is {value}.");
        }
    }
}

/// <summary>
/// One token bucket per user and kind of upstream call, shared by the API (through ASP.NET Core's rate limiter) and the
/// pages (which call Core directly), so that "Poll now" clicked on a page and POST /api/yard/poll draw on the same
/// allowance.
/// </summary>
public sealed class UpstreamCallLimiter(RequestLimitOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _buckets = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.UpstreamCallBurst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(60.0 / options.UpstreamCallsPerMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public static string Key(string user, string kind) => user + "\n" + kind;

    /// <summary>Takes one call from the user's allowance; when there is none, how long until there is.</summary>
    public bool TryTake(string user, string kind, out TimeSpan retryAfter)
    {
        using var lease = _buckets.AttemptAcquire(Key(user, kind));
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        return lease.IsAcquired;
    }

    internal RateLimiter For(string key) => new SharedBucket(_buckets, key);

    public void Dispose() => _buckets.Dispose();

    /// <summary>The rate limiter middleware's view of one shared bucket; it never owns or disposes the bucket.</summary>
    private sealed class SharedBucket(PartitionedRateLimiter<string> buckets, string key) : RateLimiter
    {
        public override TimeSpan? IdleDuration => null;

        public override RateLimiterStatistics? GetStatistics() => buckets.GetStatistics(key);

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => buckets.AttemptAcquire(key, permitCount);

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken ct) => buckets.AcquireAsync(key, permitCount, ct);
    }
}

/// <summary>
/// Uploads read and processed at once (<see cref="RequestLimitOptions.ConcurrentUploads"/>): <c>UploadReader</c> takes a
/// slot before it reads and the upload gives it back when disposed, so every endpoint that takes a file is bounded
/// without naming it, and a burst of large imports waits its turn instead of filling the memory.
/// </summary>
public sealed class UploadSlots(RequestLimitOptions options) : IDisposable
{
    private readonly ConcurrencyLimiter _slots = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.ConcurrentUploads,
        QueueLimit = options.QueuedUploads,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>A slot (dispose it when done), or a lease that is not acquired when too many uploads already wait.</summary>
    public ValueTask<RateLimitLease> TakeAsync(CancellationToken ct) => _slots.AcquireAsync(1, ct);

    /// <summary>Slots free now.</summary>
    public long Free => _slots.GetStatistics()?.CurrentAvailablePermits ?? 0;

    public void Dispose() => _slots.Dispose();
}

/// <summary>Names a route as a call that makes the console reach an upstream; its kind names the user's bucket.</summary>
public sealed record UpstreamCall(string Kind);

public static class RequestLimits
{
    public const string UpstreamCalls = "upstream-calls";

    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = RequestLimitOptions.Read(configuration);
        services.AddSingleton(options);
        services.AddSingleton<UpstreamCallLimiter>();
        services.AddSingleton<UploadSlots>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(UpstreamCalls, http =>
            {
                var kind = http.GetEndpoint()?.Metadata.GetMetadata<UpstreamCall>()?.Kind ?? http.Request.Path.Value ?? "";
                var key = UpstreamCallLimiter.Key(http.User.Identity?.Name ?? "anonymous", kind);
                var limiter = http.RequestServices.GetRequiredService<UpstreamCallLimiter>();
                return RateLimitPartition.Get(key, limiter.For);
            });
            o.OnRejected = WriteTooManyAsync;
        });
        return services;
    }

    /// <summary>The route makes the console call an upstream: limited per user and <paramref name="kind"/>, 429 past it.</summary>
    public static RouteHandlerBuilder LimitedAsUpstreamCall(this RouteHandlerBuilder route, string kind) =>
        route.WithMetadata(new UpstreamCall(kind)).RequireRateLimiting(UpstreamCalls).ProducesProblem(StatusCodes.Status429TooManyRequests);

    private static async ValueTask WriteTooManyAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var http = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"You made this call too often; each one makes the console reach another system. Try again in {seconds} s.",
            },
        });
    }
}
