using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Database;

/// <summary>
/// No commit copies SQLite's write-ahead log into the database file any more: the console's checkpointer does it
/// in the background, and empties the log when the console stops.
/// </summary>
public sealed class SqliteCheckpointerTests
{
    [Fact]
    public async Task Commits_LeaveTheLogToTheCheckpointer_WhichCopiesItInTheBackground_AndEmptiesItAtStop()
    {
        var options = TestDatabases.NewSqlite();
        var file = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
        var app = new OpsAppFactory(options);
        await using (app)
        {
            using var client = app.CreateClient();
            (await client.GetAsync("/health/ready")).EnsureSuccessStatusCode();
            var contexts = app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>();
            await using (var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken))
            {
                await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
                (await db.Database.SqlQueryRaw<long>("PRAGMA wal_autocheckpoint").ToListAsync(TestContext.Current.CancellationToken))
                    .Should().Equal([0L], "commits must not checkpoint");
            }

            var before = new FileInfo(file).Length;
            await using (var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken))
            {
                var now = DateTimeOffset.UtcNow;
                for (var i = 0; i < 3000; i++)
                {
                    db.Audit(Actor.System, now, OpsModules.Shared, "test.fill", "Thing", i.ToString(), null, new { Text = new string('x', 500) });
                }
                await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            }
            // Only a checkpoint writes pages into the database file; the commit wrote them to the log.
            await Until.TrueAsync(() => Task.FromResult(new FileInfo(file).Length > before + 1_000_000),
                "the background checkpoint to copy the new pages into the database file", TimeSpan.FromSeconds(20));
        }
        var log = new FileInfo(file + "-wal");
        (log.Exists ? log.Length : 0).Should().Be(0, "the console truncates the log when it stops");
        await using (var db = OpsDatabase.Create(options))
        {
            (await db.AuditEntries.CountAsync(e => e.Action == "test.fill", TestContext.Current.CancellationToken)).Should().Be(3000);
        }
    }

    [Fact]
    public async Task PooledConnections_KeepTheConsolesSettings_AfterCheckpointsHaveRun()
    {
        // Settings are applied once per native connection; the checkpointer's own short busy timeout must not
        // reach a pooled connection that EF later takes without setting it again.
        var ct = TestContext.Current.CancellationToken;
        await using var app = new OpsAppFactory(TestDatabases.NewSqlite());
        using var client = app.CreateClient();
        (await client.GetAsync("/health/ready", ct)).EnsureSuccessStatusCode();
        await Task.Delay(TimeSpan.FromSeconds(2.5), ct); // two or three background checkpoints
        var contexts = app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>();
        for (var round = 0; round < 3; round++)
        {
            var open = new List<OpsDbContext>();
            for (var i = 0; i < 4; i++)
            {
                var db = await contexts.CreateDbContextAsync(ct);
                await db.Database.OpenConnectionAsync(ct);
                open.Add(db);
                (await db.Database.SqlQueryRaw<long>("PRAGMA busy_timeout").ToListAsync(ct)).Should().Equal([5000L]);
                (await db.Database.SqlQueryRaw<long>("PRAGMA wal_autocheckpoint").ToListAsync(ct)).Should().Equal([0L]);
                (await db.Database.SqlQueryRaw<long>("PRAGMA synchronous").ToListAsync(ct)).Should().Equal([1L], "NORMAL");
            }
            foreach (var db in open)
            {
                await db.DisposeAsync();
            }
        }
    }
}
