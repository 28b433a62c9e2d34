using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Tests.Core.Shared;

public sealed class SqliteWriteTurnsTests
{
    [Fact]
    public async Task OnSqlite_WritersTakeTurnsInArrivalOrder()
    {
        var turns = new SqliteWriteTurns(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = "Data Source=x.db" });
        var order = new List<int>();
        var first = await turns.TakeAsync(TestContext.Current.CancellationToken);
        // Each writer asks in turn (its request is queued before the next one asks); timed arrivals 20 ms apart
        // could swap places on a loaded machine.
        var waiting = Enumerable.Range(1, 5).Select(async i =>
        {
            using var turn = await turns.TakeAsync(TestContext.Current.CancellationToken);
            lock (order)
            {
                order.Add(i);
            }
        }).ToList();
        await Task.Delay(200, TestContext.Current.CancellationToken);
        order.Should().BeEmpty("the first writer still has its turn");
        first.Dispose();
        await Task.WhenAll(waiting);
        order.Should().Equal(1, 2, 3, 4, 5);
    }

    [Fact]
    public async Task OnAServerDatabase_ATurnIsFree()
    {
        var turns = new SqliteWriteTurns(new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = "Host=x" });
        using var first = await turns.TakeAsync(TestContext.Current.CancellationToken);
        var second = turns.TakeAsync(TestContext.Current.CancellationToken);
        second.IsCompleted.Should().BeTrue();
        (await second).Dispose();
    }
}
