namespace OpsConsole.Components.Shared;

/// <summary>
/// The one clock of a circuit (scoped, so one per browser tab, disposed with it): a single one-second timer that
/// every relative time (<see cref="Ago"/>) and every "for N s" on screen listens to, instead of a timer per row or
/// per page (ADR 0019). The timer runs only while something listens, so a page without relative times costs nothing.
/// Listeners are called on the timer's thread; a component re-renders through its own <c>InvokeAsync</c>.
/// </summary>
public sealed class CircuitClock(TimeProvider time) : IDisposable
{
    public static readonly TimeSpan TickEvery = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly List<Func<Task>> _listeners = [];
    private ITimer? _timer;
    private bool _disposed;

    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;

    /// <summary>Whether the timer runs now (tests: one per circuit, none once nothing listens).</summary>
    public bool IsTicking
    {
        get
        {
            lock (_gate)
            {
                return _timer is not null;
            }
        }
    }

    /// <summary>Calls <paramref name="onTick"/> every second until the returned subscription is disposed.</summary>
    public IDisposable Subscribe(Func<Task> onTick)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _listeners.Add(onTick);
            _timer ??= time.CreateTimer(_ => _ = TickAsync(), null, TickEvery, TickEvery);
        }
        return new Subscription(this, onTick);
    }

    private async Task TickAsync()
    {
        Func<Task>[] listeners;
        lock (_gate)
        {
            listeners = [.. _listeners];
        }
        foreach (var listener in listeners)
        {
            try
            {
                await listener();
            }
            catch (ObjectDisposedException)
            {
                // A component that went away between the copy and its turn.
            }
        }
    }

    private void Unsubscribe(Func<Task> onTick)
    {
        lock (_gate)
        {
            _listeners.Remove(onTick);
            if (_listeners.Count == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _listeners.Clear();
            _timer?.Dispose();
            _timer = null;
        }
    }

    private sealed class Subscription(CircuitClock clock, Func<Task> onTick) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                clock.Unsubscribe(onTick);
            }
        }
    }
}
