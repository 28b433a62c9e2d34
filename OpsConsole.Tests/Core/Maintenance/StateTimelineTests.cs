using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Maintenance;

/// <summary>The machine page's timeline: stretches of one state over a window, from the machine's state events.</summary>
public sealed class StateTimelineTests
{
    private static readonly DateTime From = MaintenanceTestData.T0.UtcDateTime;
    private static DateTime H(double hours) => From.AddHours(hours);

    [Fact]
    public void TheStateBeforeTheWindowStartsIt_EachChangeInsideStartsAStretch_AndTheLastRunsToTheEnd()
    {
        var segments = StateTimeline.Build(null,
            [(H(-3), MachineState.Idle), (H(-1), MachineState.Running), (H(2), MachineState.Down), (H(2.5), MachineState.Down), (H(3), MachineState.Running), (H(30), MachineState.Idle)],
            From, H(24));

        segments.Should().Equal(
            new StateSegment(MachineState.Running, From, H(2)),
            new StateSegment(MachineState.Down, H(2), H(3)),
            new StateSegment(MachineState.Running, H(3), H(24)));
        StateTimeline.Shares(segments).Select(s => (s.State, s.Time)).Should().Equal((MachineState.Running, TimeSpan.FromHours(23)), (MachineState.Down, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void BeforeTheFirstKnownState_TheStretchHasNoState_AndIsLeftOutOfTheShares()
    {
        var segments = StateTimeline.Build(null, [(H(6), MachineState.Running)], From, H(24));

        segments.Select(s => s.State).Should().Equal(null, MachineState.Running);
        StateTimeline.Shares(segments).Should().ContainSingle().Which.Share.Should().BeApproximately(0.75, 1e-9);
        StateTimeline.Build(MachineState.Idle, [], From, From).Should().BeEmpty("an empty window has no stretch");
    }

    [Fact]
    public async Task FromTheDatabase_TheMachinesStateChangesMakeItsTimeline()
    {
        var clock = new FakeTimeProvider(MaintenanceTestData.T0.AddHours(10));
        await using var host = await CoreHost.StartAsync(time: clock);
        int machine;
        await using (var db = await host.DbAsync())
        {
            machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        }
        var states = host.Get<MachineStates>();
        await states.SetStateAsync(machine, MachineState.Running, StateSource.Telemetry, H(1));
        await states.SetStateAsync(machine, MachineState.Down, StateSource.Telemetry, H(4));
        await states.SetStateAsync(machine, MachineState.Running, StateSource.Telemetry, H(5));

        var timeline = await host.Get<MachineDirectory>().TimelineAsync(machine, H(2), H(10));

        timeline.Should().Equal(
            new StateSegment(MachineState.Running, H(2), H(4)),
            new StateSegment(MachineState.Down, H(4), H(5)),
            new StateSegment(MachineState.Running, H(5), H(10)));
    }

    [Fact]
    public async Task AMachineWithoutStateEvents_ShowsItsCurrentStateFromItsSince()
    {
        await using var host = await CoreHost.StartAsync(time: new FakeTimeProvider(MaintenanceTestData.T0.AddHours(10)));
        await using var db = await host.DbAsync();
        var machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];

        var timeline = await host.Get<MachineDirectory>().TimelineAsync(machine, H(-4), H(10));

        timeline.Should().Equal(new StateSegment(null, H(-4), H(-1)), new StateSegment(MachineState.Idle, H(-1), H(10)));
    }
}
