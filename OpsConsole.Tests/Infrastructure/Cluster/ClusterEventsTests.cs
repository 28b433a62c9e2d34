using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Infrastructure.Events;
using OpsConsole.Tests.TestSupport;
using Quartz;
using StackExchange.Redis;

namespace OpsConsole.Tests.Infrastructure.Cluster;

/// <summary>
/// Two clustered consoles on one PostgreSQL and the test Redis (ADR 0039): the switch turns on the clustered scheduler,
/// the backplane and the cache's second level; an event published on A reaches B's stream and B's hub clients once;
/// echoes and duplicates are dropped, a gap resyncs, and a cache entry evicted on A is evicted on B.
/// </summary>
public sealed class ClusterEventsTests(ClusterEventsTests.Consoles consoles) : IClassFixture<ClusterEventsTests.Consoles>
{
    /// <summary>The two consoles, started once for the class (each test uses markers of its own).</summary>
    public sealed class Consoles : IAsyncLifetime
    {
        public string Redis { get; private set; } = "";
        public TwoInstances Cluster { get; private set; } = default!;

        public ValueTask InitializeAsync()
        {
            Redis = TestRedis.Shared();
            Cluster = new TwoInstances(Redis);
            _ = Cluster.A.Server;
            _ = Cluster.B.Server;
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => Cluster?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private readonly TwoInstances _cluster = consoles.Cluster;
    private readonly string _redis = consoles.Redis;

    private static T Service<T>(OpsAppFactory app) where T : notnull => app.Services.GetRequiredService<T>();

    private static AuditRecorded Ping(string marker) => new(1, DateTime.UtcNow, "tester", "shared", "cluster.ping", "Test", marker);

    /// <summary>Every <see cref="AuditRecorded"/> with a test marker the instance's stream delivers.</summary>
    private static ConcurrentQueue<string> Heard(OpsAppFactory app, List<IDisposable> subscriptions)
    {
        var heard = new ConcurrentQueue<string>();
        subscriptions.Add(Service<IOpsEventStream>(app).Subscribe<AuditRecorded>(e =>
        {
            if (e.Action == "cluster.ping") heard.Enqueue(e.EntityId!);
            return Task.CompletedTask;
        }));
        return heard;
    }

    [Fact]
    public async Task TheSwitch_TurnsOnTheClusteredQuartzStore_TheRedisBackplane_TheCachesSecondLevel_AndTheLiveUpdatesCheck()
    {
        var scheduler = await Service<ISchedulerFactory>(_cluster.A).GetScheduler(TestContext.Current.CancellationToken);
        var meta = await scheduler.GetMetadata(TestContext.Current.CancellationToken);
        meta.JobStoreClustered.Should().BeTrue();
        meta.JobStorePersistent.Should().BeTrue("Cluster:Enabled needs no Scheduler:Store=Persistent beside it");
        Service<HubLifetimeManager<OpsHub>>(_cluster.A).GetType().Name.Should().StartWith("RedisHubLifetimeManager");
        Service<IDistributedCache>(_cluster.A).GetType().Name.Should().StartWith("RedisCache");

        using var client = _cluster.B.CreateClient();
        var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready", TestContext.Current.CancellationToken);
        ready.GetProperty("checks").GetProperty("live-updates").GetProperty("status").GetString().Should().Be("Healthy");
    }

    [Fact]
    public async Task AnEventPublishedOnA_ReachesBsStreamAndBsHubClientOnce_AndIsNotEchoedBackToA()
    {
        var subscriptions = new List<IDisposable>();
        var onA = Heard(_cluster.A, subscriptions);
        var onB = Heard(_cluster.B, subscriptions);
        var hubOnB = new ConcurrentQueue<string>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_cluster.B.Server.BaseAddress, "hubs/ops?topics=audit"), o =>
            {
                o.HttpMessageHandlerFactory = _ => _cluster.B.Server.CreateHandler();
                o.AccessTokenProvider = async () => await _cluster.B.TokenAsync("admin");
            })
            .Build();
        hub.On<JsonElement>(OpsHub.EventMethod, message =>
        {
            if (message.GetProperty("data").TryGetProperty("action", out var action) && action.GetString() == "cluster.ping")
            {
                hubOnB.Enqueue(message.GetProperty("data").GetProperty("entity_id").GetString()!);
            }
        });
        await hub.StartAsync(TestContext.Current.CancellationToken);
        (await hub.InvokeAsync<TopicJoin>("Join", "audit", TestContext.Current.CancellationToken)).Joined.Should().BeTrue();

