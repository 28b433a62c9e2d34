using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OpsConsole.Core.Shared.Data;

/// <summary>Builds context options for the configured provider; used by the app, the tests and the design-time tools.</summary>
public static class OpsDatabase
{
    /// <summary>A 16 MB page cache per SQLite connection (the default is 2 MB): range reads over a year of jobs stay in memory.</summary>
    public const string SqliteCacheSizePragma = "PRAGMA cache_size=-16384;";

    /// <summary>
    /// Set on every SQLite connection the console opens: wait up to 5 s for the write lock, sync at checkpoints only
    /// (WAL), no automatic checkpoints (the console's SqliteCheckpointer does them in the background), a log file
    /// cut back to 64 MB when it starts again, SQLite's memory for the whole process held to about 16 MB (page
    /// caches give way first; pooled connections each filled their own 16 MB before; the ETL ingest's peak was
    /// 383–404 MB at 64 MB, 339–395 MB at 32 MB and 337–341 MB at 16 MB, at the same speed), and the page cache above.
    /// </summary>
    public const string SqlitePragmasText =
        "PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864; PRAGMA soft_heap_limit=16777216; " + SqliteCacheSizePragma;

    public static void Configure(DbContextOptionsBuilder builder, DatabaseOptions options)
    {
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                // Dropping a column makes SQLite rebuild the table outside the migration's transaction; EF warns
                // about it on every new database. The rebuild is EF's own and runs once.
                builder.UseSqlite(options.ConnectionString, o => o.CommandTimeout(30))
                    .AddInterceptors(SqlitePragmas.Instance)
                    .ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.NonTransactionalMigrationOperationWarning));
                break;
            case DatabaseProvider.PostgreSql:
                builder.UseNpgsql(options.ConnectionString, o => o.EnableRetryOnFailure(3));
                break;
            case DatabaseProvider.SqlServer:
                builder.UseSqlServer(options.ConnectionString, o => o.EnableRetryOnFailure(3));
                break;
        }
    }

    public static OpsDbContext Create(DatabaseOptions options, Action<DbContextOptionsBuilder>? extra = null)
    {
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
            {
                var b = new DbContextOptionsBuilder<SqliteOpsDbContext>();
                Configure(b, options);
                extra?.Invoke(b);
                return new SqliteOpsDbContext(b.Options);
            }
            case DatabaseProvider.PostgreSql:
            {
                var b = new DbContextOptionsBuilder<PostgreSqlOpsDbContext>();
                Configure(b, options);
                extra?.Invoke(b);
                return new PostgreSqlOpsDbContext(b.Options);
            }
            default:
            {
                var b = new DbContextOptionsBuilder<SqlServerOpsDbContext>();
                Configure(b, options);
                extra?.Invoke(b);
                return new SqlServerOpsDbContext(b.Options);
            }
        }
    }

    /// <summary>The folder a SQLite database file lives in, or null for other providers and in-memory databases.</summary>
    public static string? SqliteDirectory(DatabaseOptions options)
    {
        if (options.Provider != DatabaseProvider.Sqlite)
        {
            return null;
        }
        var source = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:")
        {
            return null;
        }
        return Path.GetDirectoryName(Path.GetFullPath(source));
    }
}

/// <summary>
/// WAL and a busy timeout on every SQLite connection: readers never block the writer, writers wait in turn. The
/// settings stay with the native connection, which Microsoft.Data.Sqlite pools, so they are applied once per native
/// connection rather than at every open (six statements at every EF query and every batch of claims before).
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    /// <summary>Native connections already set up; an entry goes when the pool closes its connection.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> Applied = [];

    public override void ConnectionOpened(System.Data.Common.DbConnection connection, ConnectionEndEventData eventData)
        => Apply(connection);

    public override Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(System.Data.Common.DbConnection connection)
    {
        var handle = (connection as SqliteConnection)?.Handle;
        if (handle is not null && Applied.TryGetValue(handle, out _))
        {
            return;
        }
        using (var command = connection.CreateCommand())
        {
            // journal_mode=WAL is set once by the initialiser and sticks to the file; the rest are per connection.
            command.CommandText = OpsDatabase.SqlitePragmasText;
            command.ExecuteNonQuery();
        }
        if (handle is not null)
        {
            Applied.AddOrUpdate(handle, Instance);
        }
    }
}
