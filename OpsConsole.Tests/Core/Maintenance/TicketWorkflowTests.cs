using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Maintenance;

/// <summary>The ticket workflow: the table itself, and the service that moves, edits and comments through it.</summary>
public sealed class TicketWorkflowTests
{
    public static TheoryData<TicketStatus, TicketStatus, TicketMove?> Moves => new()
    {
        { TicketStatus.Open, TicketStatus.InProgress, TicketMove.Start },
        { TicketStatus.Open, TicketStatus.Cancelled, TicketMove.Cancel },
        { TicketStatus.Open, TicketStatus.Resolved, null },
        { TicketStatus.Open, TicketStatus.OnHold, null },
        { TicketStatus.InProgress, TicketStatus.OnHold, TicketMove.Hold },
        { TicketStatus.InProgress, TicketStatus.Resolved, TicketMove.Resolve },
        { TicketStatus.InProgress, TicketStatus.Cancelled, TicketMove.Cancel },
        { TicketStatus.InProgress, TicketStatus.Closed, null },
        { TicketStatus.OnHold, TicketStatus.InProgress, TicketMove.Resume },
        { TicketStatus.OnHold, TicketStatus.Cancelled, TicketMove.Cancel },
        { TicketStatus.OnHold, TicketStatus.Resolved, null },
        { TicketStatus.Resolved, TicketStatus.Closed, TicketMove.Close },
        { TicketStatus.Resolved, TicketStatus.InProgress, TicketMove.Reopen },
        { TicketStatus.Resolved, TicketStatus.Cancelled, null },
        { TicketStatus.Closed, TicketStatus.InProgress, null },
        { TicketStatus.Cancelled, TicketStatus.Open, null },
    };

    [Theory]
    [MemberData(nameof(Moves))]
    public void MoveTo_FollowsTheTable_AndRefusesWithTheAllowedStatuses(TicketStatus from, TicketStatus to, TicketMove? expected)
    {
        var (move, refusal) = TicketRules.MoveTo(from, to, "Ticket #1");
        move.Should().Be(expected);
        if (expected is null)
        {
            refusal.Should().StartWith($"Ticket #1 is {from.Wire()}; it cannot move to {to.Wire()}.");
            var allowed = TicketRules.AllowedTargets(from);
            refusal.Should().EndWith(allowed.Count == 0 ? "Nothing more can be done with it." : $"Allowed now: {OpsNames.List(allowed.Select(s => s.Wire()).ToList())}.");
        }
    }

    [Fact]
    public void HoldReopenAndCancel_NeedAReason_OthersDoNot()
    {
        Enum.GetValues<TicketMove>().Where(TicketRules.NeedsReason).Should().BeEquivalentTo([TicketMove.Hold, TicketMove.Reopen, TicketMove.Cancel]);
    }

    private static async Task<(CoreHost Host, int Machine)> StartAsync(FakeTimeProvider? clock = null, StateFeed feed = StateFeed.Manual)
    {
        var host = await CoreHost.StartAsync(time: clock ?? new FakeTimeProvider(MaintenanceTestData.T0));
        await using var db = await host.DbAsync();
        await MaintenanceTestData.CodesAsync(db);
        var machines = await MaintenanceTestData.MachinesAsync(db, 1, feed: feed);
        return (host, machines[0]);
    }

