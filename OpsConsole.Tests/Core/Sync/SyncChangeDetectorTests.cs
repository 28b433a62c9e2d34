using OpsConsole.Core.Sync;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Tests.Core.Sync;

/// <summary>The three-way comparison per field, straight against Core: one side changed, both changed (each policy), converged, directions, value maps, bases.</summary>
public sealed class SyncChangeDetectorTests
{
    private static readonly DateTime T0 = new(2026, 12, 7, 8, 0, 0, DateTimeKind.Utc);
    private static readonly FieldMapping Title = new("title", "name");
    private static readonly FieldMapping Status = new("status", "state", SyncDirection.Both, new Dictionary<string, string> { ["todo"] = "open", ["done"] = "closed" });

    private static FieldDecision Decide(FieldMapping m, string? s, string? d, FieldBase? b, ConflictPolicy policy = ConflictPolicy.SourceWins,
        DateTime? sourceAt = null, DateTime? destinationAt = null) =>
        SyncChangeDetector.Decide(m, policy, s, d, b, sourceAt ?? T0, destinationAt ?? T0);

    [Fact]
    public void NeitherSideChanged_IsUnchanged_AndKeepsTheBase()
    {
        var d = Decide(Title, "Fix door", "Fix door", new FieldBase("Fix door", "Fix door"));
        d.Outcome.Should().Be(FieldOutcome.Unchanged);
        d.Pushes.Should().BeFalse();
    }

    [Fact]
    public void OnlyTheSourceChanged_GoesToTheDestination_InItsVocabulary_AndBecomesTheBase()
    {
        var d = Decide(Status, "done", "open", new FieldBase("todo", "open"));
        d.Outcome.Should().Be(FieldOutcome.ToDestination);
        d.DestinationValue.Should().Be("closed");
        d.NewBase.Should().Be(new FieldBase("done", "closed"));
    }

    [Fact]
    public void OnlyTheDestinationChanged_GoesToTheSource_ThroughTheValueMapReadBackwards()
    {
        var d = Decide(Status, "todo", "closed", new FieldBase("todo", "open"));
        d.Outcome.Should().Be(FieldOutcome.ToSource);
        d.SourceValue.Should().Be("done");
        d.NewBase.Should().Be(new FieldBase("done", "closed"));
    }

    [Fact]
    public void BothChangedToTheSameValue_IsNoConflict_AndMovesTheBase()
    {
        var d = Decide(Status, "done", "closed", new FieldBase("todo", "open"), ConflictPolicy.Manual);
        d.Outcome.Should().Be(FieldOutcome.Converged);
        d.Pushes.Should().BeFalse();
        d.NewBase.Should().Be(new FieldBase("done", "closed"));
    }

    [Theory]
    [InlineData(ConflictPolicy.SourceWins, FieldOutcome.ToDestination)]
    [InlineData(ConflictPolicy.DestinationWins, FieldOutcome.ToSource)]
    [InlineData(ConflictPolicy.Manual, FieldOutcome.Conflict)]
    public void BothChangedDifferently_IsSettledByThePolicy(ConflictPolicy policy, FieldOutcome expected)
    {
        var d = Decide(Title, "Fix door A", "Fix door B", new FieldBase("Fix door", "Fix door"), policy);
        d.Outcome.Should().Be(expected);
        d.SettledBy.Should().Be(policy);
    }

    [Fact]
    public void ManualConflict_KeepsTheOldBase_SoItStaysAConflictUntilSomeoneDecides()
    {
        var @base = new FieldBase("Fix door", "Fix door");
        Decide(Title, "A", "B", @base, ConflictPolicy.Manual).NewBase.Should().Be(@base);
    }

    [Fact]
    public void NewestWins_TakesTheLaterUpdatedAt_OfEachSide()
    {
        var @base = new FieldBase("x", "x");
        Decide(Title, "src", "dst", @base, ConflictPolicy.NewestWins, T0.AddMinutes(1), T0).Outcome.Should().Be(FieldOutcome.ToDestination);
        Decide(Title, "src", "dst", @base, ConflictPolicy.NewestWins, T0, T0.AddMinutes(1)).Outcome.Should().Be(FieldOutcome.ToSource);
    }

    [Fact]
    public void NewestWins_OnATie_TheSourceWins()
    {
        var d = Decide(Title, "src", "dst", new FieldBase("x", "x"), ConflictPolicy.NewestWins, T0, T0);
        d.Outcome.Should().Be(FieldOutcome.ToDestination);
        d.DestinationValue.Should().Be("src");
    }

