using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance.Telemetry;

namespace OpsConsole.Tests.Core.Maintenance.Telemetry;

public sealed class MachineFeedTrackerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 7, 0, 0, TimeSpan.Zero));
    private readonly TelemetryOptions _options = new() { HeartbeatSeconds = 30, MachineHeartbeatSeconds = { ["SLOW-01"] = 300 } };

    private TelemetryMessage Message(string machine, long seq) =>
        TelemetryMessage.Status(machine, seq, _time.GetUtcNow(), _time.GetUtcNow(), ReportedState.Running);

    [Fact]
    public void AMachine_IsStalePastItsHeartbeatDeadline_AndFreshAgainWithItsNextMessage()
    {
        var tracker = new MachineFeedTracker(_options, _time);
        tracker.Record([Message("CNC-01", 1)]);

        _time.Advance(TimeSpan.FromSeconds(30));
        tracker.Get("CNC-01")!.Should().Match<MachineFeed>(f => !f.IsStale && f.DataAge == TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(1));
        tracker.Get("CNC-01")!.IsStale.Should().BeTrue();
        tracker.Record([Message("CNC-01", 2)]);
        tracker.IsStale("CNC-01").Should().BeFalse();
    }

    [Fact]
    public void AMachineWithItsOwnDeadline_IsJudgedByIt_AndAnUnknownMachineIsStale()
    {
        var tracker = new MachineFeedTracker(_options, _time);
        tracker.Record([Message("SLOW-01", 1), Message("CNC-01", 1)]);

        _time.Advance(TimeSpan.FromMinutes(4));
        tracker.IsStale("SLOW-01").Should().BeFalse();
        tracker.IsStale("CNC-01").Should().BeTrue();
        tracker.IsStale("NEVER-HEARD").Should().BeTrue();
        tracker.Get("NEVER-HEARD").Should().BeNull();
    }

    [Fact]
    public void AJumpInTheSequence_IsOneGap_CountingTheMissingMessages_WhileRedeliveriesAndLateOnesAreNot()
    {
        var tracker = new MachineFeedTracker(_options, _time);

        tracker.Record([Message("CNC-01", 100)]).Should().Be(0, "the first message sets the base (a console restart is no gap)");
        tracker.Record([Message("CNC-01", 101), Message("CNC-01", 105)]).Should().Be(1);
        tracker.Record([Message("CNC-01", 105), Message("CNC-01", 103), Message("CNC-01", 106), Message("CNC-01", 110)]).Should().Be(1);

        tracker.Get("CNC-01")!.Should().Match<MachineFeed>(f => f.LastSeq == 110 && f.SequenceGaps == 2 && f.MissingMessages == 6 && f.Messages == 5);
        tracker.Snapshot().Select(f => f.MachineCode).Should().Equal("CNC-01");
    }
}
