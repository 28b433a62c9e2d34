using OpsConsole.Core.Shared.Cluster;
using StackExchange.Redis;

namespace OpsConsole.Infrastructure.Cluster;

/// <summary>
/// The one Redis connection of a clustered instance, shared by the event bridge and the cache's second level. It is
/// made without waiting for Redis (AbortOnConnectFail off): an instance starts while Redis is down, runs degraded,
/// and the client reconnects by itself.
/// </summary>
public sealed class ClusterRedis(ClusterOptions cluster, ILogger<ClusterRedis> logger) : IAsyncDisposable
{
    public const string ChannelPrefix = "opsconsole";

    private readonly Lazy<Task<IConnectionMultiplexer>> _connection = new(() => ConnectAsync(cluster, logger));

    public Task<IConnectionMultiplexer> ConnectionAsync() => _connection.Value;

    private static async Task<IConnectionMultiplexer> ConnectAsync(ClusterOptions cluster, ILogger logger)
    {
        var options = ConfigurationOptions.Parse(cluster.RedisConnection ?? throw new InvalidOperationException("Redis:Connection is not set."));
        options.AbortOnConnectFail = false;
        options.ClientName ??= "opsconsole-" + cluster.InstanceId;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 3000);
        // Reconnect soon after Redis returns (the default backs off to tens of seconds).
        options.ReconnectRetryPolicy = new LinearRetry(500);
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        logger.LogInformation("Redis {Endpoints}: {State}", string.Join(",", options.EndPoints), connection.IsConnected ? "connected" : "not reachable yet");
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            (await _connection.Value).Dispose();
        }
    }
}
