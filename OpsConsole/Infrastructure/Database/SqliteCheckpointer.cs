using Microsoft.Data.Sqlite;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Infrastructure.Database;

/// <summary>
/// Copies SQLite's write-ahead log into the database file in the background, once a second. Every connection has
/// automatic checkpoints off (<see cref="OpsDatabase.SqlitePragmasText"/>): with them on, the commit that pushed the
/// log past 1,000 pages did the copy itself, so an ETL job's commit took 170 ms instead of 50 while the other writers
/// waited. A passive checkpoint takes no write lock; writers and readers carry on while it runs, and the next writer
/// starts the log again from the top once everything in it is copied. When the console stops, the log is emptied.
/// </summary>
public sealed class SqliteCheckpointer(DatabaseOptions database, DatabaseStatus status, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly bool _enabled = OpsDatabase.SqliteDirectory(database) is not null;

    /// <summary>
    /// A connection of its own, outside the pool: its short busy timeout must not pass on to the console's pooled
    /// connections, whose settings are applied once per connection (SqlitePragmas).
    /// </summary>
    private string UnpooledConnectionString => _unpooled ??= new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ToString();

    private string? _unpooled;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (status.Ready)
                {
                    Checkpoint("PASSIVE");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_enabled && status.Ready)
        {
            // Everything has stopped writing: copy the rest and truncate the log, so the file alone is the database.
            Checkpoint("TRUNCATE");
        }
    }

    /// <summary>Runs one checkpoint; a failure is logged and the next tick tries again.</summary>
    private void Checkpoint(string mode)
    {
        try
        {
            using var connection = new SqliteConnection(UnpooledConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout=2000;";
            command.ExecuteNonQuery();
            command.CommandText = $"PRAGMA wal_checkpoint({mode});";
            using var reader = command.ExecuteReader();
            if (reader.Read() && reader.GetInt32(0) != 0)
            {
                logger.LogDebug("SQLite {Mode} checkpoint was blocked; {Done} of {Frames} log frames copied", mode, reader.GetInt32(2), reader.GetInt32(1));
            }
        }
        catch (Exception ex)
        {
            // Never stop the console over a checkpoint: the log only grows until one succeeds.
            logger.LogWarning(ex, "SQLite {Mode} checkpoint failed; the write-ahead log keeps growing until one succeeds", mode);
        }
    }
}
