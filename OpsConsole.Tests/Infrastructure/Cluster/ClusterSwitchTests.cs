using OpsConsole.Core.Shared.Cluster;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Infrastructure.Cluster;
using OpsConsole.Infrastructure.Mqtt;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Cluster;

/// <summary>`Cluster:Enabled` refuses to start without what N instances need, naming the setting to change (ADR 0039).</summary>
public sealed class ClusterSwitchTests
{
    private static readonly ClusterOptions On = new() { Enabled = true, InstanceId = "a", RedisConnection = "127.0.0.1:6379" };
    private static readonly DatabaseOptions Postgres = new() { Provider = DatabaseProvider.PostgreSql, ConnectionString = "Host=x" };
    private static readonly MqttOptions ExternalBroker = new() { Enabled = true, EmbeddedBroker = false, Host = "broker" };

    [Fact]
    public void WithPostgresRedisAndAnExternalBroker_NothingIsMissing() =>
        ClusterRequirements.Problems(On, Postgres, ExternalBroker).Should().BeEmpty();

    [Fact]
    public void Off_NeedsNothing() =>
        ClusterRequirements.Problems(On with { Enabled = false, RedisConnection = null },
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = "Data Source=x" }, new MqttOptions { Enabled = true, EmbeddedBroker = true })
            .Should().BeEmpty();

    [Fact]
    public void OnSqlite_ItRefuses_NamingDatabaseProvider() =>
        ClusterRequirements.Problems(On, new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = "Data Source=x" }, ExternalBroker)
            .Should().ContainSingle().Which.Should().Contain("Database:Provider is Sqlite").And.Contain("PostgreSql or SqlServer");

    [Fact]
    public void WithoutRedis_ItRefuses_NamingRedisConnection() =>
        ClusterRequirements.Problems(On with { RedisConnection = null }, Postgres, ExternalBroker)
            .Should().ContainSingle().Which.Should().Contain("Redis:Connection is not set");

    [Fact]
    public void WithTheEmbeddedBroker_ItRefuses_NamingMqttEmbeddedBroker() =>
        ClusterRequirements.Problems(On, Postgres, new MqttOptions { Enabled = true, EmbeddedBroker = true })
            .Should().ContainSingle().Which.Should().Contain("Mqtt:EmbeddedBroker is on").And.Contain("Mqtt:Host");

    [Fact]
    public async Task TheConsole_StartedClusteredOnSqliteWithoutRedis_RefusesToStart_SayingWhy()
    {
        await using var app = new OpsAppFactory(settings: new Dictionary<string, string?> { ["Cluster:Enabled"] = "true" });
        var start = () => app.CreateClient();
        start.Should().Throw<InvalidOperationException>()
            .Which.Message.Should().Contain("Cluster:Enabled=true").And.Contain("Database:Provider is Sqlite").And.Contain("Redis:Connection is not set");
    }
}
