using OpsConsole.Core.Shared.States;

namespace OpsConsole.Tests.Core.Shared;

/// <summary>The table every module's transitions are written in.</summary>
public sealed class StateMachineTests
{
    private enum Light { Red, Green, Amber, Off }

    private enum Switch { Go, Slow, Stop, Repair }

    private static readonly StateMachine<Light, Switch> Lights = new(
        (Light.Red, Switch.Go, Light.Green),
        (Light.Green, Switch.Slow, Light.Amber),
        (Light.Amber, Switch.Stop, Light.Red),
        (Light.Green, Switch.Stop, Light.Red));

    [Fact]
    public void AMoveInTheTable_LeadsWhereTheTableSays()
    {
        Lights.Apply(Light.Red, Switch.Go, "The light").Should().Be(new Transition<Light>(true, Light.Green, null));
        Lights.CanApply(Light.Green, Switch.Stop).Should().BeTrue();
        Lights.AllowedFrom(Light.Green).Should().Equal(Switch.Slow, Switch.Stop);
        Lights.From(Switch.Stop).Should().Equal(Light.Amber, Light.Green);
    }

    [Fact]
    public void AMoveNotInTheTable_IsRefused_NamingWhereItIsAllowedAndWhatIsAllowedNow()
    {
        var refused = Lights.Apply(Light.Red, Switch.Slow, "The light");
        refused.Allowed.Should().BeFalse();
        refused.To.Should().Be(Light.Red);
        refused.Refusal.Should().Be("The light is red; slow is allowed only from green. Allowed now: go.");
        Lights.Apply(Light.Off, Switch.Repair, "The light").Refusal.Should().Be(
            "The light is off; repair is allowed only from no state. Nothing more can be done with it.");
    }

    [Fact]
    public void OnlyFrom_IsForMovesWithOneStartingState()
    {
        Lights.OnlyFrom(Switch.Go).Should().Be(Light.Red);
        var ambiguous = () => Lights.OnlyFrom(Switch.Stop);
        ambiguous.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void ATableListingAMoveTwice_IsRefusedWhenBuilt()
    {
        var twice = () => new StateMachine<Light, Switch>((Light.Red, Switch.Go, Light.Green), (Light.Red, Switch.Go, Light.Amber));
        twice.Should().Throw<ArgumentException>().WithMessage("*Go from Red is listed twice*");
    }
}
