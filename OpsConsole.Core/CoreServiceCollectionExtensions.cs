using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Alerts;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Modules;
using OpsConsole.Core.Shared.Scheduling;
using OpsConsole.Core.Shared.Settings;
using OpsConsole.Core.Shared.Upstreams;
using OpsConsole.Core.Sync;
using OpsConsole.Core.Yard;

namespace OpsConsole.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>The domain: database, identity stores, audit, events, the shared caches, then every module once.</summary>
    public static IServiceCollection AddOpsCore(this IServiceCollection services, IConfiguration configuration)
    {
        var database = ReadDatabaseOptions(configuration);
        services.AddSingleton(database);
        var cluster = Shared.Cluster.ClusterOptions.Read(configuration);
        services.AddSingleton(cluster);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IOpsEventStream, OpsEventStream>();
        services.AddSingleton<LiveUpdates>(); // ADR 0039: degraded while a clustered instance's event bridge is down
        services.AddMetrics();
        services.AddSingleton<Shared.Telemetry.OpsMetrics>();
        services.AddSingleton<AuditPublisher>();
        services.AddSingleton<SqliteWriteTurns>();
        services.AddSingleton<Shared.Leasing.DatabaseLease>();
        services.AddSingleton(Shared.Files.FileStoreOptions.Read(configuration, cluster));
        services.AddSingleton<Shared.Files.FileStores>();

        AddDbContexts(services, database);

        services.AddIdentityCore<OpsUser>(o =>
            {
                o.User.RequireUniqueEmail = false;
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<OpsDbContext>();

        services.AddMemoryCache();
        services.AddSingleton(configuration.GetSection("Auth").Get<AccountCheckOptions>() ?? new AccountCheckOptions());
        services.AddSingleton<AccountGate>();
        services.AddOpsTopic(OpsTopics.Audit, OpsPolicies.Read);
        services.AddOpsTopic(OpsTopics.Upstreams, OpsPolicies.Read);
        services.AddOpsTopic(OpsTopics.Scheduler, OpsPolicies.Read);
        services.AddOpsTopic(OpsTopics.Simulators, OpsPolicies.Administer);
        services.AddOpsTopic(OpsTopics.Alerts, OpsPolicies.Read);
        services.AddOpsTopic(OpsTopics.Settings, OpsPolicies.Read);
        services.AddSingleton<OpsAlerts>();
        services.TryAddSingleton<RuntimeSettings>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<JobScheduleStore>();
        services.AddSingleton<UpstreamHealthBoard>();
        services.AddSingleton<UpstreamProbe>();
        services.AddHybridCache();
        services.AddSingleton<SharedCacheEviction>(); // evicts on every instance through the event bridge (ADR 0039)
        services.TryAddSingleton<OpsModuleCatalog>();
        services.AddSingleton<UpstreamCatalog>();
        services.AddSingleton(configuration.GetSection("Resilience").Get<UpstreamResilienceOptions>() ?? new UpstreamResilienceOptions());

        // The modules, one line each: their services, options, tables' sets and upstreams live in their own folders.
        services.AddEtlModule(configuration);
        services.AddDispatchModule(configuration);
        services.AddYardModule(configuration);
        services.AddMaintenanceModule(configuration);
        services.AddSyncModule(configuration);
        return services;
    }

    public static DatabaseOptions ReadDatabaseOptions(IConfiguration configuration) => new()
    {
        Provider = DatabaseOptions.ParseProvider(configuration["Database:Provider"]),
        ConnectionString = configuration.GetConnectionString("OpsConsole") is { Length: > 0 } cs ? cs : DatabaseOptions.DefaultSqliteConnection,
    };

    private static void AddDbContexts(IServiceCollection services, DatabaseOptions database)
    {
        void Configure(IServiceProvider sp, DbContextOptionsBuilder b)
        {
            OpsDatabase.Configure(b, database);
            b.AddInterceptors(sp.GetRequiredService<AuditPublisher>());
        }

        switch (database.Provider)
        {
            case DatabaseProvider.Sqlite:
                services.AddPooledDbContextFactory<SqliteOpsDbContext>(Configure);
                services.AddSingleton<IDbContextFactory<OpsDbContext>, OpsContextFactory<SqliteOpsDbContext>>();
                break;
            case DatabaseProvider.PostgreSql:
                services.AddPooledDbContextFactory<PostgreSqlOpsDbContext>(Configure);
                services.AddSingleton<IDbContextFactory<OpsDbContext>, OpsContextFactory<PostgreSqlOpsDbContext>>();
                break;
            case DatabaseProvider.SqlServer:
                services.AddPooledDbContextFactory<SqlServerOpsDbContext>(Configure);
                services.AddSingleton<IDbContextFactory<OpsDbContext>, OpsContextFactory<SqlServerOpsDbContext>>();
                break;
        }
        // Identity's stores want a scoped context; it comes from the same factory.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContext());
    }

    private sealed class OpsContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<OpsDbContext>
        where TContext : OpsDbContext
    {
        public OpsDbContext CreateDbContext() => inner.CreateDbContext();
        public async Task<OpsDbContext> CreateDbContextAsync(CancellationToken ct = default) => await inner.CreateDbContextAsync(ct);
    }
}
