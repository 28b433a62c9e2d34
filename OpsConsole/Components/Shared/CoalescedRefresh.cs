using System.Runtime.CompilerServices;

namespace OpsConsole.Components.Shared;

/// <summary>
/// Turns a burst of change events into one reload: the first event in a quiet period schedules a refresh after a
/// short window, and events arriving before it runs ride along. A page open on a busy dispatch floor (thousands of
/// claims a second) reloads a few times a second instead of once per claim.
/// </summary>
/// <remarks>
/// Every live page refreshes through one of these, so it is also where a resync reaches them (ADR 0039): when the event
/// bridge saw a gap, a reconnect or Redis back after an outage, and every 10 s while live updates are degraded,
/// <see cref="ResyncAll"/> requests a reload from every instance still alive. They are held weakly: a page that went
/// away is forgotten with its subscription. The set is per process (one console per process in production; tests that
/// run two consoles in one process reload both consoles' pages, which only costs a reload).
/// </remarks>
public sealed class CoalescedRefresh
{
    private static readonly ConditionalWeakTable<CoalescedRefresh, object?> Live = new();

    private readonly Func<Task> _refresh;
    private readonly TimeSpan _window;
    private int _queued;

    public CoalescedRefresh(Func<Task> refresh, TimeSpan? window = null)
    {
        _refresh = refresh;
        _window = window ?? TimeSpan.FromMilliseconds(250);
        Live.AddOrUpdate(this, null);
    }

    /// <summary>Asks every live page to reload its data (it may have missed changes).</summary>
    public static void ResyncAll()
    {
        foreach (var (refresh, _) in Live)
        {
            _ = refresh.ResyncAsync();
        }
    }

    public Task RequestAsync()
    {
        if (Interlocked.Exchange(ref _queued, 1) == 1)
        {
            return Task.CompletedTask;
        }
        return RunAsync();
    }

    private async Task ResyncAsync()
    {
        try
        {
            await RequestAsync();
        }
        catch (Exception)
        {
            // A page that went away between its last event and this resync: nothing to reload.
        }
    }

    private async Task RunAsync()
    {
        await Task.Delay(_window);
        Volatile.Write(ref _queued, 0);
        await _refresh();
    }
}
