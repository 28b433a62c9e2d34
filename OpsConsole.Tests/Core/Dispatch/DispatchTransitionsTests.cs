using OpsConsole.Core.Dispatch;

namespace OpsConsole.Tests.Core.Dispatch;

/// <summary>Dispatch's two state machines, as the table says them: the seed's moves and nothing else.</summary>
public sealed class DispatchTransitionsTests
{
    [Theory]
    [InlineData(SuggestionMove.Approve, SuggestionStatus.Approved)]
    [InlineData(SuggestionMove.Reject, SuggestionStatus.Rejected)]
    public void APendingSuggestion_IsDecidedOnce(SuggestionMove move, SuggestionStatus to)
    {
        var decided = DispatchTransitions.Suggestion.Apply(SuggestionStatus.Pending, move, "Suggestion 1");
        decided.Allowed.Should().BeTrue();
        decided.To.Should().Be(to);

        var again = DispatchTransitions.Suggestion.Apply(to, move, "Suggestion 1");
        again.Allowed.Should().BeFalse();
        again.Refusal.Should().Be($"Suggestion 1 is {to.ToString().ToLowerInvariant()}; {move.ToString().ToLowerInvariant()} is allowed only from pending. " +
                                  "Nothing more can be done with it.");
    }

    public static TheoryData<DispatchTaskStatus, DispatchTaskMove, DispatchTaskStatus?> TaskMoves => new()
    {
        { DispatchTaskStatus.Ready, DispatchTaskMove.Claim, DispatchTaskStatus.Assigned },
        { DispatchTaskStatus.Ready, DispatchTaskMove.Complete, null },
        { DispatchTaskStatus.Ready, DispatchTaskMove.Unassign, null },
        { DispatchTaskStatus.Ready, DispatchTaskMove.Reclaim, null },
        { DispatchTaskStatus.Assigned, DispatchTaskMove.Claim, null },
        { DispatchTaskStatus.Assigned, DispatchTaskMove.Complete, DispatchTaskStatus.Completed },
        { DispatchTaskStatus.Assigned, DispatchTaskMove.Unassign, DispatchTaskStatus.Ready },
        { DispatchTaskStatus.Assigned, DispatchTaskMove.Reclaim, DispatchTaskStatus.Ready },
        { DispatchTaskStatus.Completed, DispatchTaskMove.Claim, null },
        { DispatchTaskStatus.Completed, DispatchTaskMove.Complete, null },
        { DispatchTaskStatus.Completed, DispatchTaskMove.Unassign, null },
        { DispatchTaskStatus.Completed, DispatchTaskMove.Reclaim, null },
    };

    [Theory]
    [MemberData(nameof(TaskMoves))]
    public void ATask_MovesOnlyAsTheSeedSays(DispatchTaskStatus from, DispatchTaskMove move, DispatchTaskStatus? to)
    {
        var transition = DispatchTransitions.Task.Apply(from, move, "Task 7");
        transition.Allowed.Should().Be(to is not null);
        if (to is { } target)
        {
            transition.To.Should().Be(target);
            transition.Refusal.Should().BeNull();
        }
        else
        {
            transition.To.Should().Be(from, "a refused move changes nothing");
            transition.Refusal.Should().StartWith($"Task 7 is {from.ToString().ToLowerInvariant()}; ");
        }
    }

    [Fact]
    public void ARefusal_NamesTheMovesThatAreAllowed()
    {
        DispatchTransitions.Task.Apply(DispatchTaskStatus.Ready, DispatchTaskMove.Complete, "Task 7").Refusal
            .Should().Be("Task 7 is ready; complete is allowed only from assigned. Allowed now: claim.");
        DispatchTransitions.Task.Apply(DispatchTaskStatus.Assigned, DispatchTaskMove.Claim, "Task 7").Refusal
            .Should().Be("Task 7 is assigned; claim is allowed only from ready. Allowed now: complete, unassign or reclaim.");
    }

    [Fact]
    public void TheClaimStatement_TakesItsStatesFromTheTable()
    {
        DispatchTransitions.Task.OnlyFrom(DispatchTaskMove.Claim).Should().Be(DispatchTaskStatus.Ready);
        DispatchTransitions.Task.To(DispatchTaskMove.Claim).Should().Be(DispatchTaskStatus.Assigned);
        DispatchTransitions.Task.From(DispatchTaskMove.Reclaim).Should().Equal(DispatchTaskStatus.Assigned);
    }
}
