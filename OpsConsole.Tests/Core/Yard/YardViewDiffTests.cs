using OpsConsole.Core.Yard;
using static OpsConsole.Tests.TestSupport.YardTestData;

namespace OpsConsole.Tests.Core.Yard;

/// <summary>What differs between two views, by task and by hostler card (ADR 0011: only a difference is stored and published).</summary>
public sealed class YardViewDiffTests
{
    private static readonly YardHostler Ann = Hostler("H001", name: "Ann");
    private static readonly YardHostler Bob = Hostler("H002", name: "Bob");

    [Fact]
    public void Between_EqualViews_IsEmpty_WhateverTheirVersionAndTime()
    {
        var before = View([Card(Ann, Task("NOW", status: YardTask.InProgress, hostler: "H001"))], Task("W1"));
        var after = View([Card(Ann, Task("NOW", status: YardTask.InProgress, hostler: "H001"))], Task("W1")) with { Version = 9, TakenAt = Now.AddMinutes(1) };

        YardViewDiff.Between(before, after).IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void Between_TasksAddedRemovedAndChanged_NamesEachByKey()
    {
        var before = View([], Task("STAYS"), Task("GOES"), Task("EDITED", priority: 2));
        var after = View([], Task("STAYS"), Task("EDITED", priority: 4), Task("COMES"));

        var diff = YardViewDiff.Between(before, after);

        diff.Added.Should().Equal("task:COMES");
        diff.Removed.Should().Equal("task:GOES");
        diff.Changed.Should().Equal("task:EDITED");
    }

    [Fact]
    public void Between_ATaskWhoseFindingsChanged_HasChanged()
    {
        var task = Task("T1", priority: 9);
        var before = View([], task);
        var after = View([]) with { Workbasket = [new YardTaskRow(task, [new YardFinding("priority-range", YardVerdict.Fixable, "too high", YardOutcome.Patched)])] };

        YardViewDiff.Between(before, after).Changed.Should().Equal("task:T1");
    }

    [Fact]
    public void Between_HostlerCardsAddedRemovedAndChanged_NamesEachByKey()
    {
        var carol = Hostler("H003", name: "Carol");
        var before = View([Card(Ann), Card(Bob)]);
        var after = View([Card(Ann with { Status = YardHostler.OnBreak }), Card(carol)]);

        var diff = YardViewDiff.Between(before, after);

        diff.Added.Should().Equal("hostler:H003");
        diff.Removed.Should().Equal("hostler:H002");
        diff.Changed.Should().Equal("hostler:H001");
    }

    [Fact]
    public void Between_ACardWhoseQueueChanged_HasChanged_ButNotForATaskThatOnlyChangedItself()
    {
        var queued = Task("Q1", status: YardTask.Assigned, hostler: "H001", priority: 2);
        var before = View([Card(Ann, null, queued)]);

        var edited = YardViewDiff.Between(before, View([Card(Ann, null, queued with { Priority = 4 })]));
        edited.Changed.Should().Equal("task:Q1");

        var started = YardViewDiff.Between(before, View([Card(Ann, queued with { Status = YardTask.InProgress })]));
        started.Changed.Should().BeEquivalentTo("task:Q1", "hostler:H001");
    }

    [Fact]
    public void Between_ATaskMovingBucket_HasChanged_AndSoHaveBothCards()
    {
        var task = Task("T1", status: YardTask.Assigned, hostler: "H001");
        var before = View([Card(Ann, null, task), Card(Bob)]);
        var after = View([Card(Ann), Card(Bob, null, task)]);

        YardViewDiff.Between(before, after).Changed.Should().BeEquivalentTo("task:T1", "hostler:H001", "hostler:H002");
    }

    [Fact]
    public void Between_APatchedTaskBackToTheWorkbasket_MovesBucket()
    {
        var reads = Reads([Ann with { Status = YardHostler.Offline }], Task("T1", status: YardTask.Assigned, hostler: "H001"));
        var planner = new YardCyclePlanner();
        var plan = planner.Plan(reads, Settings(), Switches(), Now);
        var before = YardViewBuilder.Build(reads, plan, Outcome(outcomes: new Dictionary<string, string> { ["T1"] = YardOutcome.HeldWhilePaused }), Now);
        var after = YardViewBuilder.Build(reads, plan, Outcome(patched: [Task("T1", hostler: null, version: 2)],
            outcomes: new Dictionary<string, string> { ["T1"] = YardOutcome.Patched }), Now);

        var diff = YardViewDiff.Between(before, after);

        diff.Changed.Should().BeEquivalentTo("task:T1", "hostler:H001");
        diff.Added.Should().BeEmpty();
        diff.Removed.Should().BeEmpty();
    }

    [Fact]
    public void Highlighted_IsWhatWasAddedOrChanged_AndMarksTheCardsThatHoldIt()
    {
        var changed = new YardViewChanged(2, Now, ["task:NEW"], ["task:GONE"], ["task:Q1"]).Highlighted();
        changed.Should().BeEquivalentTo("task:NEW", "task:Q1");

        Card(Ann, null, Task("Q1", hostler: "H001")).ChangedIn(changed).Should().BeTrue("a card is marked when a task it holds changed");
        Card(Bob).ChangedIn(changed).Should().BeFalse();
        Row(Task("NEW")).ChangedIn(changed).Should().BeTrue();
    }
}
