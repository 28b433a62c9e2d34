using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpsConsole.Core.Shared.Cluster;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Infrastructure.Events;
using OpsConsole.Infrastructure.Health;
using OpsConsole.Infrastructure.Mqtt;

namespace OpsConsole.Infrastructure.Cluster;

/// <summary>`Cluster:Enabled` (ADR 0039): checks what it needs, then adds what makes N instances behave as one.</summary>
public static class ClusterServices
{
    /// <summary>
    /// With the switch on: refuses a start without a shared database, Redis or an external broker; adds the Redis
    /// connection, the event bridge, the SignalR backplane, the cache's Redis second level with cross-instance eviction,
    /// and the live-updates health check. The clustered Quartz store is <see cref="Scheduling.PersistentScheduler"/>,
    /// chosen where the scheduler is added. Without it: only the pieces a single instance needs to run the same pages.
    /// </summary>
    public static IServiceCollection AddOpsCluster(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var cluster = ClusterOptionsOf(services);
        services.AddSingleton<BridgedEvents>();
        services.AddHostedService<LiveResyncPump>();
        if (!cluster.Enabled)
        {
            return services;
        }
        ClusterRequirements.Enforce(cluster, CoreDatabase(services), MqttOptions.Read(configuration, environment));

        services.AddSingleton<ClusterRedis>();
        services.AddSingleton<RedisEventBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisEventBridge>());
        // The backplane and the cache keep connections of their own: each disposes the one it holds when it stops.
        services.AddSignalR().AddStackExchangeRedis(cluster.RedisConnection!, o =>
        {
            o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal(ClusterRedis.ChannelPrefix);
            o.Configuration.AbortOnConnectFail = false;
        });
        services.AddStackExchangeRedisCache(o =>
        {
            o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(cluster.RedisConnection!);
            o.ConfigurationOptions.AbortOnConnectFail = false;
            o.InstanceName = ClusterRedis.ChannelPrefix + ":cache:";
        });
        services.AddHostedService<CacheEvictionListener>();
        services.AddHostedService<SettingsChangeListener>();
        services.AddHealthChecks().AddCheck<LiveUpdatesHealthCheck>("live-updates", tags: [OpsHealthChecks.ReadyTag]);
        return services;
    }

    /// <summary>The switch as <c>AddOpsCore</c> registered it (the one place it is read from configuration).</summary>
    public static ClusterOptions ClusterOptionsOf(IServiceCollection services) =>
        services.LastOrDefault(d => d.ServiceType == typeof(ClusterOptions))?.ImplementationInstance as ClusterOptions
        ?? throw new InvalidOperationException("AddOpsCore must run before AddOpsWeb.");

    private static DatabaseOptions CoreDatabase(IServiceCollection services) =>
        (DatabaseOptions)services.Last(d => d.ServiceType == typeof(DatabaseOptions)).ImplementationInstance!;
}
