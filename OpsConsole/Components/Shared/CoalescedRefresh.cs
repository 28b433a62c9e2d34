namespace OpsConsole.Components.Shared;

/// <summary>
/// Turns a burst of change events into one reload: the first event in a quiet period schedules a refresh after a
/// short window, and events arriving before it runs ride along. A page open on a busy dispatch floor (thousands of
/// claims a second) reloads a few times a second instead of once per claim.
/// </summary>
public sealed class CoalescedRefresh(Func<Task> refresh, TimeSpan? window = null)
{
    private readonly TimeSpan _window = window ?? TimeSpan.FromMilliseconds(250);
    private int _queued;

    public Task RequestAsync()
    {
        if (Interlocked.Exchange(ref _queued, 1) == 1)
        {
            return Task.CompletedTask;
        }
        return RunAsync();
    }

    private async Task RunAsync()
    {
        await Task.Delay(_window);
        Volatile.Write(ref _queued, 0);
        await refresh();
    }
}
