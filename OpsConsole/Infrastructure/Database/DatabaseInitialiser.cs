using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Identity;

namespace OpsConsole.Infrastructure.Database;

/// <summary>What start-up learnt about the database; /health/ready reports it.</summary>
public sealed class DatabaseStatus
{
    public bool Ready { get; private set; }
    public string? Problem { get; private set; }

    public void MarkReady() => (Ready, Problem) = (true, null);
    public void MarkFailed(string problem) => (Ready, Problem) = (false, problem);
}

/// <summary>
/// Applies the provider's migrations at start, then creates the roles, (in Development) the demo users, and the
/// modules' demo data (every registered <see cref="IDemoData"/>). A
/// database that cannot be opened or written is reported in one clear log line and by /health/ready, and the
/// process stays up so that an operator can see why.
/// </summary>
/// <remarks>
/// On a shared server (PostgreSQL, SQL Server) all of it runs under a cluster-wide start-up lock (an advisory lock on
/// its own connection), so instances started at the same moment migrate once, create each role and demo row once,
/// and the first one creates the one data-protection key the others then read (issue 20; ADR 0040).
/// </remarks>
public sealed class DatabaseInitialiser(
    IDbContextFactory<OpsDbContext> contexts,
    DatabaseOptions options,
    DatabaseStatus status,
    UserAdministration users,
    IConfiguration configuration,
    IHostEnvironment environment,
    IEnumerable<IDemoData> demoData,
    ILogger<DatabaseInitialiser> logger,
    IDataProtectionProvider? keyRing = null)
{
    public static readonly string[] DemoUsers = ["admin", "supervisor", "operator", "viewer", "worker", "mlengine"];
    public const string DefaultDemoPassword = "demo-pass-2026";

    public async Task InitialiseAsync(CancellationToken ct = default)
    {
        try
        {
            PrepareSqliteFolder();
            await using var startLock = await StartupLockAsync(ct);
            await using (var db = await contexts.CreateDbContextAsync(ct))
            {
                if (options.Provider == DatabaseProvider.Sqlite)
                {
                    await db.Database.OpenConnectionAsync(ct);
                    await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
                }
                await db.Database.MigrateAsync(ct);
            }
            await users.EnsureRolesAsync(ct);
            if (DemoUsersEnabled)
            {
                await SeedDemoUsersAsync(ct);
            }
            foreach (var demo in demoData)
            {
                await demo.SeedAsync(ct);
            }
            // The key ring's first use creates its default key when there is none: under the lock, so one instance does.
            keyRing?.CreateProtector("OpsConsole.Startup").Protect([1]);
            status.MarkReady();
        }
        catch (Exception ex) when (ex is SqliteException or DbUpdateException or InvalidOperationException or IOException
            or UnauthorizedAccessException or System.Data.Common.DbException or TimeoutException)
        {
            var problem = $"Database unavailable ({options.Provider}, {Describe()}): {Root(ex).Message}";
            status.MarkFailed(problem);
            logger.LogCritical("{Problem}. The console is running without it; /health/ready reports this until it is fixed and the console restarted.", problem);
        }
    }

    /// <summary>The start-up lock on PostgreSQL and SQL Server, held by its own connection until disposed; nothing on SQLite (one process).</summary>
    private async Task<IAsyncDisposable?> StartupLockAsync(CancellationToken ct)
    {
        var (take, release) = options.Provider switch
        {
            DatabaseProvider.PostgreSql => ("SELECT pg_advisory_lock(hashtext('opsconsole:start'))", "SELECT pg_advisory_unlock(hashtext('opsconsole:start'))"),
            DatabaseProvider.SqlServer => ("EXEC sp_getapplock @Resource = 'opsconsole:start', @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = -1",
                "EXEC sp_releaseapplock @Resource = 'opsconsole:start', @LockOwner = 'Session'"),
            _ => (null, null),
        };
        if (take is null)
        {
            return null;
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        // The lock lives in the console's own database, so that database must exist first: on a first start every
        // instance creates it if it is missing (one succeeds; the others find it made), then all lock the same one.
        var creator = db.GetService<IRelationalDatabaseCreator>();
        try
        {
            if (!await creator.ExistsAsync(ct))
            {
                await creator.CreateAsync(ct);
            }
        }
        catch (DbException)
        {
            // Another instance created it between the check and the create; anything else fails the open below.
        }
        var connection = db.Database.GetDbConnection();
        // A connection of its own (not the context's, which is disposed here), closed with the lock.
        var own = (DbConnection)((ICloneable)connection).Clone();
        try
        {
            await own.OpenAsync(ct);
        }
        catch (DbException ex)
        {
            // A server that lets the console migrate but not hold a session of its own: start as before this lock.
            logger.LogWarning("The start-up lock could not be taken ({Reason}); starting without it.", Root(ex).Message);
            await own.DisposeAsync();
            return null;
        }
        await using (var command = own.CreateCommand())
        {
            command.CommandText = take;
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync(ct);
        }
        return new StartupLock(own, release!);
    }

    private sealed class StartupLock(DbConnection connection, string release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = release;
                await command.ExecuteNonQueryAsync();
            }
            catch (DbException)
            {
                // Closing the session below releases it anyway.
            }
            await connection.DisposeAsync();
        }
    }

    public bool DemoUsersEnabled => configuration.GetValue("Demo:Enabled", environment.IsDevelopment());

    private async Task SeedDemoUsersAsync(CancellationToken ct)
    {
        var password = configuration["Demo:Password"] is { Length: > 0 } p ? p : DefaultDemoPassword;
        foreach (var name in DemoUsers)
        {
            var role = name == "mlengine" ? OpsRoles.MlEngine : name;
            var result = await users.EnsureUserAsync(Actor.System, name, role, password, ct);
            if (!result.Succeeded)
            {
                logger.LogWarning("Demo user {User} was not created: {Reason}", name, result.Describe());
            }
        }
    }

    private void PrepareSqliteFolder()
    {
        var folder = OpsDatabase.SqliteDirectory(options);
        if (folder is not null && !Directory.Exists(folder))
        {
            logger.LogInformation("Creating the database folder {Folder}", folder);
            Directory.CreateDirectory(folder);
        }
    }

    private string Describe() => options.Provider == DatabaseProvider.Sqlite
        ? new SqliteConnectionStringBuilder(options.ConnectionString).DataSource
        : "ConnectionStrings:OpsConsole";

    private static Exception Root(Exception ex) => ex.InnerException is null ? ex : Root(ex.InnerException);
}
