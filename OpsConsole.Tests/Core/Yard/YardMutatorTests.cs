using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpsConsole.Core.Yard;
using static OpsConsole.Tests.TestSupport.YardTestData;

namespace OpsConsole.Tests.Core.Yard;

/// <summary>
/// The mutator's guards (docs/yard-rules.md), which decide before any call: dry run, paused, the deletion cap. Its
/// calls to the yard system, the cache and the audit log are covered against the simulator in YardPollerTests.
/// </summary>
public sealed class YardMutatorTests
{
    private static readonly YardHostler[] Hostlers = [Hostler("H001")];

    private static YardPlan Plan(YardSettings settings, params YardTask[] tasks) =>
        new YardCyclePlanner().Plan(Reads(Hostlers, tasks), settings, Switches(), Now);

    private static YardTask[] Undriveable(int count) => Enumerable.Range(1, count).Select(i => Task($"NODEST-{i}", destination: null)).ToArray();

    /// <summary>
    /// A mutator with no yard client, cache or audit log: any call to them would throw, so an outcome proves that the
    /// guards held everything.
    /// </summary>
    private static YardMutator Unconnected()
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return new YardMutator(null!, null!, null!, new YardMetrics(meters), NullLogger<YardMutator>.Instance);
    }

    [Fact]
    public void HoldReason_NoneWithinTheCap()
    {
        var settings = Settings(deletionCap: 2);
        YardMutator.HoldReason(Plan(settings, Undriveable(2)), settings).Should().BeNull();
    }

    [Fact]
    public void HoldReason_MoreLiveDeletionsThanTheCap_HoldsTheCycle()
    {
        var settings = Settings(deletionCap: 2);
        YardMutator.HoldReason(Plan(settings, Undriveable(3)), settings).Should().Be("held: 3 deletions exceed the cap of 2");
    }

    [Fact]
    public void HoldReason_DryRunDeletions_DoNotCountAgainstTheCap()
    {
        var settings = Settings(deletionCap: 2, dryRun: true);
        YardMutator.HoldReason(Plan(settings, Undriveable(5)), settings).Should().BeNull();
    }

    [Fact]
    public void HoldReason_WhilePaused_IsThePause_EvenBeyondTheCap()
    {
        var settings = Settings(deletionCap: 0, paused: true);
        YardMutator.HoldReason(Plan(settings, Undriveable(1)), settings).Should().Be(YardOutcome.HeldWhilePaused);
    }

    [Fact]
    public async Task Apply_BeyondTheCap_ChangesNothingAtAll_NotEvenAPatch()
    {
        var settings = Settings(deletionCap: 1);
        var plan = Plan(settings, [.. Undriveable(2), Task("PRIO", priority: 0)]);

        var outcome = await Unconnected().ApplyAsync(plan, settings, YardPoller.PollerActor, TestContext.Current.CancellationToken);

        outcome.Should().Match<YardMutationOutcome>(o => o.Patched == 0 && o.Deleted == 0 && o.Held == 3 && o.CapExceeded && o.PlannedDeletes == 2);
        outcome.OutcomeByTask.Values.Should().OnlyContain(v => v == "held: 2 deletions exceed the cap of 1");
    }

    [Fact]
    public async Task Apply_InDryRun_SaysWhatWouldHappen_AndHoldsNothing()
    {
        var settings = Settings(dryRun: true, deletionCap: 0);
        var plan = Plan(settings, Task("NODEST", destination: null), Task("PRIO", priority: 0));

        var outcome = await Unconnected().ApplyAsync(plan, settings, YardPoller.PollerActor, TestContext.Current.CancellationToken);

        outcome.Held.Should().Be(0);
        outcome.CapExceeded.Should().BeFalse();
        outcome.OutcomeByTask.Should().BeEquivalentTo(new Dictionary<string, string> { ["NODEST"] = YardOutcome.WouldDelete, ["PRIO"] = YardOutcome.WouldPatch });
    }
}
