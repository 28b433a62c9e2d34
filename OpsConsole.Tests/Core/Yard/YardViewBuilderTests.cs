using OpsConsole.Core.Yard;
using static OpsConsole.Tests.TestSupport.YardTestData;

namespace OpsConsole.Tests.Core.Yard;

/// <summary>The unified view from reads, plan and mutation outcome; and the hostler view's filter over it.</summary>
public sealed class YardViewBuilderTests
{
    private static readonly YardHostler[] Hostlers = [Hostler("H001"), Hostler("H002"), Hostler("H003", YardHostler.OnBreak)];

    private static YardView Build(YardReads reads, YardMutationOutcome? outcome = null) =>
        YardViewBuilder.Build(reads, new YardCyclePlanner().Plan(reads, Settings(), Switches(), Now), outcome ?? YardMutationOutcome.None, Now);

    [Fact]
    public void Build_PutsEachTaskInItsBucket_WithTheCurrentTaskApartFromTheQueue()
    {
        var view = Build(Reads(Hostlers,
            Task("Q1", status: YardTask.Assigned, hostler: "H001"),
            Task("NOW", status: YardTask.InProgress, hostler: "H001"),
            Task("Q2", status: YardTask.Assigned, hostler: "H001"),
            Task("W1")));

        var h1 = view.Hostlers.Single(c => c.Hostler.Id == "H001");
        h1.Current!.Task.Id.Should().Be("NOW");
        h1.Queue.Select(r => r.Task.Id).Should().Equal("Q1", "Q2");
        view.Hostlers.Select(c => c.Hostler.Id).Should().Equal("H001", "H002", "H003");
        view.Hostlers.Single(c => c.Hostler.Id == "H002").Should().Match<YardHostlerCard>(c => c.Current == null && c.QueueLength == 0);
        view.Workbasket.Select(r => r.Task.Id).Should().Equal("W1");
        view.Version.Should().Be(0, "the poller numbers a view when it stores it");
        view.TakenAt.Should().Be(Now);
    }

    [Fact]
    public void Build_TheBucketIsTheListATaskCameFrom_NotItsDetail()
    {
        // H002 lists the task although its detail still names H001 (the yard system moved it between the two reads).
        var task = Task("T1", status: YardTask.Assigned, hostler: "H001");
        var reads = Reads(Hostlers, task) with { BucketOf = new Dictionary<string, string> { ["T1"] = "H002" } };

        Build(reads).Hostlers.Single(c => c.Hostler.Id == "H002").Queue.Should().ContainSingle(r => r.Task.Id == "T1");
    }

    [Fact]
    public void Build_SortsTheWorkbasket_MostUrgentFirst_ThenLongestWaiting()
    {
        var view = Build(Reads(Hostlers,
            Task("LOW-OLD", priority: 1, createdAt: Now.AddHours(-3)),
            Task("HIGH-NEW", priority: 5, createdAt: Now.AddMinutes(-5)),
            Task("HIGH-OLD", priority: 5, createdAt: Now.AddHours(-2)),
            Task("MID", priority: 3)));

        view.Workbasket.Select(r => r.Task.Id).Should().Equal("HIGH-OLD", "HIGH-NEW", "MID", "LOW-OLD");
    }

    [Fact]
    public void Build_LeavesDeletedTasksOut_AndSaysWhatBecameOfEachFinding()
    {
        var reads = Reads(Hostlers,
            Task("GONE", destination: null),
            Task("PRIO", priority: 9, createdAt: Now.AddHours(-10)),
            Task("HELD", origin: "DOOR-01", destination: "DOOR-01"));
        var outcome = Outcome(deleted: ["GONE"], patched: [Task("PRIO", priority: 5, createdAt: Now.AddHours(-10), version: 2)],
            outcomes: new Dictionary<string, string> { ["GONE"] = YardOutcome.Deleted, ["PRIO"] = YardOutcome.Patched, ["HELD"] = YardOutcome.HeldByCap(11, 10) });

        var view = Build(reads, outcome);

        view.FindTask("GONE").Should().BeNull();
        var prio = view.FindTask("PRIO")!;
        prio.Task.Should().Match<YardTask>(t => t.Priority == 5 && t.Version == 2, "a patched task shows as the PATCH answered it");
        prio.Findings.Select(f => (f.Rule, f.Outcome)).Should().Equal(("priority-range", YardOutcome.Patched), ("stale-task", YardOutcome.Flagged));
        view.FindTask("HELD")!.Findings.Single().Outcome.Should().Be("held: 11 deletions exceed the cap of 10");
        view.CountTasksWithFindings().Should().Be(2);
    }

    [Fact]
    public void Build_APatchedTask_MovesToTheBucketItsPatchedHostlerSays()
    {
        var reads = Reads([Hostler("H001", YardHostler.Offline), Hostler("H002")], Task("T1", status: YardTask.Assigned, hostler: "H001"));
        var unassigned = Task("T1", status: YardTask.Waiting, hostler: null, version: 2);

        var view = Build(reads, Outcome(patched: [unassigned], outcomes: new Dictionary<string, string> { ["T1"] = YardOutcome.Patched }));

        view.Hostlers.Single(c => c.Hostler.Id == "H001").Tasks.Should().BeEmpty();
        view.Workbasket.Should().ContainSingle().Which.Task.Should().Be(unassigned);
    }

    [Fact]
    public void Filter_ByStatusAndSearch_WithoutRegardToCase()
    {
        var view = Build(Reads([Hostler("H001", name: "Ann"), Hostler("H002", YardHostler.OnBreak, "Bob")],
            Task("T-ANN", trailer: "TRL-77", status: YardTask.Assigned, hostler: "H001"),
            Task("W-1", trailer: "TRL-88", destination: "SPOT-Z9"),
            Task("W-2", trailer: "TRL-99")));

        new YardViewFilter(YardHostler.OnBreak, null).Cards(view).Select(c => c.Hostler.Id).Should().Equal("H002");
        new YardViewFilter("", "bob").Cards(view).Select(c => c.Hostler.Id).Should().Equal("H002");
        new YardViewFilter(null, " trl-77 ").Cards(view).Select(c => c.Hostler.Id).Should().Equal(["H001"], "a hostler matches by its tasks' trailers");
        new YardViewFilter(null, "spot-z9").Workbasket(view).Select(r => r.Task.Id).Should().Equal("W-1");
        new YardViewFilter(null, "  ").Workbasket(view).Should().HaveCount(2);
        view.CountHostlers(YardHostler.OnBreak).Should().Be(1);
    }
}
