using Microsoft.Extensions.Configuration;

namespace OpsConsole.Core.Shared.Cluster;

/// <summary>
/// `Cluster:*`: whether this console is one of several instances on one PostgreSQL or SQL Server database (issue 20),
/// and which one it is. Off by default: the embedded console (one instance, SQLite, in-memory scheduler, embedded
/// broker) is unchanged. The switch turns on the clustered Quartz store, the Redis event bridge, MQTT shared
/// subscriptions, the database file store and the leases.
/// </summary>
public sealed record ClusterOptions
{
    /// <summary>`Cluster:Enabled`.</summary>
    public bool Enabled { get; init; }

    /// <summary>
    /// `Cluster:InstanceId`: this instance's stable name (the MQTT client id and the "ran on" of a run come from it), the
    /// host name unless configured. Two instances on one host must be given different ids.
    /// </summary>
    public string InstanceId { get; init; } = Environment.MachineName;

    /// <summary>`Redis:Connection`: the StackExchange.Redis configuration string of the event bridge and the cache's second level.</summary>
    public string? RedisConnection { get; init; }

    public static ClusterOptions Read(IConfiguration configuration) => new()
    {
        Enabled = configuration.GetValue("Cluster:Enabled", false),
        InstanceId = configuration["Cluster:InstanceId"] is { Length: > 0 } id ? id : Environment.MachineName,
        RedisConnection = configuration["Redis:Connection"] is { Length: > 0 } redis ? redis : null,
    };
}
