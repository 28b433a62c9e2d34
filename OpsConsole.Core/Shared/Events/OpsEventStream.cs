using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace OpsConsole.Core.Shared.Events;

public interface IOpsEventStream
{
    void Publish(IOpsEvent evt);

    /// <summary>Calls the handler, one event at a time, for every published event of type T until disposed.</summary>
    IDisposable Subscribe<T>(Func<T, Task> handler) where T : IOpsEvent;
}

/// <summary>
/// In-process publish/subscribe. Each subscription has its own bounded queue and reader, so a slow subscriber (a
/// Blazor circuit on a bad network) never holds up the publisher or other subscribers; it loses its oldest events
/// instead.
/// </summary>
public sealed class OpsEventStream(ILogger<OpsEventStream> logger) : IOpsEventStream
{
    private readonly ILogger _logger = logger;
    private const int QueueCapacity = 1024;
    private readonly Lock _gate = new();
    private Subscription[] _subscriptions = [];

    public int SubscriberCount => Volatile.Read(ref _subscriptions).Length;

    public void Publish(IOpsEvent evt)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (subscription.Accepts(evt))
            {
                subscription.Queue.Writer.TryWrite(evt);
            }
        }
    }

    public IDisposable Subscribe<T>(Func<T, Task> handler) where T : IOpsEvent
    {
        var subscription = new Subscription(this, typeof(T), evt => handler((T)evt));
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }
        subscription.Start();
        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = _subscriptions.Where(s => s != subscription).ToArray();
        }
    }

    private sealed class Subscription(OpsEventStream owner, Type eventType, Func<IOpsEvent, Task> handler) : IDisposable
    {
        public Channel<IOpsEvent> Queue { get; } = Channel.CreateBounded<IOpsEvent>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public bool Accepts(IOpsEvent evt) => eventType.IsInstanceOfType(evt);

        public void Start() => _ = Task.Run(ReadAsync);

        private async Task ReadAsync()
        {
            await foreach (var evt in Queue.Reader.ReadAllAsync())
            {
                try
                {
                    await handler(evt);
                }
                catch (Exception ex)
                {
                    owner._logger.LogWarning(ex, "An event subscriber failed on {EventType}", evt.GetType().Name);
                }
            }
        }

        public void Dispose()
        {
            owner.Remove(this);
            Queue.Writer.TryComplete();
        }
    }
}