        Service<IOpsEventStream>(_cluster.A).Publish(Ping("first"));
        Service<IOpsEventStream>(_cluster.A).Publish(Ping("second"));

        await Until.TrueAsync(() => onB.Count == 2 && hubOnB.Count >= 2, "both events on B's stream and B's hub client", TimeSpan.FromSeconds(20));
        onB.Should().Equal("first", "second");
        // A third event, once arrived, shows nothing more was on its way for the first two (one channel, in order).
        Service<IOpsEventStream>(_cluster.A).Publish(Ping("third"));
        await Until.TrueAsync(() => hubOnB.Contains("third") && onB.Contains("third"), "the third event on B", TimeSpan.FromSeconds(20));
        hubOnB.Should().Equal(["first", "second", "third"], "the relay on B leaves bridged events to the backplane: once, not twice");
        onA.Should().Equal(["first", "second", "third"], "A hears its own events once, never their echo from Redis");
        subscriptions.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task EnvelopesFromItself_AndDuplicates_AreDropped_AndAGapInATopicsSequence_ResyncsThePages()
    {
        var subscriptions = new List<IDisposable>();
        var onB = Heard(_cluster.B, subscriptions);
        var live = Service<LiveUpdates>(_cluster.B);
        var bridge = Service<RedisEventBridge>(_cluster.B);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis);
        Task SendAsync(string origin, Guid id, long sequence, string marker) => redis.GetSubscriber().PublishAsync(RedisEventBridge.Channel,
            JsonSerializer.Serialize(new BridgeEnvelope(origin, id, "audit", sequence, typeof(AuditRecorded).FullName!, OpsEventTypes.Serialize(Ping(marker)))));

        var once = Guid.NewGuid();
        await SendAsync("other", once, 1, "once");
        await SendAsync("other", once, 1, "once");
        await SendAsync("b", Guid.NewGuid(), 1, "echo");
        await SendAsync("other", Guid.NewGuid(), 2, "next");
        await Until.TrueAsync(() => onB.Contains("next"), "the next event on B", TimeSpan.FromSeconds(20));
        onB.Should().Equal("once", "next");
        bridge.Dropped.Should().BeGreaterThanOrEqualTo(2);

        var resyncs = live.Resyncs;
        await SendAsync("other", Guid.NewGuid(), 5, "after-a-gap");
        await Until.TrueAsync(() => onB.Contains("after-a-gap"), "the event after the gap on B", TimeSpan.FromSeconds(20));
        live.Resyncs.Should().BeGreaterThan(resyncs, "events 3 and 4 never came: every page reloads");
        subscriptions.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task ACacheEntryEvictedOnA_IsEvictedFromBsMemoryToo()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = "test:cluster:" + Guid.NewGuid().ToString("N");
        var onB = Service<HybridCache>(_cluster.B);
        (await onB.GetOrCreateAsync(key, _ => ValueTask.FromResult("old"), cancellationToken: ct)).Should().Be("old");

        await Service<SharedCacheEviction>(_cluster.A).RemoveAsync(key, ct);

        await Until.TrueAsync(async () => await onB.GetOrCreateAsync(key, _ => ValueTask.FromResult("new"), cancellationToken: ct) == "new",
            "B to forget the entry A evicted", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task ASettingSavedOnA_IsAppliedOnB_BeforeItsSnapshotIsDueForRenewal()
    {
        var ct = TestContext.Current.CancellationToken;
        const string Key = OpsConsole.Core.Maintenance.MaintenanceSettings.TelemetryRetentionDaysKey;
        var onB = Service<OpsConsole.Core.Shared.Settings.RuntimeSettings>(_cluster.B);
        var before = (await onB.ReadFreshAsync("maintenance", ct)).Whole(Key); // a snapshot of B's own, renewed only after 30 s
        var wanted = before == 45 ? 46 : 45;

        var saved = await Service<OpsConsole.Core.Shared.Settings.RuntimeSettings>(_cluster.A).SaveAsync(
            new OpsConsole.Core.Shared.Auditing.Actor("admin", ["admin"]), "maintenance",
            new Dictionary<string, string?> { [Key] = wanted.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ct: ct);
        saved.Succeeded.Should().BeTrue(saved.Describe());

        await Until.TrueAsync(async () => (await onB.ReadAsync("maintenance", ct)).Whole(Key) == wanted,
            "B to apply the setting A saved", TimeSpan.FromSeconds(10));
    }
}
