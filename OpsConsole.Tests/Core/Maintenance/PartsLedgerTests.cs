using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Alerts;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Maintenance;

/// <summary>The parts ledger: on hand is the sum, never below zero now or in the past, one query for stock, low-stock alerts once.</summary>
public sealed class PartsLedgerTests
{
    private static readonly OpsConsole.Core.Shared.Auditing.Actor Op = MaintenanceTestData.Operator;

    private static async Task<(CoreHost Host, int Part, long Ticket)> StartAsync(string provider = "Sqlite", int reorderLevel = 0)
    {
        var host = await CoreHost.StartAsync(provider, new FakeTimeProvider(MaintenanceTestData.T0.AddDays(10)));
        int part, machine;
        await using (var db = await host.DbAsync())
        {
            part = await MaintenanceTestData.PartAsync(db, reorderLevel: reorderLevel);
            machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        }
        var ticket = (await host.Get<TicketService>().CreateAsync(Op, new NewTicket("Bearing noise", null, machine, null, null, null, null))).Value!;
        return (host, part, ticket.Id);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task TwoIssuingTheLastPartAtOnce_OneSucceeds_TheOtherIsToldWhatIsLeft(string provider)
    {
        var (host, part, ticket) = await StartAsync(provider);
        await using var _ = host;
        var ledger = host.Get<PartsLedger>();
        (await ledger.RecordAsync(Op, part, new MovementInput("receipt", 3, null, null, null))).Succeeded.Should().BeTrue();
        ThreadPool.SetMinThreads(32, 32);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            ledger.RecordAsync(Op, part, new MovementInput("issue", 2, null, ticket, null)))));

        results.Count(r => r.Succeeded).Should().Be(1);
        results.Where(r => !r.Succeeded).Should().OnlyContain(r => r.Outcome == OpsOutcome.Conflict && r.Message!.Contains("Only 1 pcs"));
        (await ledger.GetAsync(part)).Value!.OnHand.Should().Be(1);
    }

    [Fact]
    public async Task OnHand_IsTheLedgerSum_ReservedCountsActiveTickets_OneQueryForAll()
    {
        var (host, part, ticket) = await StartAsync();
        await using var _ = host;
        var ledger = host.Get<PartsLedger>();
        await ledger.RecordAsync(Op, part, new MovementInput("receipt", 10, null, null, null));
        await ledger.RecordAsync(Op, part, new MovementInput("issue", 4, null, ticket, null));
        await ledger.RecordAsync(Op, part, new MovementInput("return", 1, null, ticket, null));
        (await ledger.RecordAsync(Op, part, new MovementInput("adjustment", -2, null, null, null))).Errors.Should().ContainKey("reason");
        await ledger.RecordAsync(Op, part, new MovementInput("adjustment", -2, null, null, "Counted 5 in the bin"));
        await using (var db = await host.DbAsync())
        {
            db.PartReservations.Add(new PartReservation { PartId = part, TicketId = ticket, Quantity = 2, CreatedBy = "op", CreatedAt = MaintenanceTestData.T0.UtcDateTime });
            await db.SaveChangesAsync();
        }

        var stock = (await ledger.StockAsync()).Single();

        (stock.OnHand, stock.Reserved, stock.Available).Should().Be((5, 2, 3));
        await host.Get<TicketService>().MoveAsync(Op, ticket, new TicketStatusChange("cancelled", "Wrong machine"));
        (await ledger.GetAsync(part)).Value!.Reserved.Should().Be(0, "a cancelled ticket reserves nothing");
        var detail = (await host.Get<TicketService>().GetAsync(ticket)).Value!;
        detail.Parts.Select(p => p.Quantity).Should().Equal(-4, 1);
        detail.History.Should().Contain(h => h.Action == "part" && h.After!.StartsWith("issue 4 pcs"));
    }

    [Fact]
    public async Task ABackDatedMovement_MayNotMakeAnyPastBalanceNegative()
    {
        var (host, part, ticket) = await StartAsync();
        await using var _ = host;
        var ledger = host.Get<PartsLedger>();
        // Day 1: 5 in; day 3: 4 out. A back-dated issue of 2 on day 2 would leave -1 after day 3.
        await ledger.RecordAsync(Op, part, new MovementInput("receipt", 5, "2026-12-02T08:00:00Z", null, null));
        (await ledger.RecordAsync(Op, part, new MovementInput("issue", 4, "2026-12-04T08:00:00Z", ticket, null))).Succeeded.Should().BeTrue();

        var history = await ledger.RecordAsync(Op, part, new MovementInput("issue", 2, "2026-12-03T08:00:00Z", ticket, null));
        var beforeAnything = await ledger.RecordAsync(Op, part, new MovementInput("issue", 1, "2026-12-01T08:00:00Z", ticket, null));
        var fits = await ledger.RecordAsync(Op, part, new MovementInput("issue", 1, "2026-12-03T08:00:00Z", ticket, null));

        history.Outcome.Should().Be(OpsOutcome.Conflict);
        history.Message.Should().Contain("would leave -1 on hand on 2026-12-04 08:00 UTC");
        beforeAnything.Message.Should().Contain("On 2026-12-01 08:00 UTC only 0 pcs");
        fits.Succeeded.Should().BeTrue();
        (await ledger.GetAsync(part)).Value!.OnHand.Should().Be(0);
    }

    [Fact]
    public async Task LowStock_IsRaisedOnceOnCrossing_AndClearedOnRestock()
    {
        var (host, part, ticket) = await StartAsync(reorderLevel: 3);
        await using var _ = host;
        var ledger = host.Get<PartsLedger>();
        await ledger.RecordAsync(Op, part, new MovementInput("receipt", 6, null, null, null));
        await ledger.RecordAsync(Op, part, new MovementInput("issue", 2, null, ticket, null));
        (await ActiveAlertsAsync(host)).Should().BeEmpty();

        await ledger.RecordAsync(Op, part, new MovementInput("issue", 1, null, ticket, null)); // 3: at the level
        await ledger.RecordAsync(Op, part, new MovementInput("issue", 1, null, ticket, null)); // 2: still low

        var active = await ActiveAlertsAsync(host);
        active.Should().ContainSingle().Which.Count.Should().Be(1, "raised once, on crossing");
        active[0].Key.Should().Be("low-stock:BRG-6204");
        await ledger.RecordAsync(Op, part, new MovementInput("receipt", 10, null, null, null));
        (await ActiveAlertsAsync(host)).Should().BeEmpty();
    }

    private static async Task<List<Alert>> ActiveAlertsAsync(CoreHost host)
    {
        await using var db = await host.DbAsync();
        return await db.Alerts.AsNoTracking().Where(a => a.Module == "maintenance" && a.ActiveKey != null).ToListAsync();
    }

    [Fact]
    public void TheReorderSuggestion_CoversTheLeadTime()
    {
        var part = new Part { Id = 1, Number = "F-1", Name = "Filter", ReorderLevel = 4, ReorderQuantity = 10, LeadTimeDays = 14 };

        var busy = PartsLedger.Suggest(new PartStock(part, 20, 0), usedInWindow: 90, windowDays: 90, today: new DateOnly(2026, 12, 1));
        var idle = PartsLedger.Suggest(new PartStock(part, 20, 0), usedInWindow: 0, windowDays: 90, today: new DateOnly(2026, 12, 1));
        var big = PartsLedger.Suggest(new PartStock(part, 4, 0), usedInWindow: 270, windowDays: 90, today: new DateOnly(2026, 12, 1));

        (busy.DailyUse, busy.DaysLeft, busy.OrderBy, busy.SuggestedQuantity).Should().Be((1.0, 16.0, new DateOnly(2026, 12, 3), 10));
        (idle.DaysLeft, idle.SuggestedQuantity).Should().Be(((double?)null, 0));
        big.SuggestedQuantity.Should().Be(3 * 14 + 4 + 1 - 4, "three a day for the 14-day lead time, back above the level");
    }

    [Fact]
    public async Task BadMovements_NameTheirFields()
    {
        var (host, part, _) = await StartAsync();
        await using var __ = host;
        var result = await host.Get<PartsLedger>().RecordAsync(Op, part, new MovementInput("steal", 0, "later", 999, null));
        result.Errors.Keys.Should().BeEquivalentTo(["kind", "quantity", "occurred_at", "ticket_id"]);
        (await host.Get<PartsLedger>().RecordAsync(Op, part, new MovementInput("issue", 1, null, null, null))).Errors.Should().ContainKey("ticket_id");
        (await host.Get<PartsLedger>().RecordAsync(Op, part, new MovementInput("receipt", -1, null, null, null))).Errors.Should().ContainKey("quantity");
    }
}
