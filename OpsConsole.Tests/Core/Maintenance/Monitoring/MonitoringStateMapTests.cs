using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Monitoring;

namespace OpsConsole.Tests.Core.Maintenance.Monitoring;

/// <summary>The one table from the monitoring upstream's states to ours (ADR 0032).</summary>
public sealed class MonitoringStateMapTests
{
    [Theory]
    [InlineData("PRODUCING", MachineState.Running)]
    [InlineData("IDLE", MachineState.Idle)]
    [InlineData("DOWN", MachineState.Down)]
    [InlineData("OFFLINE", MachineState.Down)]
    [InlineData("PLANNED_DOWNTIME", MachineState.Maintenance)]
    [InlineData(" producing ", MachineState.Running)]
    [InlineData("Planned_Downtime", MachineState.Maintenance)]
    public void EveryKnownUpstreamState_MapsToOneOfOurs_IgnoringCaseAndSpaces(string upstream, MachineState ours)
    {
        var mapped = MonitoringStateMap.Map(upstream);

        mapped.Match.Should().Be(MonitoringMatch.Mapped);
        mapped.State.Should().Be(ours);
    }

    [Fact]
    public void NotMonitored_HasNoStateOfOurs()
    {
        MonitoringStateMap.Map("NOT_MONITORED").Should().Be(new MappedMonitoringState("NOT_MONITORED", MonitoringMatch.NotMonitored, null));
    }

    [Theory]
    [InlineData("SETUP")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("RUNNING_SLOW")]
    public void AnyOtherState_IsUnknown_NeverAnException(string? upstream)
    {
        var mapped = MonitoringStateMap.Map(upstream);

        mapped.Match.Should().Be(MonitoringMatch.Unknown);
        mapped.State.Should().BeNull();
    }

    [Fact]
    public void EveryStateOfOurs_HasAnUpstreamName_ThatMapsBackToIt()
    {
        foreach (var state in Enum.GetValues<MachineState>())
        {
            MonitoringStateMap.Map(MonitoringStateMap.UpstreamName(state)).State.Should().Be(state);
        }
    }
}
