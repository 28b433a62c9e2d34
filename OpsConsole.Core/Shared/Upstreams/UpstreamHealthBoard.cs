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

/// <summary>
/// The last probe of every upstream; the dashboard tile and /health/ready read it. In a cluster the probe job runs on one
/// instance at a time, so the board also takes the probes other instances announce (through the event bridge, ADR 0039):
/// the newest probe of each upstream wins, wherever it ran.
/// </summary>
public sealed class UpstreamHealthBoard : IDisposable
{
    private readonly ConcurrentDictionary<string, UpstreamHealth> _latest = new();
    private readonly IOpsEventStream _events;
    private readonly UpstreamCatalog _upstreams;
    private readonly Microsoft.Extensions.Options.IOptionsMonitor<UpstreamOptions> _options;
    private readonly IDisposable _probesElsewhere;

    public UpstreamHealthBoard(IOpsEventStream events, UpstreamCatalog upstreams, Microsoft.Extensions.Options.IOptionsMonitor<UpstreamOptions> options)
    {
        (_events, _upstreams, _options) = (events, upstreams, options);
        _probesElsewhere = events.Subscribe<UpstreamHealthChanged>(e => Take(e.Health));
    }

    public IReadOnlyList<UpstreamHealth> All =>
        _upstreams.Names.Select(n => _latest.GetValueOrDefault(n) ?? new UpstreamHealth(n, DisplayName(n), UpstreamState.Unknown, null, null, null, null, null)).ToList();

    /// <summary>`Upstreams:{name}:DisplayName`, or the name its module gave it.</summary>
    public string DisplayName(string name) => _options.Get(name).DisplayName is { Length: > 0 } display ? display
        : _upstreams.All.FirstOrDefault(u => u.Name == name)?.DisplayName ?? name;

    public void Record(UpstreamHealth health)
    {
        var previous = _latest.GetValueOrDefault(health.Name);
        if (health.State != UpstreamState.Up && previous?.LastUpAt is { } lastUp)
        {
            health = health with { LastUpAt = lastUp };
        }
        _latest[health.Name] = health;
        _events.Publish(new UpstreamHealthChanged(health));
    }

    public void Dispose() => _probesElsewhere.Dispose();

    /// <summary>A probe announced on the stream (this instance's own, already here, or another's): kept when it is newer.</summary>
    private Task Take(UpstreamHealth health)
    {
        _latest.AddOrUpdate(health.Name, health, (_, mine) => mine.CheckedAt >= health.CheckedAt ? mine : health);
        return Task.CompletedTask;
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
