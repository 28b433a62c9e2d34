using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
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
public sealed class DatabaseInitialiser(
    IDbContextFactory<OpsDbContext> contexts,
    DatabaseOptions options,
    DatabaseStatus status,
    UserAdministration users,
    IConfiguration configuration,
    IHostEnvironment environment,
    IEnumerable<IDemoData> demoData,
    ILogger<DatabaseInitialiser> logger)
{
    public static readonly string[] DemoUsers = ["admin", "supervisor", "operator", "viewer", "worker", "mlengine"];
    public const string DefaultDemoPassword = "demo-pass-2026";

    public async Task InitialiseAsync(CancellationToken ct = default)
    {
        try
        {
            PrepareSqliteFolder();
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