    [Fact]
    public async Task ATicket_GoesThroughTheWholeWorkflow_WithAHistoryLineForEveryChange()
    {
        var clock = new FakeTimeProvider(MaintenanceTestData.T0);
        var (host, machine) = await StartAsync(clock);
        await using var _ = host;
        var tickets = host.Get<TicketService>();
        var op = MaintenanceTestData.Operator;

        var created = (await tickets.CreateAsync(op, new NewTicket("Oil leak", "Under the ram", machine, null, "high", null, null))).Value!;
        created.Status.Should().Be(TicketStatus.Open);
        created.Version.Should().Be(1);
        clock.Advance(TimeSpan.FromMinutes(12));
        (await tickets.MoveAsync(op, created.Id, new TicketStatusChange("in_progress", null))).Value!.FirstStartedAt.Should().Be(clock.GetUtcNow().UtcDateTime);
        (await tickets.MoveAsync(op, created.Id, new TicketStatusChange("on_hold", null))).Errors.Should().ContainKey("reason");
        (await tickets.MoveAsync(op, created.Id, new TicketStatusChange("on_hold", "Waiting for a seal kit"))).Value!.StatusReason.Should().Be("Waiting for a seal kit");
        (await tickets.MoveAsync(op, created.Id, new TicketStatusChange("in_progress", null))).Succeeded.Should().BeTrue();
        (await tickets.CommentAsync(op, created.Id, "Seal replaced")).Succeeded.Should().BeTrue();
        (await tickets.MoveAsync(op, created.Id, new TicketStatusChange("resolved", null, ProblemCode: "nope"))).Errors.Should().ContainKey("problem_code");
        var resolved = (await tickets.MoveAsync(op, created.Id, new TicketStatusChange("resolved", null, ProblemCode: "hydraulic", CauseCode: "seal-wear",
            RemedyCode: "replace"))).Value!;
        resolved.ProblemCode.Should().Be("hydraulic");
        resolved.ResolvedAt.Should().NotBeNull();
        var reopened = (await tickets.MoveAsync(op, created.Id, new TicketStatusChange("in_progress", "Leaks again"))).Value!;
        reopened.Reopened.Should().Be(1);
        reopened.FirstStartedAt.Should().Be(MaintenanceTestData.T0.UtcDateTime.AddMinutes(12), "MTTA counts the first start, not a reopen");
        (await tickets.MoveAsync(op, created.Id, new TicketStatusChange("resolved", null))).Succeeded.Should().BeTrue();
        var closed = (await tickets.MoveAsync(op, created.Id, new TicketStatusChange("closed", null))).Value!;
        closed.Status.Should().Be(TicketStatus.Closed);

        var detail = (await tickets.GetAsync(created.Id)).Value!;
        detail.History.Select(h => (h.Action, h.Field, h.After)).Should().ContainInOrder(
            ("created", null, detail.History[0].After),
            ("status", "status", "in_progress"),
            ("status", "status", "on_hold"),
            ("status", "reason", "Waiting for a seal kit"),
            ("status", "status", "in_progress"),
            ("comment", null, "Seal replaced"),
            ("status", "status", "resolved"),
            ("edited", "failure_code", "hydraulic / seal-wear / replace"),
            ("status", "status", "in_progress"),
            ("status", "reason", "Leaks again"),
            ("status", "status", "resolved"),
            ("status", "status", "closed"));
        detail.History.Select(h => h.Version).Should().BeInAscendingOrder();
        detail.Comments.Should().ContainSingle(c => c.Body == "Seal replaced");
        detail.Allowed.Should().BeEmpty();
        await using var db = await host.DbAsync();
        (await db.AuditEntries.CountAsync(e => e.Module == "maintenance" && e.EntityId == created.Id.ToString())).Should().Be(9);
    }

    [Fact]
    public async Task AnIllegalMove_IsAConflictNamingTheAllowedStatuses_AndChangesNothing()
    {
        var (host, machine) = await StartAsync();
        await using var _ = host;
        var tickets = host.Get<TicketService>();
        var ticket = (await tickets.CreateAsync(MaintenanceTestData.Operator, new NewTicket("Noise", null, machine, null, null, null, null))).Value!;

        var refused = await tickets.MoveAsync(MaintenanceTestData.Operator, ticket.Id, new TicketStatusChange("closed", null));

        refused.Outcome.Should().Be(OpsOutcome.Conflict);
        refused.Details!["allowed"].Should().BeEquivalentTo(new[] { "in_progress", "cancelled" });
        refused.Details["status"].Should().Be("open");
        var after = (await tickets.GetAsync(ticket.Id)).Value!;
        after.Ticket.Status.Should().Be(TicketStatus.Open);
        after.Ticket.Version.Should().Be(1);
    }

    [Fact]
    public async Task ASaveOnAStaleVersion_IsRefusedWithWhatChanged_AndTheOtherEditStays()
    {
        var (host, machine) = await StartAsync();
        await using var _ = host;
        var tickets = host.Get<TicketService>();
        var ticket = (await tickets.CreateAsync(MaintenanceTestData.Operator, new NewTicket("Noise", null, machine, null, "low", null, null))).Value!;
        var alice = new OpsConsole.Core.Shared.Auditing.Actor("alice", ["operator"]);
        (await tickets.UpdateAsync(alice, ticket.Id, new TicketEdit(1, null, null, "critical", null, null))).Value!.Version.Should().Be(2);

        var bob = await tickets.UpdateAsync(MaintenanceTestData.Operator, ticket.Id, new TicketEdit(1, "Loud noise", null, null, null, null));

        bob.Outcome.Should().Be(OpsOutcome.Conflict);
        bob.Message.Should().Contain("priority by alice");
        var changes = (IEnumerable<Dictionary<string, object?>>)bob.Details!["changes"]!;
        changes.Should().ContainSingle(c => (string?)c["field"] == "priority" && (string?)c["before"] == "low" && (string?)c["after"] == "critical");
        bob.Details["version"].Should().Be(2);
        var after = (await tickets.GetAsync(ticket.Id)).Value!.Ticket;
        after.Title.Should().Be("Noise");
        after.Priority.Should().Be(TicketPriority.Critical);
        (await tickets.UpdateAsync(MaintenanceTestData.Operator, ticket.Id, new TicketEdit(2, "Loud noise", null, null, null, null))).Value!.Title.Should().Be("Loud noise");
    }

