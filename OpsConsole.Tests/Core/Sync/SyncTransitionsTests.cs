using OpsConsole.Core.Shared.States;
using OpsConsole.Core.Sync;

namespace OpsConsole.Tests.Core.Sync;

/// <summary>A run's states: queued → running → succeeded | partly succeeded | failed | cancelled, and how the counters choose the end.</summary>
public sealed class SyncTransitionsTests
{
    [Theory]
    [InlineData(SyncRunState.Queued, SyncRunMove.Start, SyncRunState.Running)]
    [InlineData(SyncRunState.Queued, SyncRunMove.Cancel, SyncRunState.Cancelled)]
    [InlineData(SyncRunState.Running, SyncRunMove.Succeed, SyncRunState.Succeeded)]
    [InlineData(SyncRunState.Running, SyncRunMove.SucceedPartly, SyncRunState.PartlySucceeded)]
    [InlineData(SyncRunState.Running, SyncRunMove.Fail, SyncRunState.Failed)]
    [InlineData(SyncRunState.Running, SyncRunMove.Cancel, SyncRunState.Cancelled)]
    public void Run_AllowsItsMoves(SyncRunState from, SyncRunMove move, SyncRunState to) =>
        SyncTransitions.Run.Apply(from, move, "Run 1").Should().Be(new Transition<SyncRunState>(true, to, null));

    [Theory]
    [InlineData(SyncRunState.Succeeded, SyncRunMove.Start)]
    [InlineData(SyncRunState.Failed, SyncRunMove.Succeed)]
    [InlineData(SyncRunState.Queued, SyncRunMove.Succeed)]
    [InlineData(SyncRunState.Cancelled, SyncRunMove.Start)]
    public void Run_RefusesOtherMoves_SayingWhatIsAllowed(SyncRunState from, SyncRunMove move)
    {
        var refused = SyncTransitions.Run.Apply(from, move, "Run 1");
        refused.Allowed.Should().BeFalse();
        refused.Refusal.Should().Contain("Run 1");
    }

    [Fact]
    public void Finish_ChoosesByTheCounters()
    {
        SyncTransitions.Finish(new SyncRun { Added = 3 }).Should().Be(SyncRunMove.Succeed);
        SyncTransitions.Finish(new SyncRun()).Should().Be(SyncRunMove.Succeed);
        SyncTransitions.Finish(new SyncRun { Added = 3, Failed = 1 }).Should().Be(SyncRunMove.SucceedPartly);
        SyncTransitions.Finish(new SyncRun { Failed = 2 }).Should().Be(SyncRunMove.Fail);
    }
}
