using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Sync;
using OpsConsole.Core.Sync.Adapters;
using OpsConsole.Simulators;
using OpsConsole.Simulators.Sync;

namespace OpsConsole.Tests.TestSupport;

/// <summary>The Sync module's test builders: fresh simulated task systems, adapters to them, a connection between them.</summary>
public static class SyncTestData
{
    /// <summary>Both simulated task systems emptied and re-seeded (the source with <paramref name="sourceTasks"/>), every switch off.</summary>
    public static SyncSimulators ResetSimulators(OpsAppFactory app, int sourceTasks = 6, int destinationTasks = 0)
    {
        var simulators = app.Services.GetRequiredService<SyncSimulators>();
        app.Services.GetRequiredService<SimulatorRegistry>().ResetAll();
        simulators.Source.Configure(new TaskSystemSettings());
        simulators.Destination.Configure(new TaskSystemSettings());
        simulators.Source.Reset(sourceTasks);
        simulators.Destination.Reset(destinationTasks);
        // What the engine learned of a simulator's rate limit in an earlier test would hold this test's calls back.
        var rateLimits = app.Services.GetRequiredService<SyncRateLimits>();
        rateLimits.Forget(TaskSystemDialect.Source.AdapterConfig());
        rateLimits.Forget(TaskSystemDialect.Destination.AdapterConfig());
        return simulators;
    }

    public static ITaskSystemAdapter Source(OpsAppFactory app) =>
        app.Services.GetRequiredService<TaskSystemAdapters>().For(TaskSystemDialect.Source.AdapterConfig());

    public static ITaskSystemAdapter Destination(OpsAppFactory app, bool sendsIdempotencyKey = false) =>
        app.Services.GetRequiredService<TaskSystemAdapters>().For(TaskSystemDialect.Destination.AdapterConfig(sendsIdempotencyKey));

    /// <summary>The demo connection's map under a new name (and the given changes).</summary>
    public static async Task<SyncConnection> ConnectionAsync(OpsAppFactory app, Func<ConnectionRequest, ConnectionRequest>? change = null)
    {
        var request = Simulators.Sync.SyncDemoConnection.Request() with { Name = "test " + Guid.NewGuid().ToString("N")[..8] };
        var result = await app.Services.GetRequiredService<SyncConnections>().CreateAsync(Actor.System, change?.Invoke(request) ?? request,
            TestContext.Current.CancellationToken);
        result.Succeeded.Should().BeTrue(result.Describe());
        return result.Value!;
    }

    public static async Task<IReadOnlyList<RemoteTask>> AllAsync(ITaskSystemAdapter adapter)
    {
        var all = new List<RemoteTask>();
        string? next = null;
        do
        {
            var page = await adapter.ListChangedAsync(null, next, TestContext.Current.CancellationToken);
            all.AddRange(page.Items);
            next = page.Next;
        }
        while (next is not null);
        return all;
    }
}

/// <summary>
/// One console on a real loopback port for a Sync test class, its upstream timeouts long enough for a cold first call on
/// a busy machine (a create that times out is an uncertain outcome, which the tests mean only when they cause it).
/// </summary>
public sealed class SyncApp() : OpsAppFactory(settings: new Dictionary<string, string?>
{
    ["Resilience:AttemptTimeoutSeconds"] = "15",
    ["Resilience:TotalTimeoutSeconds"] = "30",
}), IAsyncLifetime
{
    public string BaseUrl { get; private set; } = "";

    public ValueTask InitializeAsync()
    {
        BaseUrl = StartKestrel();
        return ValueTask.CompletedTask;
    }
}
