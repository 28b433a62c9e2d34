using OpsConsole.Core.Yard;
using static OpsConsole.Tests.TestSupport.YardTestData;

namespace OpsConsole.Tests.Core.Yard;

/// <summary>The planner on its own: reads, rules, settings and switches in; findings and one action per task out.</summary>
public sealed class YardCyclePlannerTests
{
    private static readonly YardHostler[] Hostlers = [Hostler("H001"), Hostler("H002", YardHostler.Offline)];

    private static YardPlan Plan(YardTask[] tasks, YardSettings? settings = null, IReadOnlyDictionary<string, YardRuleSetting>? switches = null,
        YardCyclePlanner? planner = null) =>
        (planner ?? new YardCyclePlanner()).Plan(Reads(Hostlers, tasks), settings ?? Settings(), switches ?? Switches(), Now);

    private static YardPlannedAction ActionFor(YardPlan plan, string id) => plan.Actions.Single(a => a.Task.Id == id);

    [Fact]
    public void Plan_DeletesTheUnfixable_PatchesTheFixable_AndOnlyFlagsTheRest()
    {
        var plan = Plan([
            Task("OK"),
            Task("NODEST", destination: null),
            Task("PRIO", priority: 9),
            Task("OLD", createdAt: Now.AddHours(-10)),
        ]);

        plan.Actions.Select(a => (a.Task.Id, a.Delete, a.DryRun)).Should().Equal(("NODEST", true, false), ("PRIO", false, false));
        ActionFor(plan, "NODEST").Rule.Should().Be("missing-destination");
        ActionFor(plan, "PRIO").Fix["priority"]!.GetValue<int>().Should().Be(5);
        plan.Findings.Should().NotContainKey("OK");
        plan.Findings["OLD"].Should().ContainSingle()
            .Which.Should().Match<YardFinding>(f => f.Rule == "stale-task" && f.Verdict == YardVerdict.Flag && f.Outcome == YardOutcome.Flagged);
        plan.Findings["NODEST"].Single().Outcome.Should().Be(YardOutcome.Pending, "what became of it is the mutator's to say");
        plan.LiveDeletes.Should().Be(1);
        plan.FailingRules.Should().BeEmpty();
    }

    [Fact]
    public void Plan_FixesFromSeveralRules_GoInOnePatch()
    {
        var plan = Plan([Task("BOTH", status: YardTask.Assigned, hostler: "H002", priority: 0)]);

        var patch = plan.Actions.Should().ContainSingle().Subject;
        patch.Delete.Should().BeFalse();
        patch.FixRules.Should().Equal("offline-hostler", "priority-range");
        patch.Rule.Should().Be("offline-hostler", "the first fixable finding names the patch");
        patch.Fix.Keys.Should().BeEquivalentTo("hostler_id", "priority");
    }

    [Fact]
    public void Plan_ARuleInDryRun_AddsNothingToALivePatch_AndSaysWhatItWouldHaveDone()
    {
        var plan = Plan([Task("BOTH", status: YardTask.Assigned, hostler: "H002", priority: 0)],
            switches: Switches(new YardRuleSetting { Name = "priority-range", DryRun = true }));

        var patch = plan.Actions.Should().ContainSingle().Subject;
        patch.DryRun.Should().BeFalse("offline-hostler is live");
        patch.FixRules.Should().Equal("offline-hostler");
        patch.Fix.Keys.Should().Equal("hostler_id");
        plan.Findings["BOTH"].Select(f => (f.Rule, f.Outcome)).Should().Equal(
            ("offline-hostler", YardOutcome.Pending), ("priority-range", YardOutcome.WouldPatch));
    }

    [Fact]
    public void Plan_ADryRunDelete_BesideALivePatch_IsShownAsWhatItWouldHaveDone()
    {
        var plan = Plan([Task("T1", destination: null, priority: 9)],
            switches: Switches(new YardRuleSetting { Name = "missing-destination", DryRun = true }));

        var action = plan.Actions.Should().ContainSingle().Subject;
        action.Delete.Should().BeFalse("the live patch wins over a dry-run delete");
        plan.Findings["T1"].Select(f => (f.Rule, f.Outcome)).Should().Equal(
            ("missing-destination", YardOutcome.WouldDelete), ("priority-range", YardOutcome.Pending));
    }

