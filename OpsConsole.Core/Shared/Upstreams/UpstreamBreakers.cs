using System.Collections.Concurrent;
using Polly.CircuitBreaker;

namespace OpsConsole.Core.Shared.Upstreams;

/// <summary>
/// The circuit breaker of one upstream's resilient client, seen from outside the pipeline: whether it is open and
/// until when, and a hand on it. A poller whose upstream's breaker is open does not wait out the break: it sends one
/// probe past the breaker (the upstream's probe client) and, when that answers, closes the breaker (ADR 0019).
/// </summary>
public sealed class UpstreamBreaker(TimeProvider time)
{
    private DateTime? _openedAt;
    private TimeSpan _breakFor;

    /// <summary>Given to the pipeline's breaker; the breaker itself reports into them.</summary>
    internal CircuitBreakerManualControl Control { get; } = new();
    internal CircuitBreakerStateProvider State { get; } = new();

    /// <summary>Open: calls through the client fail at once without reaching the upstream.</summary>
    public bool IsOpen => State.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>When the breaker lets a trial call through by itself (null while closed).</summary>
    public DateTime? TrialAt => IsOpen && _openedAt is { } opened ? opened + _breakFor : null;

    internal void Opened(TimeSpan breakDuration)
    {
        _openedAt = time.GetUtcNow().UtcDateTime;
        _breakFor = breakDuration;
    }

    /// <summary>Closes the breaker and forgets its failures: the upstream answered a probe.</summary>
    public async Task CloseAsync(CancellationToken ct = default)
    {
        await Control.CloseAsync(ct);
        _openedAt = null;
    }
}

/// <summary>Every upstream's <see cref="UpstreamBreaker"/>, by upstream name.</summary>
public sealed class UpstreamBreakers(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, UpstreamBreaker> _breakers = new(StringComparer.Ordinal);

    /// <summary>The name of the upstream's second HttpClient: the same address, one attempt with its timeout, no retries and no breaker.</summary>
    public static string ProbeClient(string upstream) => upstream + ".probe";

    public UpstreamBreaker For(string upstream) => _breakers.GetOrAdd(upstream, _ => new UpstreamBreaker(time));
}
