using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Maintenance;

/// <summary>The ticket events outbox: written with the change it reports, published in order, kept while publishing fails.</summary>
public sealed class TicketEventsTests
{
    private static async Task<(CoreHost Host, long Ticket)> TicketWithTwoMovesAsync(string provider = "Sqlite")
    {
        var host = await CoreHost.StartAsync(provider, new FakeTimeProvider(MaintenanceTestData.T0));
        int machine;
        await using (var db = await host.DbAsync())
        {
            machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        }
        var tickets = host.Get<TicketService>();
        var ticket = (await tickets.CreateAsync(MaintenanceTestData.Operator, new NewTicket("Ram leaks oil", null, machine, null, "high", null, null))).Value!;
        (await tickets.MoveAsync(MaintenanceTestData.Operator, ticket.Id, new TicketStatusChange("in_progress", null))).Succeeded.Should().BeTrue();
        return (host, ticket.Id);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task EveryHistoryLine_HasItsEvent_PublishedInOrderOnce(string provider)
    {
        var (host, ticket) = await TicketWithTwoMovesAsync(provider);
        await using var _ = host;
        var outbox = host.Get<TicketEvents>();
        await using (var db = await host.DbAsync())
        {
            (await db.TicketEventOutbox.CountAsync()).Should().Be(await db.TicketHistory.CountAsync(h => h.TicketId == ticket), "one event per history line, same transaction");
        }
        var published = new List<JsonElement>();

        (await outbox.PublishPendingAsync((payload, _) => { published.Add(JsonDocument.Parse(payload).RootElement.Clone()); return Task.CompletedTask; }, default))
            .Should().Be(published.Count);
        (await outbox.PublishPendingAsync((_, _) => throw new InvalidOperationException("nothing is left to publish"), default)).Should().Be(0);

        published.Select(e => e.GetProperty("action").GetString()).Should().StartWith("created").And.Contain("status");
        published.Last().GetProperty("ticket").GetProperty("status").GetString().Should().Be("in_progress");
        published.Should().OnlyContain(e => e.GetProperty("ticket_id").GetInt64() == ticket && e.GetProperty("event_id").GetGuid() != Guid.Empty);
        (await outbox.PendingAsync()).Count.Should().Be(0);
    }

    [Fact]
    public async Task AFailedPublish_KeepsThatEventAndTheOnesAfterIt_UntilItSucceeds()
    {
        var (host, _) = await TicketWithTwoMovesAsync();
        await using var __ = host;
        var outbox = host.Get<TicketEvents>();
        var waiting = (await outbox.PendingAsync()).Count;

        var failing = () => outbox.PublishPendingAsync((_, _) => throw new InvalidOperationException("broker away"), default);
        await failing.Should().ThrowAsync<InvalidOperationException>();

        await using (var db = await host.DbAsync())
        {
            var first = await db.TicketEventOutbox.OrderBy(e => e.Id).FirstAsync();
            (first.PublishedAt, first.Attempts, first.LastError).Should().Be(((DateTime?)null, 1, "broker away"));
        }
        (await outbox.PendingAsync()).Count.Should().Be(waiting);
        (await outbox.PublishPendingAsync((_, _) => Task.CompletedTask, default)).Should().Be(waiting);
    }

    [Fact]
    public async Task Pruning_DropsPublishedEventsAfterADay_AndUnpublishedOnesAfterAWeek()
    {
        var clock = new FakeTimeProvider(MaintenanceTestData.T0);
        await using var host = await CoreHost.StartAsync(time: clock);
        await using (var db = await host.DbAsync())
        {
            db.TicketEventOutbox.AddRange(
                new TicketEventOutbox { TicketId = 1, Payload = "{}", CreatedAt = clock.GetUtcNow().UtcDateTime, PublishedAt = clock.GetUtcNow().UtcDateTime },
                new TicketEventOutbox { TicketId = 1, Payload = "{}", CreatedAt = clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync();
        }
        var outbox = host.Get<TicketEvents>();

        clock.Advance(TimeSpan.FromHours(25));
        (await outbox.PruneAsync(TimeSpan.FromDays(1), TimeSpan.FromDays(7))).Should().Be(1);
        clock.Advance(TimeSpan.FromDays(7));
        (await outbox.PruneAsync(TimeSpan.FromDays(1), TimeSpan.FromDays(7))).Should().Be(1);
    }
}