    [Fact]
    public void Plan_ALiveDeleteWinsOverAPatch()
    {
        var plan = Plan([Task("T1", destination: null, priority: 9)]);

        var action = plan.Actions.Should().ContainSingle().Subject;
        action.Delete.Should().BeTrue();
        plan.Findings["T1"].Select(f => f.Rule).Should().Equal("missing-destination", "priority-range");
    }

    [Fact]
    public void Plan_InDryRun_ShowsEveryActionAsDryRun_AndPlansNoLiveDeletion()
    {
        var plan = Plan([Task("NODEST", destination: null), Task("PRIO", priority: 9)], Settings(dryRun: true));

        plan.Actions.Should().HaveCount(2).And.OnlyContain(a => a.DryRun);
        plan.LiveDeletes.Should().Be(0);
    }

    [Fact]
    public void Plan_ARuleInDryRun_ShowsItsActionAsDryRun_WhileTheOtherRulesActLive()
    {
        var switches = Switches(new YardRuleSetting { Name = "missing-destination", DryRun = true });
        var plan = Plan([Task("NODEST", destination: null), Task("PRIO", priority: 9)], switches: switches);

        ActionFor(plan, "NODEST").DryRun.Should().BeTrue();
        ActionFor(plan, "PRIO").DryRun.Should().BeFalse();
        plan.LiveDeletes.Should().Be(0);
    }

    [Fact]
    public void Plan_ADryRunDeleteGivesWayToALivePatch_AndToALaterLiveDelete()
    {
        var switches = Switches(new YardRuleSetting { Name = "missing-destination", DryRun = true });

        var patchWins = Plan([Task("T1", destination: null, priority: 9)], switches: switches);
        ActionFor(patchWins, "T1").Should().Match<YardPlannedAction>(a => !a.Delete && !a.DryRun);

        var older = Task("OLDER", trailer: "TRL-9", createdAt: Now.AddHours(-2));
        var laterDeleteWins = Plan([older, Task("NEWER", trailer: "TRL-9", destination: null)], switches: switches);
        ActionFor(laterDeleteWins, "NEWER").Should().Match<YardPlannedAction>(a => a.Delete && !a.DryRun && a.Rule == "duplicate-trailer");
    }

    [Fact]
    public void Plan_WhenEverythingIsDryRun_TheDeleteIsWhatWouldHaveHappened()
    {
        var plan = Plan([Task("T1", destination: null, priority: 9)], Settings(dryRun: true));

        ActionFor(plan, "T1").Should().Match<YardPlannedAction>(a => a.Delete && a.DryRun);
    }

    [Fact]
    public void Plan_ADisabledRule_FindsNothing()
    {
        var plan = Plan([Task("NODEST", destination: null)], switches: Switches(new YardRuleSetting { Name = "missing-destination", Enabled = false }));

        plan.Actions.Should().BeEmpty();
        plan.Findings.Should().BeEmpty();
    }

    [Fact]
    public void Plan_ARuleThatThrows_IsAnErrorFinding_AndTheOtherRulesStillRun()
    {
        var planner = new YardCyclePlanner([new ThrowingRule("b-throws"), new ThrowingRule("a-throws"), .. YardRuleSet.Default()]);

        var plan = Plan([Task("NODEST", destination: null), Task("OK")], planner: planner);

        plan.FailingRules.Should().Equal("a-throws", "b-throws");
        plan.Findings["OK"].Should().HaveCount(2).And.OnlyContain(f => f.Verdict == YardVerdict.Error && f.Outcome == YardOutcome.RuleFailed);
        plan.Findings["OK"][0].Reason.Should().Be("The rule failed: InvalidOperationException: rule bug");
        ActionFor(plan, "NODEST").Should().Match<YardPlannedAction>(a => a.Delete && a.Rule == "missing-destination");
    }

    [Fact]
    public void Planner_WithoutRulesOfItsOwn_RunsTheDefaultSet() =>
        new YardCyclePlanner([]).Rules.Select(r => r.Name).Should().Equal(YardRuleSet.Default().Select(r => r.Name));

    private sealed class ThrowingRule(string name) : IYardRule
    {
        public string Name => name;
        public string Description => "Always throws";
        public YardVerdict Kind => YardVerdict.Flag;
        public YardRuleResult? Evaluate(YardTask task, YardRuleContext context) => throw new InvalidOperationException("rule bug");
    }
}
