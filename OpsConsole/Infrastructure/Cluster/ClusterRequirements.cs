using OpsConsole.Core.Shared.Cluster;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Infrastructure.Mqtt;

namespace OpsConsole.Infrastructure.Cluster;

/// <summary>
/// What `Cluster:Enabled=true` needs (ADR 0039): a database every instance shares (PostgreSQL or SQL Server, not a
/// SQLite file), `Redis:Connection` for the event bridge, the backplane and the cache's second level, and a broker
/// every instance reaches (not the embedded one, which lives in one instance). Started without them the console
/// refuses, naming the setting to change, rather than run as N instances that silently disagree.
/// </summary>
public static class ClusterRequirements
{
    public static IReadOnlyList<string> Problems(ClusterOptions cluster, DatabaseOptions database, MqttOptions mqtt)
    {
        if (!cluster.Enabled)
        {
            return [];
        }
        var problems = new List<string>();
        if (database.Provider is not (DatabaseProvider.PostgreSql or DatabaseProvider.SqlServer))
        {
            problems.Add($"Database:Provider is {database.Provider}: every instance must share one database, so set Database:Provider to PostgreSql or SqlServer (and ConnectionStrings:OpsConsole to it).");
        }
        if (cluster.RedisConnection is null)
        {
            problems.Add("Redis:Connection is not set: the instances hear each other's changes through Redis, so set Redis:Connection (for example redis:6379).");
        }
        if (mqtt.Enabled && mqtt.EmbeddedBroker)
        {
            problems.Add("Mqtt:EmbeddedBroker is on: a broker inside one instance dies with it, so set Mqtt:EmbeddedBroker=false and Mqtt:Host/Mqtt:Port to the plant's broker.");
        }
        return problems;
    }

    /// <summary>Throws, naming every setting to change, when the cluster switch is on without what it needs.</summary>
    public static void Enforce(ClusterOptions cluster, DatabaseOptions database, MqttOptions mqtt)
    {
        var problems = Problems(cluster, database, mqtt);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Cluster:Enabled=true, but the console cannot run as one of several instances: "
                + string.Join(" ", problems) + " (Or set Cluster:Enabled=false to run a single instance.)");
        }
    }
}
