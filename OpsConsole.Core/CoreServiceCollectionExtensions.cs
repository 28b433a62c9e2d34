using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Scheduling;
using OpsConsole.Core.Shared.Upstreams;
using Polly;

namespace OpsConsole.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>The domain: database, identity stores, audit, events, upstream clients. Modules add theirs here.</summary>
    public static IServiceCollection AddOpsCore(this IServiceCollection services, IConfiguration configuration)
    {
        var database = ReadDatabaseOptions(configuration);
        services.AddSingleton(database);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IOpsEventStream, OpsEventStream>();
        services.AddMetrics();
        services.AddSingleton<OpsConsole.Core.Shared.Telemetry.OpsMetrics>();
        services.AddSingleton<AuditPublisher>();
        services.AddSingleton<SqliteWriteTurns>();

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

        services.AddSingleton<UserAdministration>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<JobScheduleStore>();
        services.AddSingleton<UpstreamHealthBoard>();
        services.AddSingleton<UpstreamProbe>();
        services.AddSingleton<Dispatch.DispatchClaimer>();
        services.AddSingleton<Dispatch.DispatchClaimQueue>();
        services.AddSingleton<Dispatch.DispatchService>();
        services.AddSingleton<Dispatch.SuggestionCsvImport>();
        services.AddSingleton<Dispatch.StationDirectory>();
        services.AddSingleton(configuration.GetSection("Etl").Get<Etl.EtlOptions>() ?? new Etl.EtlOptions());
        services.AddSingleton<Etl.EtlFileStore>();
        services.AddSingleton<Etl.EtlJobClaimer>();
        services.TryAddSingleton<Etl.IEtlWake, Etl.NoEtlWake>();
        services.AddSingleton<Etl.EtlService>();
        services.AddSingleton<Etl.EtlPipeline>();
        services.AddSingleton<Etl.EtlRunnerPool>();
        services.AddSingleton<Etl.EtlMissingData>();
        services.AddSingleton<Etl.EtlMissingScan>();
        services.AddSingleton<Etl.EtlRecords>();
        services.AddSingleton<Etl.EtlFilesQuery>();
        services.AddSingleton<Etl.EtlOverview>();
        services.AddHybridCache();
        services.AddSingleton<Yard.YardClient>();
        services.AddSingleton<Yard.YardPoller>();
        services.AddSingleton<Yard.YardOperations>();
        AddUpstreamClients(services, configuration);
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

    private static void AddUpstreamClients(IServiceCollection services, IConfiguration configuration)
    {
        var resilience = configuration.GetSection("Resilience").Get<UpstreamResilienceOptions>() ?? new UpstreamResilienceOptions();
        services.AddSingleton(resilience);
        foreach (var name in UpstreamNames.All)
        {
            services.Configure<UpstreamOptions>(name, configuration.GetSection($"Upstreams:{name}"));
            services.AddHttpClient(name).AddOpsResilience(resilience);
        }
    }

    /// <summary>Retry with exponential backoff and jitter, per-attempt and total timeouts, a circuit breaker.</summary>
    public static IHttpClientBuilder AddOpsResilience(this IHttpClientBuilder builder, UpstreamResilienceOptions options)
    {
        builder.AddStandardResilienceHandler(o =>
        {
            o.Retry.MaxRetryAttempts = Math.Max(1, options.MaxRetryAttempts);
            o.Retry.BackoffType = DelayBackoffType.Exponential;
            o.Retry.UseJitter = true;
            o.Retry.Delay = TimeSpan.FromMilliseconds(Math.Max(1, options.BaseDelayMilliseconds));
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(options.AttemptTimeoutSeconds);
            o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(options.TotalTimeoutSeconds);
            o.CircuitBreaker.FailureRatio = options.BreakerFailureRatio;
            o.CircuitBreaker.MinimumThroughput = Math.Max(2, options.BreakerMinimumThroughput);
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(Math.Max(options.BreakerSamplingSeconds, 2 * options.AttemptTimeoutSeconds));
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(Math.Max(1, options.BreakerBreakSeconds));
        });
        return builder;
    }

    private sealed class OpsContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<OpsDbContext>
        where TContext : OpsDbContext
    {
        public OpsDbContext CreateDbContext() => inner.CreateDbContext();
        public async Task<OpsDbContext> CreateDbContextAsync(CancellationToken ct = default) => await inner.CreateDbContextAsync(ct);
    }
}
