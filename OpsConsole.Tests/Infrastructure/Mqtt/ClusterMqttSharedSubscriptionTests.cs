using Microsoft.Extensions.Configuration;
using OpsConsole.Core.Maintenance.Telemetry;
using OpsConsole.Infrastructure.Mqtt;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Mqtt;

/// <summary>
/// `Cluster:Enabled`: each instance subscribes in the shared group `$share/opsconsole/…` with a client id of its own
/// and a persistent session, so N consoles split the telemetry stream (issue 20 item 4, ADR 0040).
/// </summary>
public sealed class ClusterMqttSharedSubscriptionTests
{
    /// <summary>Counts what one instance was handed, into the one table both instances store in.</summary>
    private sealed class CountingSink(ITelemetrySink inner) : ITelemetrySink
    {
        private long _handed;
        public long Handed => Interlocked.Read(ref _handed);

        public Task StoreAsync(IReadOnlyList<TelemetryMessage> batch, CancellationToken ct)
        {
            Interlocked.Add(ref _handed, batch.Count);
            return inner.StoreAsync(batch, ct);
        }
    }

    private static Dictionary<string, string?> Clustered(string instance) => new()
    {
        ["Cluster:Enabled"] = "true",
        ["Cluster:InstanceId"] = instance,
    };

    [Fact]
    public void Clustered_SubscribesShared_WithAClientIdPerInstance_AndAloneAsBefore()
    {
        var clustered = Read(Clustered("console-a"));
        clustered.ClientId.Should().Be("opsconsole-telemetry-console-a");
        clustered.Subscription("p/machines/+/status").Should().Be("$share/opsconsole/p/machines/+/status");
        var alone = Read(new Dictionary<string, string?> { ["Cluster:InstanceId"] = "console-a" });
        alone.ClientId.Should().Be("opsconsole-telemetry");
        alone.Subscription("p/machines/+/status").Should().Be("p/machines/+/status");
    }

    [Fact]
    public async Task TwoInstances_EachGetAShare_AndTogetherStoreEveryMessageExactlyOnce()
    {
        var (_, port) = MqttBrokers.Shared();
        var prefix = MqttBrokers.NewPrefix();
        var table = new SqliteTelemetryTable();
        var sinkA = new CountingSink(table);
        var sinkB = new CountingSink(table);
        await using var a = new TelemetryRig(port, prefix, "console-" + prefix, sinkA, Clustered("a")).Start();
        await using var b = new TelemetryRig(port, prefix, "console-" + prefix, sinkB, Clustered("b")).Start();
        await a.ConnectedAsync();
        await b.ConnectedAsync();

        await using var machines = new TestMachines(port, prefix);
        var plan = TestMachines.Plan(machines: 4, count: 800);
        await machines.PublishAsync(plan);

        await Until.TrueAsync(async () => await table.RowsAsync() == plan.Count, "all 800 messages stored", TimeSpan.FromSeconds(30));
        SqliteTelemetryTable.ShouldHoldExactly(await table.KeysAsync(), plan);
        sinkA.Handed.Should().BeGreaterThan(0, "instance a gets a share");
        sinkB.Handed.Should().BeGreaterThan(0, "instance b gets a share");
        (sinkA.Handed + sinkB.Handed).Should().Be(plan.Count, "the broker hands each message to one member of the group, not to both");
    }

    private static MqttOptions Read(Dictionary<string, string?> settings) =>
        MqttOptions.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(),
            new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Testing" });
}
