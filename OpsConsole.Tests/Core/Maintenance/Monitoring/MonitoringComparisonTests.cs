using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Monitoring;

namespace OpsConsole.Tests.Core.Maintenance.Monitoring;

/// <summary>Where the monitoring upstream and a machine's own state disagree, with the grace period for a change in flight (ADR 0032).</summary>
public sealed class MonitoringComparisonTests
{
    private static readonly DateTime Now = new(2026, 12, 7, 10, 45, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(60);

    private static Machine Telemetry(MachineState state, DateTime since) =>
        new() { Code = "CNC-03", Name = "CNC mill 3", Feed = StateFeed.Telemetry, State = state, StateSource = StateSource.Telemetry, StateSince = since };

    private static MonitoringSnapshot Upstream(string status, DateTime since, string code = "CNC-03") =>
        MonitoringSnapshot.Read(Now, [new MonitoredMachine(code, code, status, since)]);

    [Fact]
    public void SameState_Agrees_WithoutANote()
    {
        var verdict = MonitoringComparison.Compare(Telemetry(MachineState.Running, Now.AddHours(-2)), Upstream("PRODUCING", Now.AddHours(-2).AddSeconds(3)), Now, Grace);

        verdict.Agreement.Should().Be(MonitoringAgreement.Agrees);
        verdict.Noteworthy.Should().BeFalse();
        verdict.Note.Should().BeNull();
    }

    [Fact]
    public void ADifference_YoungerThanTheGracePeriod_IsAChangeInFlight()
    {
        // Telemetry reported idle 20 s ago; the upstream has not seen it yet.
        var verdict = MonitoringComparison.Compare(Telemetry(MachineState.Idle, Now.AddSeconds(-20)), Upstream("PRODUCING", Now.AddHours(-1)), Now, Grace);

        verdict.Agreement.Should().Be(MonitoringAgreement.Settling);
        verdict.Noteworthy.Should().BeFalse();
    }

    [Fact]
    public void ADifference_PastTheGracePeriod_IsNoted_WithBothSidesAndSinceWhen()
    {
        var verdict = MonitoringComparison.Compare(Telemetry(MachineState.Running, Now.AddHours(-1)), Upstream("IDLE", new DateTime(2026, 12, 7, 10, 42, 0, DateTimeKind.Utc)),
            Now, Grace);

        verdict.Agreement.Should().Be(MonitoringAgreement.Disagrees);
        verdict.Noteworthy.Should().BeTrue();
        verdict.Note.Should().Be("Monitoring says idle since 10:42 UTC; telemetry says running.");
    }

    [Fact]
    public void TheGracePeriod_CountsFromTheLaterOfTheTwoChanges()
    {
        // The upstream went idle long ago, but telemetry changed 30 s ago: they have differed for 30 s only.
        var machine = Telemetry(MachineState.Running, Now.AddSeconds(-30));
        var snapshot = Upstream("IDLE", Now.AddHours(-3));

        MonitoringComparison.Compare(machine, snapshot, Now, Grace).Agreement.Should().Be(MonitoringAgreement.Settling);
        MonitoringComparison.Compare(machine, snapshot, Now.AddSeconds(31), Grace).Agreement.Should().Be(MonitoringAgreement.Disagrees);
    }

    [Fact]
    public void AnUnknownUpstreamState_IsNotedAsSuch_NotComparedAndNotThrown()
    {
        var verdict = MonitoringComparison.Compare(Telemetry(MachineState.Running, Now.AddHours(-1)), Upstream("SETUP", Now.AddMinutes(-5)), Now, Grace);

        verdict.Agreement.Should().Be(MonitoringAgreement.UnknownState);
        verdict.Theirs!.Upstream.Should().Be("SETUP");
        verdict.Note.Should().Be("Monitoring reports a state the console does not know ('SETUP') since 10:40 UTC; telemetry says running.");
    }

    [Fact]
    public void AMachineTheUpstreamDoesNotWatch_IsNotCompared()
    {
        var running = Telemetry(MachineState.Running, Now.AddHours(-1));

        MonitoringComparison.Compare(running, Upstream("NOT_MONITORED", Now.AddDays(-1)), Now, Grace).Agreement.Should().Be(MonitoringAgreement.NotMonitored);
        MonitoringComparison.Compare(running, Upstream("IDLE", Now.AddDays(-1), code: "PR-01"), Now, Grace).Agreement.Should().Be(MonitoringAgreement.NotMonitored);
    }

    [Fact]
    public void AMachineSetByHand_ThatTheUpstreamWatches_IsCompared_AndSaysSo()
    {
        var manual = new Machine { Code = "AS-01", Name = "Assembly cell 1", Feed = StateFeed.Manual, State = MachineState.Down, StateSource = StateSource.Manual,
            StateSince = Now.AddHours(-2) };

        var verdict = MonitoringComparison.Compare(manual, Upstream("PRODUCING", Now.AddMinutes(-30), code: "as-01"), Now, Grace);

        verdict.Agreement.Should().Be(MonitoringAgreement.Disagrees);
        verdict.Note.Should().Be("Monitoring says running since 10:15 UTC; set by hand to down.");
    }

    [Fact]
    public void ATelemetryMachine_IsTelemetrysSide_EvenWhereItsLastChangeWasSetByHand()
    {
        var machine = Telemetry(MachineState.Running, Now.AddHours(-3));
        machine.StateSource = StateSource.Manual;

        MonitoringComparison.Compare(machine, Upstream("DOWN", Now.AddMinutes(-10)), Now, Grace).Note
            .Should().Be("Monitoring says down since 10:35 UTC; telemetry says running.");
    }

    [Fact]
    public void AnUnreadableUpstream_IsUnavailable_WithItsReason()
    {
        var snapshot = MonitoringSnapshot.Unavailable(Now, new MachineMonitoringException("GET api/v1/machines: timed out", MonitoringFailure.TimedOut));

        var verdict = MonitoringComparison.Compare(Telemetry(MachineState.Running, Now.AddHours(-1)), snapshot, Now, Grace);

        verdict.Agreement.Should().Be(MonitoringAgreement.Unavailable);
        verdict.Note.Should().Be("Monitoring unavailable: GET api/v1/machines: timed out");
    }
}
