namespace OpsConsole.Core.Shared.Events;

/// <summary>
/// Whether this instance hears every change made on the others right now (ADR 0039). One instance alone always does.
/// A clustered instance does while its Redis event bridge is connected; while it is not, the shell says live updates
/// are degraded, pages reload on a short timer, and `/health/ready` says Degraded. A resync (a gap in a topic's
/// sequence, a reconnect, Redis back after an outage) makes every open page reload its data.
/// </summary>
public sealed class LiveUpdates
{
    private readonly Lock _gate = new();
    private long _resyncs;

    public bool Degraded { get; private set; }

    /// <summary>Why live updates are degraded (for the health check and the logs), while they are.</summary>
    public string? Reason { get; private set; }

    /// <summary>How many resyncs were asked for since start (tests wait on it).</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>Raised when <see cref="Degraded"/> changes.</summary>
    public event Action? StateChanged;

    /// <summary>Raised when every open page should reload its data.</summary>
    public event Action<string>? ResyncRequested;

    public void MarkDegraded(string reason)
    {
        lock (_gate)
        {
            if (Degraded && Reason == reason)
            {
                return;
            }
            Degraded = true;
            Reason = reason;
        }
        StateChanged?.Invoke();
    }

    /// <summary>Live again: announces it and asks every page to resync (it may have missed changes meanwhile).</summary>
    public void MarkLive(string why)
    {
        lock (_gate)
        {
            if (!Degraded)
            {
                return;
            }
            Degraded = false;
            Reason = null;
        }
        StateChanged?.Invoke();
        RequestResync(why);
    }

    public void RequestResync(string why)
    {
        Interlocked.Increment(ref _resyncs);
        ResyncRequested?.Invoke(why);
    }
}
