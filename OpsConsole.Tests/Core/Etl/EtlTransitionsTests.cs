using OpsConsole.Core.Etl;

namespace OpsConsole.Tests.Core.Etl;

/// <summary>The ETL job's one state machine: the moves the runners and the commands make, and the queueing rule.</summary>
public sealed class EtlTransitionsTests
{
    public static TheoryData<EtlJobStatus, EtlJobMove, EtlJobStatus> AllowedMoves => new()
    {
        { EtlJobStatus.Queued, EtlJobMove.Claim, EtlJobStatus.Running },
        { EtlJobStatus.Running, EtlJobMove.Succeed, EtlJobStatus.Succeeded },
        { EtlJobStatus.Running, EtlJobMove.RetryLater, EtlJobStatus.Queued },
        { EtlJobStatus.Running, EtlJobMove.Fail, EtlJobStatus.Failed },
        { EtlJobStatus.Queued, EtlJobMove.Cancel, EtlJobStatus.Cancelled },
        { EtlJobStatus.Running, EtlJobMove.Cancel, EtlJobStatus.Cancelled },
        { EtlJobStatus.Failed, EtlJobMove.Requeue, EtlJobStatus.Queued },
        { EtlJobStatus.Cancelled, EtlJobMove.Requeue, EtlJobStatus.Queued },
        { EtlJobStatus.Succeeded, EtlJobMove.Rerun, EtlJobStatus.Queued },
    };

    [Theory]
    [MemberData(nameof(AllowedMoves))]
    public void EachAllowedMove_LeadsWhereTheTableSays(EtlJobStatus from, EtlJobMove move, EtlJobStatus to)
    {
        var moved = EtlTransitions.Job.Apply(from, move, "Job 1");
        moved.Allowed.Should().BeTrue();
        moved.To.Should().Be(to);
    }

    [Fact]
    public void EveryOtherMove_IsRefused_NamingWhatIsAllowed()
    {
        var allowed = EtlTransitions.Job.Moves.Select(m => (m.From, m.Move)).ToHashSet();
        allowed.Should().BeEquivalentTo(AllowedMoves.Select(row => (row.Data.Item1, row.Data.Item2)), "the table is the one listed here");
        foreach (var from in Enum.GetValues<EtlJobStatus>())
        {
            foreach (var move in Enum.GetValues<EtlJobMove>().Where(m => !allowed.Contains((from, m))))
            {
                var refused = EtlTransitions.Job.Apply(from, move, "Job 1");
                refused.Allowed.Should().BeFalse($"{move} from {from} is not in the table");
                refused.To.Should().Be(from);
                refused.Refusal.Should().StartWith($"Job 1 is {from.ToString().ToLowerInvariant()};");
            }
        }
        EtlTransitions.Job.Apply(EtlJobStatus.Succeeded, EtlJobMove.Cancel, "Job 1").Refusal
            .Should().Be("Job 1 is succeeded; cancel is allowed only from queued or running. Allowed now: rerun.");
    }

    [Theory]
    [InlineData(EtlJobStatus.Cancelled, QueueMode.Missing, EtlJobMove.Requeue)]
    [InlineData(EtlJobStatus.Cancelled, QueueMode.All, EtlJobMove.Requeue)]
    [InlineData(EtlJobStatus.Failed, QueueMode.Missing, null)]
    [InlineData(EtlJobStatus.Failed, QueueMode.MissingAndFailed, EtlJobMove.Requeue)]
    [InlineData(EtlJobStatus.Succeeded, QueueMode.MissingAndFailed, null)]
    [InlineData(EtlJobStatus.Succeeded, QueueMode.All, EtlJobMove.Rerun)]
    [InlineData(EtlJobStatus.Queued, QueueMode.All, null)]
    [InlineData(EtlJobStatus.Running, QueueMode.All, null)]
    public void QueueingAnExistingJob_FollowsTheMode_AndNeverQueuesTwice(EtlJobStatus status, QueueMode mode, EtlJobMove? expected)
    {
        var move = EtlTransitions.QueueMove(status, mode);
        move.Should().Be(expected);
        if (move is { } m)
        {
            EtlTransitions.Job.CanApply(status, m).Should().BeTrue("the rule only picks moves the table allows");
        }
    }

    [Theory]
    [InlineData(QueueMode.Missing)]
    [InlineData(QueueMode.MissingAndFailed)]
    [InlineData(QueueMode.All)]
    public void AJobWaitingForData_IsMissingData_QueuedAgainInEveryMode(QueueMode mode) =>
        EtlTransitions.QueueMove(EtlJobStatus.Failed, mode, awaitingData: true).Should().Be(EtlJobMove.Requeue, "the scan (missing only) tries it again");

    [Theory]
    [InlineData(1, 3, true, EtlJobMove.RetryLater)]
    [InlineData(3, 3, true, EtlJobMove.Fail)]
    [InlineData(1, 3, false, EtlJobMove.Fail)]
    public void AFailedAttempt_IsRetriedWhileAttemptsAreLeftAndTheFailureMayPass(int attempts, int max, bool retriable, EtlJobMove expected) =>
        EtlTransitions.AfterFailedAttempt(attempts, max, retriable).Should().Be(expected);

    [Fact]
    public void TheClaim_MovesQueuedJobsToRunning_AsTheClaimStatementSays()
    {
        EtlTransitions.Job.OnlyFrom(EtlJobMove.Claim).Should().Be(EtlJobStatus.Queued);
        EtlTransitions.Job.To(EtlJobMove.Claim).Should().Be(EtlJobStatus.Running);
        EtlTransitions.Cancellable.Should().BeEquivalentTo([EtlJobStatus.Queued, EtlJobStatus.Running]);
    }
}

/// <summary>The heatmap follows job events without a reload.</summary>
public sealed class MissingGridLiveTests
{
    [Fact]
    public void AJobEvent_RecoloursItsCell_AndOneOutsideTheGridIsIgnored()
    {
        var start = new DateOnly(2026, 11, 1);
        var row = new GridRow("B001", "Quay", 1, [CellState.Missing, CellState.Missing], [null, null], [null, null]);
        var grid = new MissingGrid(start, start.AddDays(1), [start, start.AddDays(1)], [row]);
        var id = Guid.NewGuid();
        grid.Apply([
            new EtlJobState(id, "B001", 1, start.AddDays(1), EtlJobStatus.Succeeded, 120),
            new EtlJobState(Guid.NewGuid(), "B001", 1, start.AddDays(5), EtlJobStatus.Failed, null),
            new EtlJobState(Guid.NewGuid(), "B002", 1, start, EtlJobStatus.Failed, null),
        ]);
        row.Cells.Should().Equal(CellState.Missing, CellState.Ok);
        row.JobIds[1].Should().Be(id);
        row.RecordCounts[1].Should().Be(120);
        grid.Total(CellState.Ok).Should().Be(1);
        MissingGrid.StateOf(EtlJobStatus.Cancelled).Should().Be(CellState.Missing, "a cancelled job left no data");

        grid.Apply([new EtlJobState(id, "B001", 1, start, EtlJobStatus.Failed, null, AwaitingData: true)]);
        row.Cells[0].Should().Be(CellState.Waiting, "a job that found no files waits for data; it is not shown as failed");
        MissingGrid.StateOf(EtlJobStatus.Queued, awaitingData: true).Should().Be(CellState.Queued, "queued again, it shows as queued");
    }
}
