using OpsConsole.Core.Yard;
using static OpsConsole.Tests.TestSupport.YardTestData;

namespace OpsConsole.Tests.Core.Yard;

/// <summary>Each of the seven rules of docs/yard-rules.md on its own: what passes, and what it finds with which fix.</summary>
public sealed class YardRulesTests
{
    private static readonly YardHostler[] Hostlers = [Hostler("H001"), Hostler("H002", YardHostler.Offline, "Olga")];

    private static YardRuleResult? Evaluate(IYardRule rule, YardTask task, params YardTask[] others) =>
        rule.Evaluate(task, Context(Hostlers, [task, .. others]));

    [Fact]
    public void DefaultRuleSet_HasTheSevenRules_InTheOrderTheyRun()
    {
        YardRuleSet.Default().Select(r => (r.Name, r.Kind)).Should().Equal(
            ("missing-destination", YardVerdict.Unfixable), ("origin-is-destination", YardVerdict.Unfixable), ("duplicate-trailer", YardVerdict.Unfixable),
            ("offline-hostler", YardVerdict.Fixable), ("unknown-hostler", YardVerdict.Fixable), ("priority-range", YardVerdict.Fixable),
            ("stale-task", YardVerdict.Flag));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void MissingDestination_WithoutADestination_IsUnfixable(string? destination)
    {
        var result = Evaluate(new MissingDestinationRule(), Task("T1", destination: destination));
        result.Should().NotBeNull();
        result!.Verdict.Should().Be(YardVerdict.Unfixable);
        result.Fix.Should().BeNull();
    }

    [Fact]
    public void MissingDestination_WithADestination_Passes() =>
        Evaluate(new MissingDestinationRule(), Task("T1", destination: "SPOT-A01")).Should().BeNull();

    [Fact]
    public void OriginIsDestination_TheSameSpotInAnyCase_IsUnfixable()
    {
        var result = Evaluate(new OriginIsDestinationRule(), Task("T1", origin: "DOOR-07", destination: "door-07"));
        result!.Verdict.Should().Be(YardVerdict.Unfixable);
        result.Reason.Should().Contain("DOOR-07");
    }

    [Theory]
    [InlineData("DOOR-07", "SPOT-A01")]
    [InlineData(null, null)]
    [InlineData("", "")]
    public void OriginIsDestination_DifferentSpotsOrNoOrigin_Passes(string? origin, string? destination) =>
        Evaluate(new OriginIsDestinationRule(), Task("T1", origin: origin, destination: destination)).Should().BeNull();

    [Fact]
    public void DuplicateTrailer_TheNewerTaskIsUnfixable_TheOlderPasses()
    {
        var older = Task("B-OLD", trailer: "TRL-9", createdAt: Now.AddHours(-2));
        var newer = Task("A-NEW", trailer: "trl-9", createdAt: Now.AddHours(-1));
        var rule = new DuplicateTrailerRule();

        Evaluate(rule, older, newer).Should().BeNull("the oldest task moving a trailer keeps it, even with a later id");
        var result = Evaluate(rule, newer, older);
        result!.Verdict.Should().Be(YardVerdict.Unfixable);
        result.Reason.Should().Contain("B-OLD", "trailer ids are compared without regard to case");
    }

    [Fact]
    public void DuplicateTrailer_CreatedAtTheSameMoment_TheLowerIdIsTheOlder()
    {
        var first = Task("T-1", trailer: "TRL-9", createdAt: Now);
        var second = Task("T-2", trailer: "TRL-9", createdAt: Now);
        var rule = new DuplicateTrailerRule();

        Evaluate(rule, first, second).Should().BeNull();
        Evaluate(rule, second, first)!.Reason.Should().Contain("T-1");
    }

    [Fact]
    public void DuplicateTrailer_OneTaskPerTrailer_Passes() =>
        Evaluate(new DuplicateTrailerRule(), Task("T1", trailer: "TRL-1"), Task("T2", trailer: "TRL-2")).Should().BeNull();

    [Fact]
    public void OfflineHostler_AssignedToAnOfflineHostler_IsFixedByUnassigning()
    {
        var result = Evaluate(new OfflineHostlerRule(), Task("T1", status: YardTask.Assigned, hostler: "H002"));
        result!.Verdict.Should().Be(YardVerdict.Fixable);
        result.Reason.Should().Contain("Olga");
        result.Fix.Should().ContainKey("hostler_id").WhoseValue.Should().BeNull();
    }

    [Theory]
    [InlineData("H001")]
    [InlineData(null)]
    [InlineData("H404")]
    public void OfflineHostler_AnAvailableUnknownOrNoHostler_Passes(string? hostler) =>
        Evaluate(new OfflineHostlerRule(), Task("T1", hostler: hostler)).Should().BeNull();

    [Fact]
    public void UnknownHostler_AssignedToAHostlerNotListed_IsFixedByUnassigning()
    {
        var result = Evaluate(new UnknownHostlerRule(), Task("T1", status: YardTask.Assigned, hostler: "H404"));
        result!.Verdict.Should().Be(YardVerdict.Fixable);
        result.Fix.Should().ContainKey("hostler_id").WhoseValue.Should().BeNull();
    }

    [Theory]
    [InlineData("H001")]
    [InlineData("H002")]
    [InlineData(null)]
    public void UnknownHostler_AListedOrNoHostler_Passes(string? hostler) =>
        Evaluate(new UnknownHostlerRule(), Task("T1", hostler: hostler)).Should().BeNull();

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-3, 1)]
    [InlineData(6, 5)]
    [InlineData(99, 5)]
    public void PriorityRange_OutsideOneToFive_IsFixedToTheNearestBound(int priority, int fixedTo)
    {
        var result = Evaluate(new PriorityRangeRule(), Task("T1", priority: priority));
        result!.Verdict.Should().Be(YardVerdict.Fixable);
        result.Fix!["priority"]!.GetValue<int>().Should().Be(fixedTo);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void PriorityRange_InRange_Passes(int priority) =>
        Evaluate(new PriorityRangeRule(), Task("T1", priority: priority)).Should().BeNull();

    [Fact]
    public void StaleTask_WaitingLongerThanTheSetting_IsFlagged()
    {
        var task = Task("T1", createdAt: Now.AddHours(-9));
        var result = new StaleTaskRule().Evaluate(task, Context(Hostlers, [task], Settings(staleTaskHours: 8)));
        result!.Verdict.Should().Be(YardVerdict.Flag);
        result.Reason.Should().Contain("9 h");
        result.Fix.Should().BeNull();
    }

    [Theory]
    [InlineData(YardTask.Waiting, -7)]
    [InlineData(YardTask.Assigned, -20)]
    [InlineData(YardTask.InProgress, -20)]
    public void StaleTask_YoungerOrNotWaiting_Passes(string status, int hoursAgo)
    {
        var task = Task("T1", status: status, createdAt: Now.AddHours(hoursAgo));
        new StaleTaskRule().Evaluate(task, Context(Hostlers, [task], Settings(staleTaskHours: 8))).Should().BeNull();
    }

    [Fact]
    public void StaleTask_FollowsTheSetting()
    {
        var task = Task("T1", createdAt: Now.AddHours(-3));
        new StaleTaskRule().Evaluate(task, Context(Hostlers, [task], Settings(staleTaskHours: 2))).Should().NotBeNull();
    }
}
