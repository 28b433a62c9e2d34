using Microsoft.Extensions.Logging;
using OpsConsole.Core.Maintenance.Telemetry;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Mqtt;

/// <summary>The subscriber and its batch writer against the mosquitto test.sh starts, each test on its own topics and client ids.</summary>
public sealed class MqttTelemetryClientTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Messages_AreStoredExactlyOnce_EvenWhenAMachinePublishesOneTwice_AndGapsAreCounted()
    {
        var (_, port) = MqttBrokers.Shared();
        var prefix = MqttBrokers.NewPrefix();
        var table = new SqliteTelemetryTable();
        await using var rig = new TelemetryRig(port, prefix, "console-" + prefix, table).Start();
        await rig.ConnectedAsync();
        await using var machines = new TestMachines(port, prefix);

        var plan = TestMachines.Plan(machines: 4, count: 2000);
        await machines.PublishAsync(plan);
        // A gateway that resends (its PUBACK was lost) and one that skips seq 501..503 on M-00.
        await machines.PublishAsync(plan.Take(50).ToList());
        await machines.PublishAsync([("M-00", 504L)]);

        await Until.TrueAsync(async () => await table.RowsAsync() == 2001, "2,001 distinct messages stored", Wait);
        SqliteTelemetryTable.ShouldHoldExactly(await table.KeysAsync(), plan.Append(("M-00", 504L)));
        table.Handed.Should().BeGreaterThanOrEqualTo(2051, "the 50 resent messages reached the sink too and changed nothing");
        await Until.TrueAsync(() => rig.Feeds.Get("M-00")?.LastSeq == 504, "M-00's feed to reach seq 504", Wait);
        var m0 = rig.Feeds.Get("M-00")!;
        m0.SequenceGaps.Should().Be(1);
        m0.MissingMessages.Should().Be(3);
        rig.Feeds.Get("M-01")!.SequenceGaps.Should().Be(0, "resent messages are not gaps");
        rig.Feeds.Get("M-01")!.IsStale.Should().BeFalse();
        rig.Status.Snapshot().Should().Match<TelemetryFeedSnapshot>(s => s.Connection == TelemetryConnectionState.Connected && !s.IsStale && s.StoredMessages >= 2051);
    }

    [Fact]
    public async Task ACrashBetweenCommitAndAcknowledgement_TheBrokerRedeliversToTheSameClientId_AndEachMessageIsStoredOnce()
    {
        var (_, port) = MqttBrokers.Shared();
        var prefix = MqttBrokers.NewPrefix();
        var clientId = "console-" + prefix;
        var table = new SqliteTelemetryTable();
        var crashed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new TelemetryRig(port, prefix, clientId, table);
        // The first batch that commits kills the console before the writer can acknowledge anything.
        table.AfterCommit = async (batch, ct) =>
        {
            crashed.TrySetResult(batch.Count);
            await Task.Delay(Timeout.Infinite, ct);
        };
        first.Start();
        await first.ConnectedAsync();
        await using var machines = new TestMachines(port, prefix);
        var plan = TestMachines.Plan(machines: 3, count: 300);
        await machines.PublishAsync(plan);

        var committed = await crashed.Task.WaitAsync(Wait);
        await first.CrashAsync();
        await first.DisposeAsync();
        (await table.RowsAsync()).Should().Be(committed, "the crashed console committed one batch and acknowledged none of it");

        table.AfterCommit = null;
        await using var second = new TelemetryRig(port, prefix, clientId, table).Start();
        await Until.TrueAsync(async () => await table.RowsAsync() == plan.Count, "all 300 messages stored after the restart", Wait);
        SqliteTelemetryTable.ShouldHoldExactly(await table.KeysAsync(), plan);
        table.Handed.Should().BeGreaterThanOrEqualTo(plan.Count + committed, "the committed but unacknowledged batch came again");
    }

    [Fact]
    public async Task MalformedPayloads_AreCountedPerKind_LoggedOncePerKind_AndSkipped()
    {
        var (_, port) = MqttBrokers.Shared();
        var prefix = MqttBrokers.NewPrefix();
        var table = new SqliteTelemetryTable();
        var logs = new CapturedLogs();
        await using var rig = new TelemetryRig(port, prefix, "console-" + prefix, table, logs: logs).Start();
        await rig.ConnectedAsync();
        await using var machines = new TestMachines(port, prefix);
        var topics = new TelemetryTopics(prefix);

        var bad = new (string Topic, string Payload, TelemetryRejection Kind)[]
        {
            (topics.Status("M-01"), "not json at all", TelemetryRejection.NotJson),
            (topics.Status("M-01"), """{"machine_id":"M-01","seq":5""", TelemetryRejection.NotJson),
            (topics.Status("M-01"), """["M-01",5]""", TelemetryRejection.NotAnObject),
            (topics.Status("M-01"), """{"machine_id":"M-01","ts":"2026-12-07T07:00:00Z","state":"down"}""", TelemetryRejection.MissingField),
            (topics.Production("M-01"), """{"machine_id":"M-01","seq":7,"ts":"2026-12-07T07:00:00Z","good":3}""", TelemetryRejection.MissingField),
            (topics.Status("M-01"), """{"machine_id":"M-01","seq":8,"ts":"2026-12-07T07:00:00Z","state":"exploded"}""", TelemetryRejection.BadState),
            (topics.Status("M-01"), """{"machine_id":"M-01","seq":9,"ts":"2026-12-07T07:00:00Z","state":"Down"}""", TelemetryRejection.BadState),
            (topics.Status("M-01"), """{"machine_id":"M-02","seq":10,"ts":"2026-12-07T07:00:00Z","state":"down"}""", TelemetryRejection.TopicMismatch),
            (topics.Production("M-01"), """{"machine_id":"M-01","seq":11,"ts":"2026-12-07T07:00:00Z","good":-4,"scrap":0,"run_seconds":5}""", TelemetryRejection.NegativeCounter),
            (topics.Status("M-01"), """{"machine_id":"M-01","seq":"12","ts":"2026-12-07T07:00:00Z","state":"down"}""", TelemetryRejection.WrongType),
            (topics.Status("M-01"), """{"machine_id":"M-01","seq":13,"ts":"yesterday","state":"down"}""", TelemetryRejection.BadTimestamp),
        };
        foreach (var (topic, payload, _) in bad)
        {
            await machines.PublishRawAsync(topic, payload);
        }
        await machines.PublishRawAsync(topics.Status("M-01"), TestMachines.Status("M-01", 100, "down"));
        await machines.PublishRawAsync(topics.Production("M-01"), TestMachines.Production("M-01", 101));

        await Until.TrueAsync(async () => await table.RowsAsync() == 2, "the two valid messages stored", Wait);
        var expected = bad.GroupBy(b => b.Kind).ToDictionary(g => g.Key, g => (long)g.Count());
        await Until.TrueAsync(() => rig.Status.Snapshot().Rejections.Values.Sum() == bad.Length, "every malformed payload counted", Wait);
        rig.Status.Snapshot().Rejections.Should().BeEquivalentTo(expected);
        var warnings = logs.Lines.Where(l => l.Level == LogLevel.Warning && l.Text.StartsWith("Telemetry refused")).ToList();
        warnings.Should().HaveCount(expected.Count, "one warning per kind, however many payloads of that kind came");
        foreach (var kind in expected.Keys)
        {
            warnings.Should().ContainSingle(w => w.Text.StartsWith($"Telemetry refused ({kind})"));
        }
        // Refused payloads were acknowledged too: nothing is left for the session to redeliver.
        await rig.StopAsync();
        var handed = table.Handed;
        await using var again = new TelemetryRig(port, prefix, "console-" + prefix, table).Start();
        await again.ConnectedAsync();
        await machines.PublishRawAsync(topics.Status("M-01"), TestMachines.Status("M-01", 102, "running"));
        await Until.TrueAsync(async () => await table.RowsAsync() == 3, "the next message stored", Wait);
        again.Status.Snapshot().Rejections.Should().BeEmpty("no refused payload came back");
        table.Handed.Should().Be(handed + 1);
    }

    [Fact]
    public async Task ASinkThatFails_IsRetriedUntilItStores_AndTheFeedSaysSoMeanwhile()
    {
        var (_, port) = MqttBrokers.Shared();
        var prefix = MqttBrokers.NewPrefix();
        var table = new SqliteTelemetryTable();
        var failures = 3;
        var sawFailing = false;
        TelemetryRig? rig = null;
        table.BeforeStore = _ =>
        {
            sawFailing |= rig!.Status.Snapshot().SinkFailing;
            return Interlocked.Decrement(ref failures) >= 0 ? throw new InvalidOperationException("database is away") : Task.CompletedTask;
        };
        await using (rig = new TelemetryRig(port, prefix, "console-" + prefix, table, new Dictionary<string, string?> { ["Mqtt:SinkRetryMaxSeconds"] = "1" }))
        {
            rig.Start();
            await rig.ConnectedAsync();
            await using var machines = new TestMachines(port, prefix);
            var plan = TestMachines.Plan(machines: 2, count: 40);
            await machines.PublishAsync(plan);
            await Until.TrueAsync(async () => await table.RowsAsync() == 40, "the 40 messages stored once the sink works again", Wait);
            sawFailing.Should().BeTrue("the feed said the sink was failing while it retried");
            rig.Status.Snapshot().SinkFailing.Should().BeFalse();
        }
    }
}
