using System.Collections.Concurrent;
using System.Diagnostics;
using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Shared.Upstreams;

public enum UpstreamState
{
    Unknown,
    Up,
    Down,
    NotConfigured,
}

public sealed record UpstreamHealth(string Name, string DisplayName, UpstreamState State, string? BaseAddress,
    double? LatencyMs, string? Error, DateTime? CheckedAt, DateTime? LastUpAt);

public sealed record UpstreamHealthChanged(UpstreamHealth Health) : IOpsEvent
{
    public string Topic => OpsTopics.Upstreams;
}

/// <summary>The last probe of every upstream; the dashboard tile and /health/ready read it.</summary>
public sealed class UpstreamHealthBoard(IOpsEventStream events, UpstreamCatalog upstreams, Microsoft.Extensions.Options.IOptionsMonitor<UpstreamOptions> options)
{
    private readonly ConcurrentDictionary<string, UpstreamHealth> _latest = new();

    public IReadOnlyList<UpstreamHealth> All =>
        upstreams.Names.Select(n => _latest.GetValueOrDefault(n) ?? new UpstreamHealth(n, DisplayName(n), UpstreamState.Unknown, null, null, null, null, null)).ToList();

    /// <summary>`Upstreams:{name}:DisplayName`, or the name its module gave it.</summary>
    public string DisplayName(string name) => options.Get(name).DisplayName is { Length: > 0 } display ? display
        : upstreams.All.FirstOrDefault(u => u.Name == name)?.DisplayName ?? name;

    public void Record(UpstreamHealth health)
    {
        var previous = _latest.GetValueOrDefault(health.Name);
        if (health.State != UpstreamState.Up && previous?.LastUpAt is { } lastUp)
        {
            health = health with { LastUpAt = lastUp };
        }
        _latest[health.Name] = health;
        events.Publish(new UpstreamHealthChanged(health));
    }
}

/// <summary>Probes each configured upstream through its resilient client and records the result.</summary>
public sealed class UpstreamProbe(IHttpClientFactory clients, IUpstreamAddresses addresses, UpstreamHealthBoard board, UpstreamCatalog upstreams,
    Microsoft.Extensions.Options.IOptionsMonitor<UpstreamOptions> options, TimeProvider time)
{
    public async Task<IReadOnlyList<UpstreamHealth>> ProbeAllAsync(CancellationToken ct = default)
    {
        var results = await Task.WhenAll(upstreams.Names.Select(name => ProbeAsync(name, ct)));
        return results;
    }

    public async Task<UpstreamHealth> ProbeAsync(string name, CancellationToken ct = default)
    {
        var settings = options.Get(name);
        var displayName = board.DisplayName(name);
        var baseAddress = addresses.BaseAddress(name);
        var now = time.GetUtcNow().UtcDateTime;
        UpstreamHealth health;
        if (baseAddress is null)
        {
            health = new UpstreamHealth(name, displayName, UpstreamState.NotConfigured, null, null, "No base URL and no simulator.", now, null);
        }
        else
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await clients.CreateClient(name).GetAsync(new Uri(baseAddress, settings.HealthPath), ct);
                var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                health = response.IsSuccessStatusCode
                    ? new UpstreamHealth(name, displayName, UpstreamState.Up, baseAddress.ToString(), latency, null, now, now)
                    : new UpstreamHealth(name, displayName, UpstreamState.Down, baseAddress.ToString(), latency,
                        $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", now, null);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or TimeoutException
                or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException)
            {
                if (ct.IsCancellationRequested)
                {
                    throw;
                }
                health = new UpstreamHealth(name, displayName, UpstreamState.Down, baseAddress.ToString(),
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds, ex.Message, now, null);
            }
        }
        board.Record(health);
        return health;
    }
}