    [Fact]
    public void OneWayField_IgnoresTheOtherSidesChange_AndHasNoConflict()
    {
        var toDestination = Title with { Direction = SyncDirection.ToDestination };
        Decide(toDestination, "x", "changed there", new FieldBase("x", "x"), ConflictPolicy.Manual).Outcome.Should().Be(FieldOutcome.Unchanged);
        Decide(toDestination, "new", "changed there", new FieldBase("x", "x"), ConflictPolicy.Manual).Outcome.Should().Be(FieldOutcome.ToDestination);
        var toSource = Title with { Direction = SyncDirection.ToSource };
        Decide(toSource, "changed here", "x", new FieldBase("x", "x")).Outcome.Should().Be(FieldOutcome.Unchanged);
    }

    [Fact]
    public void Normalising_TrimsAndTreatsEmptyAsNoValue()
    {
        Decide(Title, "  Fix door ", "Fix door", new FieldBase("Fix door", "Fix door")).Outcome.Should().Be(FieldOutcome.Unchanged);
        Decide(Title, "", null, new FieldBase(null, null)).Outcome.Should().Be(FieldOutcome.Unchanged);
    }

    [Fact]
    public void NoBaseYet_SidesThatAgree_AreUnchangedWithABase_AndSidesThatDiffer_AreForThePolicy()
    {
        var agree = Decide(Status, "todo", "open", null, ConflictPolicy.Manual);
        agree.Outcome.Should().Be(FieldOutcome.Unchanged);
        agree.NewBase.Should().Be(new FieldBase("todo", "open"));
        Decide(Status, "todo", "closed", null, ConflictPolicy.Manual).Outcome.Should().Be(FieldOutcome.Conflict);
    }

    [Fact]
    public void AfterAPush_TheWrittenValuesAreTheBase_SoTheNextComparisonFindsNothing()
    {
        // A→B: the source changed the title; it is written to the destination.
        var first = Decide(Title, "New title", "Old", new FieldBase("Old", "Old"));
        first.Outcome.Should().Be(FieldOutcome.ToDestination);
        // Next run: the destination now holds the written value; nothing counts as changed on either side.
        Decide(Title, "New title", first.DestinationValue, first.NewBase).Outcome.Should().Be(FieldOutcome.Unchanged);
        // B→A then: the destination changes it; it goes back, and again nothing after.
        var back = Decide(Title, "New title", "Edited at B", first.NewBase);
        back.Outcome.Should().Be(FieldOutcome.ToSource);
        Decide(Title, back.SourceValue, "Edited at B", back.NewBase).Outcome.Should().Be(FieldOutcome.Unchanged);
    }

    [Fact]
    public void Compare_AConflictOnOneField_DoesNotStopAChangeOnAnother()
    {
        var map = new[] { Title with { Policy = ConflictPolicy.Manual }, Status };
        var source = new RemoteTask("S1", new Dictionary<string, string?> { ["title"] = "A", ["status"] = "done" }, T0, "2");
        var destination = new RemoteTask("D1", new Dictionary<string, string?> { ["name"] = "B", ["state"] = "open" }, T0, "2");
        var bases = new Dictionary<string, FieldBase> { [map[0].Key] = new("x", "x"), [map[1].Key] = new("todo", "open") };
        var decisions = SyncChangeDetector.Compare(map, ConflictPolicy.SourceWins, source, destination, bases);
        decisions.Select(d => d.Outcome).Should().Equal(FieldOutcome.Conflict, FieldOutcome.ToDestination);
    }

    [Fact]
    public void ForCreate_WritesEveryFieldThatGoesAcross_AndKeepsABaseForEveryField()
    {
        var map = new[] { Title, Status, new FieldMapping("assignee", "owner", SyncDirection.ToSource) };
        var source = new RemoteTask("S1", new Dictionary<string, string?> { ["title"] = " Fix ", ["status"] = "done", ["assignee"] = "ana" }, T0, "1");
        var (fields, bases) = SyncChangeDetector.ForCreate(map, source);
        fields.Should().BeEquivalentTo(new Dictionary<string, string?> { ["name"] = "Fix", ["state"] = "closed" });
        bases[map[2].Key].Should().Be(new FieldBase("ana", null));
    }
}
