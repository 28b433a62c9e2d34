using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Shared.States;
using OpsConsole.Core.Yard;
using static OpsConsole.Tests.TestSupport.YardTestData;

namespace OpsConsole.Tests.Core.Yard;

/// <summary>
/// The poller's health (watching → healthy ⇄ failing), the table on its own and as <see cref="YardPollerState"/> moves
/// through it at the end of each cycle: the next try, the alerts that begin, and what a pause does and does not change.
/// </summary>
public sealed class YardTransitionsTests
{
    private readonly FakeTimeProvider _time = new(Now);

    private YardPollerState NewState(int intervalSeconds = 5)
    {
        var state = new YardPollerState(_time);
        state.Load(Settings(intervalSeconds: intervalSeconds), Switches(), YardView.Empty, null);
        return state;
    }

    private YardCycleResult Cycle(bool succeeded, string? error = null) =>
        new(1, _time.GetUtcNow().UtcDateTime, "test", succeeded, error, 0, 0, 0, 0, 0, false, false, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    [Theory]
    [InlineData(YardPollerHealth.Watching, true, YardPollerMove.Succeed, YardPollerHealth.Healthy)]
    [InlineData(YardPollerHealth.Watching, false, YardPollerMove.Fail, YardPollerHealth.Failing)]
    [InlineData(YardPollerHealth.Healthy, true, YardPollerMove.Succeed, YardPollerHealth.Healthy)]
    [InlineData(YardPollerHealth.Healthy, false, YardPollerMove.Fail, YardPollerHealth.Failing)]
    [InlineData(YardPollerHealth.Failing, false, YardPollerMove.FailAgain, YardPollerHealth.Failing)]
    [InlineData(YardPollerHealth.Failing, true, YardPollerMove.Recover, YardPollerHealth.Healthy)]
    public void AfterCycle_ChoosesTheMoveTheTableAllows(YardPollerHealth from, bool succeeded, YardPollerMove move, YardPollerHealth to)
    {
        YardTransitions.AfterCycle(from, succeeded).Should().Be(move);
        YardTransitions.Health.Apply(from, move, "The yard poller").Should().Be(new Transition<YardPollerHealth>(true, to, null));
    }

    [Fact]
    public void Health_RefusesAMoveThatDoesNotFit_NamingTheAllowedOnes()
    {
        var recover = YardTransitions.Health.Apply(YardPollerHealth.Healthy, YardPollerMove.Recover, "The yard poller");
        recover.Allowed.Should().BeFalse();
        recover.To.Should().Be(YardPollerHealth.Healthy);
        recover.Refusal.Should().Be("The yard poller is healthy; recover is allowed only from failing. Allowed now: succeed or fail.");

        var succeed = YardTransitions.Health.Apply(YardPollerHealth.Failing, YardPollerMove.Succeed, "The yard poller");
        succeed.Refusal.Should().Contain("Allowed now: fail_again or recover");
        YardTransitions.Health.CanApply(YardPollerHealth.Watching, YardPollerMove.FailAgain).Should().BeFalse();
    }

    [Fact]
    public void State_StartsWatching_AndIsDueAtOnce()
    {
        var state = NewState();

        state.Status.Health.Should().Be(YardPollerHealth.Watching);
        state.Status.WaitingForFirstView().Should().BeTrue();
        state.IsDue().Should().BeTrue();
    }

    [Fact]
    public void State_AGoodCycle_IsHealthy_AndTheNextIsAnIntervalLater()
    {
        var state = NewState();

        var change = state.Succeeded(Cycle(true), null, null, []);

        change.Move.Should().Be(YardPollerMove.Succeed);
        state.Status.Should().Match<YardStatus>(s => s.Health == YardPollerHealth.Healthy && s.LastSuccessAt == Now && s.NextPollAt == Now.AddSeconds(5));
        state.IsDue().Should().BeFalse();
        _time.Advance(TimeSpan.FromSeconds(4.6));
        state.IsDue().Should().BeTrue("a tick half a second early still runs the cycle");
    }

    [Fact]
    public void State_FailuresInARow_AreRetriedEachInterval_AndTheFirstGoodCycleRecovers()
    {
        var state = NewState();
        state.Succeeded(Cycle(true), null, null, []);

        _time.Advance(TimeSpan.FromSeconds(5));
        state.Failed(Cycle(false, "outage"), 5).Move.Should().Be(YardPollerMove.Fail);
        state.Status.Should().Match<YardStatus>(s => s.Health == YardPollerHealth.Failing && s.ConsecutiveFailures == 1 && s.LastError == "outage"
            && s.LastAttemptFailed && s.LastAttemptAt == Now.AddSeconds(5) && s.LastSuccessAt == Now && s.NextPollAt == Now.AddSeconds(10));
        for (var failure = 2; failure <= 12; failure++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            state.Failed(Cycle(false, "outage"), 5).Move.Should().Be(YardPollerMove.FailAgain);
            state.Status.NextPollAt.Should().Be(_time.GetUtcNow().UtcDateTime.AddSeconds(5), "no backoff of the poller's own: the next try is one interval on");
        }
        state.Status.LastSuccessAt.Should().Be(Now, "'last polled' stays the last good poll through a run of failures");

        _time.Advance(TimeSpan.FromSeconds(5));
        state.Succeeded(Cycle(true), null, null, []).Move.Should().Be(YardPollerMove.Recover);
        state.Status.Should().Match<YardStatus>(s => s.Health == YardPollerHealth.Healthy && s.ConsecutiveFailures == 0 && s.LastError == null
            && !s.LastAttemptFailed && s.LastSuccessAt == s.LastAttemptAt);
    }

    [Fact]
    public void State_StaleAfterThreeIntervalsWithoutAGoodCycle_UnlessPaused()
    {
        var state = NewState(intervalSeconds: 5);
        state.Succeeded(Cycle(true), null, null, []);
        state.Failed(Cycle(false, "outage"), 5);

        state.Status.IsStale(Now.AddSeconds(15)).Should().BeFalse();
        state.Status.IsStale(Now.AddSeconds(16)).Should().BeTrue();
        state.Apply(Settings(paused: true, intervalSeconds: 5)).IsStale(Now.AddSeconds(16)).Should().BeFalse();
    }

    [Fact]
    public void State_WhilePaused_IsNotDue_ButItsHealthStillMoves()
    {
        var state = NewState();
        state.Apply(Settings(paused: true));

        state.IsDue().Should().BeFalse();
        state.Failed(Cycle(false, "outage"), 5).Move.Should().Be(YardPollerMove.Fail, "a manual poll while paused can fail like any other");
        state.Succeeded(Cycle(true), null, null, []).Move.Should().Be(YardPollerMove.Recover);
        state.IsDue().Should().BeFalse();
    }

    [Fact]
    public void State_NewSettingsWhileFailing_TryAgainAtTheNewInterval()
    {
        var state = NewState();
        state.Failed(Cycle(false, "outage"), 5);

        state.Apply(Settings(intervalSeconds: 1)).NextPollAt.Should().Be(Now.AddSeconds(1));
        state.Apply(Settings(intervalSeconds: 30)).NextPollAt.Should().Be(Now.AddSeconds(30));
        state.PollSoon();
        state.IsDue().Should().BeTrue("poll soon overrides the interval");
    }

    [Fact]
    public void State_TheCapAlertAndFailingRules_BeginOnce()
    {
        var state = NewState();
        var alert = new YardCapAlert(Now, 12, 10);

        state.Succeeded(Cycle(true), null, alert, ["a-rule"]).Should().Match<YardStateChange>(c => c.CapAlertStarted && c.RulesStartedFailing.Count == 1);
        state.Succeeded(Cycle(true), null, alert, ["a-rule", "b-rule"]).Should().Match<YardStateChange>(c => !c.CapAlertStarted
            && c.RulesStartedFailing.Single() == "b-rule");
        state.Failed(Cycle(false, "outage"), 5);
        state.Status.CapAlert.Should().Be(alert, "a failed cycle reads nothing, so it clears nothing");

        state.Succeeded(Cycle(true), null, null, []);
        state.Status.CapAlert.Should().BeNull();
        state.Status.FailingRules.Should().BeEmpty();
        state.Succeeded(Cycle(true), null, alert, ["a-rule"]).Should().Match<YardStateChange>(c => c.CapAlertStarted && c.RulesStartedFailing.Count == 1);
    }

    [Fact]
    public void State_AStoredView_IsShownWithItsVersion()
    {
        var state = NewState();
        var view = View([Card(Hostler("H001"))], Task("W1")) with { Version = 7 };

        state.Succeeded(Cycle(true), view, null, []);

        state.View.Should().BeSameAs(view);
        state.Status.Should().Match<YardStatus>(s => s.Version == 7 && s.ViewChangedAt == Now);
        state.Succeeded(Cycle(true), null, null, []);
        state.View.Should().BeSameAs(view, "a cycle that found no change keeps the view it had");
    }
}
