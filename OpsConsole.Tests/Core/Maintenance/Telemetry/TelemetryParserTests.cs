using System.Buffers;
using System.Text;
using OpsConsole.Core.Maintenance.Telemetry;

namespace OpsConsole.Tests.Core.Maintenance.Telemetry;

public sealed class TelemetryParserTests
{
    private static readonly TelemetryParser Parser = new(new TelemetryTopics("opsconsole"));
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 7, 0, 0, TimeSpan.Zero);

    private static TelemetryParseResult Parse(string topic, string payload) =>
        Parser.Parse(topic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)), Now);

    [Fact]
    public void AStatus_IsReadWithItsMachineSeqTimeAndState()
    {
        var result = Parse("opsconsole/machines/CNC-01/status", """{"machine_id":"CNC-01","seq":41,"ts":"2026-12-07T06:59:58+01:00","state":"down","note":{"x":[1,2]}}""");

        result.Rejected.Should().BeNull();
        result.Message.Should().Be(TelemetryMessage.Status("CNC-01", 41, new DateTimeOffset(2026, 12, 7, 6, 59, 58, TimeSpan.FromHours(1)), Now, ReportedState.Down));
    }

    [Fact]
    public void AProductionMessage_IsReadWithItsCumulativeCounters_CyclesOptional()
    {
        var result = Parse("opsconsole/machines/CNC-01/production", """{"seq":42,"machine_id":"CNC-01","ts":"2026-12-07T07:00:05Z","good":1200,"scrap":4,"run_seconds":3600}""");

        result.Message!.Kind.Should().Be(TelemetryKind.Production);
        result.Message.Counters.Should().Be(new ProductionCounters(1200, 4, 3600, null));
        Parse("opsconsole/machines/CNC-01/production", """{"seq":43,"machine_id":"CNC-01","ts":"2026-12-07T07:00:05Z","good":1,"scrap":0,"run_seconds":5,"cycles":9}""")
            .Message!.Counters!.Value.Cycles.Should().Be(9);
    }

    [Theory]
    [InlineData("opsconsole/machines/M/status", "", TelemetryRejection.NotJson)]
    [InlineData("opsconsole/machines/M/status", "{\"machine_id\":\"M\",", TelemetryRejection.NotJson)]
    [InlineData("opsconsole/machines/M/status", "{\"machine_id\":\"M\",\"seq\":1,\"ts\":\"2026-12-07T07:00:00Z\",\"state\":\"down\"} {}", TelemetryRejection.NotJson)]
    [InlineData("opsconsole/machines/M/status", "42", TelemetryRejection.NotAnObject)]
    [InlineData("opsconsole/machines/M/status", "{\"seq\":1,\"ts\":\"2026-12-07T07:00:00Z\",\"state\":\"down\"}", TelemetryRejection.MissingField)]
    [InlineData("opsconsole/machines/M/status", "{\"machine_id\":\"M\",\"ts\":\"2026-12-07T07:00:00Z\",\"state\":\"down\"}", TelemetryRejection.MissingField)]
    [InlineData("opsconsole/machines/M/status", "{\"machine_id\":\"M\",\"seq\":1,\"state\":\"down\"}", TelemetryRejection.MissingField)]
    [InlineData("opsconsole/machines/M/status", "{\"machine_id\":\"M\",\"seq\":1,\"ts\":\"2026-12-07T07:00:00Z\"}", TelemetryRejection.MissingField)]
    [InlineData("opsconsole/machines/M/production", "{\"machine_id\":\"M\",\"seq\":1,\"ts\":\"2026-12-07T07:00:00Z\",\"good\":1,\"scrap\":0}", TelemetryRejection.MissingField)]
    [InlineData("opsconsole/machines/M/status", "{\"machine_id\":\"M\",\"seq\":1.5,\"ts\":\"2026-12-07T07:00:00Z\",\"state\":\"down\"}", TelemetryRejection.WrongType)]
    [InlineData("opsconsole/machines/M/status", "{\"machine_id\":7,\"seq\":1,\"ts\":\"2026-12-07T07:00:00Z\",\"state\":\"down\"}", TelemetryRejection.WrongType)]
    [InlineData("opsconsole/machines/M/production", "{\"machine_id\":\"M\",\"seq\":1,\"ts\":\"2026-12-07T07:00:00Z\",\"good\":\"1\",\"scrap\":0,\"run_seconds\":1}", TelemetryRejection.WrongType)]
    [InlineData("opsconsole/machines/M/status", "{\"machine_id\":\"M\",\"seq\":-1,\"ts\":\"2026-12-07T07:00:00Z\",\"state\":\"down\"}", TelemetryRejection.BadSequence)]
    [InlineData("opsconsole/machines/M/status", "{\"machine_id\":\"M\",\"seq\":1,\"ts\":\"07:00\",\"state\":\"down\"}", TelemetryRejection.BadTimestamp)]
    [InlineData("opsconsole/machines/M/status", "{\"machine_id\":\"M\",\"seq\":1,\"ts\":\"2026-12-07T07:00:00Z\",\"state\":\"broken\"}", TelemetryRejection.BadState)]
    [InlineData("opsconsole/machines/M/status", "{\"machine_id\":\"M\",\"seq\":1,\"ts\":\"2026-12-07T07:00:00Z\",\"state\":\"RUNNING\"}", TelemetryRejection.BadState)]
    [InlineData("opsconsole/machines/M/production", "{\"machine_id\":\"M\",\"seq\":1,\"ts\":\"2026-12-07T07:00:00Z\",\"good\":1,\"scrap\":-2,\"run_seconds\":1}", TelemetryRejection.NegativeCounter)]
    [InlineData("opsconsole/machines/M/status", "{\"machine_id\":\"N\",\"seq\":1,\"ts\":\"2026-12-07T07:00:00Z\",\"state\":\"down\"}", TelemetryRejection.TopicMismatch)]
    [InlineData("opsconsole/machines/M/status", "{\"machine_id\":\"\",\"seq\":1,\"ts\":\"2026-12-07T07:00:00Z\",\"state\":\"down\"}", TelemetryRejection.BadMachineId)]
    [InlineData("opsconsole/machines/M/vibration", "{}", TelemetryRejection.UnknownTopic)]
    [InlineData("opsconsole/machines//status", "{}", TelemetryRejection.UnknownTopic)]
    [InlineData("other/machines/M/status", "{}", TelemetryRejection.UnknownTopic)]
    public void AMalformedPayload_IsRefusedWithItsKind(string topic, string payload, TelemetryRejection kind)
    {
        var result = Parse(topic, payload);

        result.Message.Should().BeNull();
        result.Rejected!.Kind.Should().Be(kind);
        result.Rejected.Topic.Should().Be(topic);
    }

    [Fact]
    public void APayloadOverTheLimit_IsRefusedUnread()
    {
        var huge = "{\"machine_id\":\"M\",\"pad\":\"" + new string('x', TelemetryParser.MaxPayloadBytes) + "\"}";

        Parse("opsconsole/machines/M/status", huge).Rejected!.Kind.Should().Be(TelemetryRejection.TooLarge);
    }

    [Fact]
    public void ARefusal_NamesTheField()
    {
        Parse("opsconsole/machines/M/production", "{\"machine_id\":\"M\",\"seq\":1,\"ts\":\"2026-12-07T07:00:00Z\",\"good\":1,\"scrap\":0}")
            .Rejected!.Detail.Should().Contain("run_seconds");
    }

    [Fact]
    public void APayloadSplitAcrossBuffers_IsRead()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"machine_id":"M","seq":3,"ts":"2026-12-07T07:00:00Z","state":"idle"}""");
        var first = new Segment(bytes.AsMemory(0, 20));
        var last = first.Append(bytes.AsMemory(20));

        Parser.Parse("opsconsole/machines/M/status", new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), Now)
            .Message!.State.Should().Be(ReportedState.Idle);
    }

    [Fact]
    public void Topics_AreUnderTheConfiguredPrefix()
    {
        var topics = new TelemetryTopics("plant7/");

        topics.Subscriptions.Should().Equal("plant7/machines/+/status", "plant7/machines/+/production");
        topics.TicketEvents.Should().Be("plant7/events/tickets");
        topics.TryParse("plant7/machines/PRESS-02/production", out var machine, out var kind).Should().BeTrue();
        (machine, kind).Should().Be(("PRESS-02", TelemetryKind.Production));
        topics.TryParse("plant7/machines/PRESS-02/status/extra", out _, out _).Should().BeFalse();
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