    [Fact]
    public async Task TwoSavesAtOnce_OneWins_TheOtherIsToldWhatChanged()
    {
        var (host, machine) = await StartAsync();
        await using var _ = host;
        var tickets = host.Get<TicketService>();
        var ticket = (await tickets.CreateAsync(MaintenanceTestData.Operator, new NewTicket("Noise", null, machine, null, null, null, null))).Value!;

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            tickets.UpdateAsync(MaintenanceTestData.Operator, ticket.Id, new TicketEdit(1, $"Title {i}", null, null, null, null)))));

        results.Count(r => r.Succeeded).Should().Be(1);
        results.Where(r => !r.Succeeded).Should().OnlyContain(r => r.Outcome == OpsOutcome.Conflict);
        (await tickets.GetAsync(ticket.Id)).Value!.Ticket.Version.Should().Be(2);
    }

    [Fact]
    public async Task Cancel_NeedsAReason_AndFreesTheMachinesFailureSlot()
    {
        var (host, machine) = await StartAsync();
        await using var _ = host;
        var states = host.Get<MachineStates>();
        await states.SetStateAsync(machine, MachineState.Down, StateSource.Telemetry, MaintenanceTestData.T0.UtcDateTime.AddMinutes(-10));
        var opened = await host.Get<MachineStates>().OpenDueFailureTicketsAsync();
        opened.Should().ContainSingle();
        var tickets = host.Get<TicketService>();

        (await tickets.MoveAsync(MaintenanceTestData.Operator, opened[0], new TicketStatusChange("cancelled", null))).Errors.Should().ContainKey("reason");
        var cancelled = (await tickets.MoveAsync(MaintenanceTestData.Operator, opened[0], new TicketStatusChange("cancelled", "Duplicate of a phone call"))).Value!;

        cancelled.Status.Should().Be(TicketStatus.Cancelled);
        cancelled.OpenFailureMachineId.Should().BeNull();
        cancelled.CancelledAt.Should().NotBeNull();
    }

    [Fact]
    public async Task Resolving_SetsAManualMachineRunningOnlyWhenAsked_AndNeverATelemetryMachine()
    {
        foreach (var feed in new[] { StateFeed.Manual, StateFeed.Telemetry })
        {
            var (host, machine) = await StartAsync(feed: feed);
            await using var _ = host;
            await host.Get<MachineStates>().SetStateAsync(machine, MachineState.Down, StateSource.Manual, MaintenanceTestData.T0.UtcDateTime.AddMinutes(-30));
            var ticketId = (await host.Get<MachineStates>().OpenDueFailureTicketsAsync()).Single();
            var tickets = host.Get<TicketService>();
            await tickets.MoveAsync(MaintenanceTestData.Operator, ticketId, new TicketStatusChange("in_progress", null));

            await tickets.MoveAsync(MaintenanceTestData.Operator, ticketId, new TicketStatusChange("resolved", null, MachineRunsAgain: true));

            var detail = (await tickets.GetAsync(ticketId)).Value!;
            detail.Machine.State.Should().Be(feed == StateFeed.Manual ? MachineState.Running : MachineState.Down, $"feed {feed}");
            detail.Periods.Single().IsOpen.Should().Be(feed != StateFeed.Manual);
        }
    }

    [Fact]
    public async Task Create_NamesEveryBadField()
    {
        var (host, _) = await StartAsync();
        await using var __ = host;
        var result = await host.Get<TicketService>().CreateAsync(MaintenanceTestData.Operator,
            new NewTicket("", null, 999, "sometimes", "urgent", "nobody", "yesterday"));
        result.Errors.Keys.Should().BeEquivalentTo(["title", "machine_id", "kind", "priority", "assigned_to", "due_at"]);
    }
}
