using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsConsole.Core;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Tests.TestSupport;

/// <summary>
/// Core's services (AddOpsCore: every module) over a fresh, migrated database of their own: a SQLite file, or a new
/// database on the test PostgreSQL server. For tests of Core services without the app; one per test or test class.
/// </summary>
public sealed class CoreHost : IAsyncDisposable
{
    private CoreHost(ServiceProvider services, DatabaseOptions database) => (Services, Database) = (services, database);

    public ServiceProvider Services { get; }
    public DatabaseOptions Database { get; }

    /// <param name="provider">"Sqlite", "PostgreSql" or "SqlServer" (skipped without a server).</param>
    /// <param name="time">The clock Core reads (a FakeTimeProvider for tests about time).</param>
    /// <param name="settings">Configuration keys, such as "Etl:ScanDays".</param>
    /// <param name="services">Replacements registered after Core's own.</param>
    public static async Task<CoreHost> StartAsync(string provider = "Sqlite", TimeProvider? time = null, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var database = TestDatabases.For(provider);
        var values = new Dictionary<string, string?>
        {
            ["Database:Provider"] = database.Provider.ToString(),
            ["ConnectionStrings:OpsConsole"] = database.ConnectionString,
            ["Etl:FileStore"] = Path.Combine(TestDatabases.NewTempFolder(), "files"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var collection = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddOpsCore(configuration);
        if (time is not null)
        {
            collection.AddSingleton(time);
        }
        services?.Invoke(collection);
        var host = new CoreHost(collection.BuildServiceProvider(), database);
        await using var db = await host.DbAsync();
        await db.Database.MigrateAsync();
        return host;
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A context on the host's database (dispose it).</summary>
    public Task<OpsDbContext> DbAsync() => Get<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
