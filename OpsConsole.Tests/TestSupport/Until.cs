namespace OpsConsole.Tests.TestSupport;

/// <summary>Polls a condition with a deadline, so a test that waits for something fails by name instead of hanging the run.</summary>
public static class Until
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task TrueAsync(Func<Task<bool>> condition, string waitingFor, TimeSpan? timeout = null, int pollMs = 50)
    {
        var ct = TestContext.Current.CancellationToken;
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up after {(timeout ?? DefaultTimeout).TotalSeconds:0} s waiting for {waitingFor}.");
            }
            await Task.Delay(pollMs, ct);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string waitingFor, TimeSpan? timeout = null, int pollMs = 50) =>
        TrueAsync(() => Task.FromResult(condition()), waitingFor, timeout, pollMs);
}
