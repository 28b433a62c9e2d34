using System.Collections.Concurrent;

namespace OpsConsole.Core.Maintenance.Telemetry;

public enum TelemetryConnectionState
{
    /// <summary>`Mqtt:Enabled` is false: no client runs.</summary>
    Disabled,
    Connecting,
    Connected,
    /// <summary>The connection dropped or a connect failed; the client waits its backoff and tries again.</summary>
    Reconnecting,
    Stopped,
}

/// <summary>What a "machine data stale" banner needs in one read.</summary>
public sealed record TelemetryFeedSnapshot(
    TelemetryConnectionState Connection,
    DateTimeOffset ConnectionSince,
    string? LastError,
    int ReconnectAttempts,
    long Reconnects,
    DateTimeOffset? LastMessageAt,
    long StoredMessages,
    bool SinkFailing,
    IReadOnlyDictionary<TelemetryRejection, long> Rejections,
    /// <summary>Not connected, or connected with nothing received for longer than the heartbeat deadline.</summary>
    bool IsStale);

/// <summary>
/// The whole feed's state: the broker connection (set by the transport), the last message, how many were stored and
/// refused by kind, and whether the sink is failing. Raises <see cref="Changed"/> when the connection or the sink's
/// health changes (not per message), so a banner can subscribe and re-read.
/// </summary>
public sealed class TelemetryFeedStatus(TelemetryOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<TelemetryRejection, long> _rejections = new();
    private readonly Lock _lock = new();
    private TelemetryConnectionState _connection = TelemetryConnectionState.Disabled;
    private DateTimeOffset _since = time.GetUtcNow();
    private string? _lastError;
    private int _attempts;
    private long _reconnects;
    private long _lastMessageTicks = -1;
    private long _stored;
    private bool _sinkFailing;
    private bool _everConnected;

    public event Action? Changed;

    public TelemetryConnectionState Connection => _connection;

    public void Connecting() => SetConnection(TelemetryConnectionState.Connecting, null, attempt: false);

    public void Connected()
    {
        lock (_lock)
        {
            if (_everConnected)
            {
                _reconnects++;
            }
            _everConnected = true;
            _attempts = 0;
        }
        SetConnection(TelemetryConnectionState.Connected, null, attempt: false);
    }

    public void Reconnecting(string? error) => SetConnection(TelemetryConnectionState.Reconnecting, error, attempt: true);

    public void Stopped() => SetConnection(TelemetryConnectionState.Stopped, null, attempt: false);

    /// <summary>A message arrived (valid or not): the feed is alive.</summary>
    public void Received(DateTimeOffset at) => Interlocked.Exchange(ref _lastMessageTicks, at.UtcTicks);

    public long Rejected(TelemetryRejection kind) => _rejections.AddOrUpdate(kind, 1, (_, n) => n + 1);

    public void Stored(int count) => Interlocked.Add(ref _stored, count);

    public void SinkHealth(bool failing)
    {
        if (_sinkFailing == failing)
        {
            return;
        }
        _sinkFailing = failing;
        Changed?.Invoke();
    }

    public TelemetryFeedSnapshot Snapshot()
    {
        var ticks = Interlocked.Read(ref _lastMessageTicks);
        DateTimeOffset? last = ticks < 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var stale = _connection != TelemetryConnectionState.Connected
                || last is null && now - _since > TimeSpan.FromSeconds(options.HeartbeatSeconds)
                || last is { } at && now - at > TimeSpan.FromSeconds(options.HeartbeatSeconds);
            return new TelemetryFeedSnapshot(_connection, _since, _lastError, _attempts, _reconnects, last, Interlocked.Read(ref _stored),
                _sinkFailing, new Dictionary<TelemetryRejection, long>(_rejections), stale);
        }
    }

    private void SetConnection(TelemetryConnectionState state, string? error, bool attempt)
    {
        lock (_lock)
        {
            if (attempt)
            {
                _attempts++;
            }
            _lastError = error ?? (state == TelemetryConnectionState.Connected ? null : _lastError);
            if (_connection == state)
            {
                return;
            }
            _connection = state;
            _since = time.GetUtcNow();
        }
        Changed?.Invoke();
    }
}
