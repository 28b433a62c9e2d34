using System.Collections.Concurrent;
using System.Text.Json;
using OpsConsole.Core.Shared.Cluster;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Infrastructure.Cluster;
using StackExchange.Redis;

namespace OpsConsole.Infrastructure.Events;

/// <summary>
/// What crosses Redis for one event: the instance it was published on, its id, its topic's sequence number on that
/// instance (1, 2, 3… since that instance started), its type's full name and its JSON.
/// </summary>
public sealed record BridgeEnvelope(string Origin, Guid Id, string Topic, long Sequence, string Type, string Json);

/// <summary>
/// The in-process event stream bridged over Redis pub/sub (ADR 0039): every event published here goes to one channel,
/// and every event another instance published there is published here, once. Own echoes and duplicates are dropped;
/// a gap in an origin's topic sequence, a reconnect or Redis coming back after an outage asks every page to resync
/// (<see cref="LiveUpdates"/>), and while Redis is away live updates are marked degraded.
/// </summary>
public sealed class RedisEventBridge(ClusterOptions cluster, ClusterRedis redis, IOpsEventStream events, BridgedEvents bridged,
    LiveUpdates live, ILogger<RedisEventBridge> logger) : IHostedService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal(ClusterRedis.ChannelPrefix + ":events");
    private const int RememberedIds = 20_000;

    private readonly ConcurrentDictionary<string, long> _sent = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Origin, string Topic), long> _heard = [];
    private readonly HashSet<Guid> _seenIds = [];
    private readonly Queue<Guid> _seenOrder = new();
    private IConnectionMultiplexer? _connection;
    private ChannelMessageQueue? _queue;
    private IDisposable? _subscription;
    private long _received;
    private long _dropped;

    /// <summary>Events received from other instances and published here.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Envelopes dropped as own echoes or duplicates.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _connection = await redis.ConnectionAsync();
        _connection.ConnectionFailed += (_, e) => live.MarkDegraded($"Redis is not reachable ({e.FailureType}); live updates from other instances are paused.");
        _connection.ConnectionRestored += (_, e) =>
        {
            if (_connection.IsConnected)
            {
                live.MarkLive($"Redis reconnected ({e.ConnectionType})");
            }
        };
        if (!_connection.IsConnected)
        {
            live.MarkDegraded("Redis is not reachable; live updates from other instances are paused.");
        }
        _queue = await _connection.GetSubscriber().SubscribeAsync(Channel);
        _queue.OnMessage(message => Receive(message.Message));
        _subscription = events.Subscribe<IOpsEvent>(SendAsync);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        if (_queue is not null)
        {
            await _queue.UnsubscribeAsync();
        }
    }

    private async Task SendAsync(IOpsEvent evt)
    {
        if (bridged.Contains(evt) || _connection is null)
        {
            return;
        }
        // Numbered before sending: an event that cannot be sent (Redis away) leaves a gap the others notice.
        var sequence = _sent.AddOrUpdate(evt.Topic, 1, (_, last) => last + 1);
        if (!_connection.IsConnected)
        {
            return;
        }
        var envelope = new BridgeEnvelope(cluster.InstanceId, Guid.NewGuid(), evt.Topic, sequence, evt.GetType().FullName!, OpsEventTypes.Serialize(evt));
        try
        {
            await _connection.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(envelope));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning("Could not bridge {Type} on {Topic}: {Reason}", evt.GetType().Name, evt.Topic, e.Message);
        }
    }

    /// <summary>One envelope from the channel (they arrive one at a time, in order).</summary>
    public void Receive(RedisValue message)
    {
        BridgeEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<BridgeEnvelope>(message.ToString());
        }
        catch (JsonException e)
        {
            logger.LogWarning("Ignoring a message on {Channel} that is not an event envelope: {Reason}", Channel, e.Message);
            return;
        }
        if (envelope is null || envelope.Origin == cluster.InstanceId || !FirstTime(envelope.Id))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        CheckSequence(envelope);
        IOpsEvent? evt;
        try
        {
            evt = OpsEventTypes.Deserialize(envelope.Type, envelope.Json);
        }
        catch (JsonException e)
        {
            logger.LogWarning("Could not read a bridged {Type} from {Origin}: {Reason}", envelope.Type, envelope.Origin, e.Message);
            live.RequestResync("an unreadable bridged event");
            return;
        }
        if (evt is null)
        {
            // Another version of the console (a rolling upgrade) sent a type this one does not know.
            live.RequestResync($"an unknown event type {envelope.Type}");
            return;
        }
        bridged.Mark(evt);
        Interlocked.Increment(ref _received);
        events.Publish(evt);
    }

    private bool FirstTime(Guid id)
    {
        lock (_seenIds)
        {
            if (!_seenIds.Add(id))
            {
                return false;
            }
            _seenOrder.Enqueue(id);
            if (_seenOrder.Count > RememberedIds)
            {
                _seenIds.Remove(_seenOrder.Dequeue());
            }
            return true;
        }
    }

    private void CheckSequence(BridgeEnvelope envelope)
    {
        string? gap = null;
        lock (_heard)
        {
            var key = (envelope.Origin, envelope.Topic);
            if (_heard.TryGetValue(key, out var last) && envelope.Sequence != last + 1)
            {
                gap = envelope.Sequence > last + 1
                    ? $"{envelope.Sequence - last - 1} event(s) missed on {envelope.Topic} from {envelope.Origin}"
                    : $"{envelope.Origin} restarted";
            }
            _heard[key] = envelope.Sequence;
        }
        if (gap is not null)
        {
            logger.LogInformation("Resyncing pages: {Gap}", gap);
            live.RequestResync(gap);
        }
    }
}
