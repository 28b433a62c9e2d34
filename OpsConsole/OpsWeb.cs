using Microsoft.AspNetCore.Http.Json;
using OpsConsole.Core.Shared.Data;
using MudBlazor.Services;
using OpenTelemetry.Metrics;
using OpsConsole.Components;
using OpsConsole.Components.Shared;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Telemetry;
using OpsConsole.Core.Shared.Upstreams;
using OpsConsole.Features.Account;
using OpsConsole.Features.Alerts;
using OpsConsole.Features.Audit;
using OpsConsole.Features.Dispatch;
using OpsConsole.Features.Maintenance;
using OpsConsole.Features.Etl;
using OpsConsole.Features.Scheduler;
using OpsConsole.Features.Settings;
using OpsConsole.Features.Sync;
using OpsConsole.Features.Simulators;
using OpsConsole.Features.Users;
using OpsConsole.Features.Yard;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;
using OpsConsole.Infrastructure.Cluster;
using OpsConsole.Infrastructure.Database;
using OpsConsole.Infrastructure.Events;
using OpsConsole.Infrastructure.Health;
using OpsConsole.Infrastructure.Http;
using OpsConsole.Infrastructure.Mqtt;
using OpsConsole.Infrastructure.Scheduling;
using OpsConsole.Infrastructure.Upstreams;
using OpsConsole.Simulators;
using Quartz;

namespace OpsConsole;

public static class OpsWeb
{
    /// <summary>
    /// The app's composition root: everything it adds over Core (UI, auth, API plumbing, hub, scheduler, health,
    /// telemetry, simulators), then each module's feature once.
    /// </summary>
    public static WebApplicationBuilder AddOpsWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        if (configuration.GetValue("Logging:Json", false))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        // Each list page's filters, sort, page and selection live in its address (ADR 0018).
        services.AddScoped<UrlStates>();
        services.AddScoped<OpsConsole.Components.Shared.CircuitClock>(); // one per circuit: every relative time ticks on it (ADR 0019)
        services.AddHttpContextAccessor();
        services.AddOpsKeyRing(configuration);
        services.AddMemoryCache();
        services.AddOpsAuthentication(configuration);
        services.AddAntiforgery();

        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestHandler>();
        services.AddExceptionHandler<AccessRefusedHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        services.AddOpsOpenApi();
        services.AddSingleton(OperationsAccess.Read(configuration, builder.Environment));
        services.AddForwardedProxies(configuration);
        services.AddRequestLimits(configuration);

        services.AddSignalR().AddJsonProtocol(o => ApiJson.Configure(o.PayloadSerializerOptions));
        // A single instance may still use a backplane of its own; a clustered one always has it (from Redis:Connection).
        if (!ClusterServices.ClusterOptionsOf(services).Enabled && configuration["Redis:Backplane"] is { Length: > 0 } redis)
        {
            services.AddSignalR().AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("opsconsole"));
        }
        services.AddOpsCluster(configuration, builder.Environment); // Cluster:Enabled (ADR 0039): bridge, backplane, cache, refusals
        services.AddHostedService<OpsHubRelay>();
        services.AddSingleton<HubSessions>();
        services.AddHostedService(sp => sp.GetRequiredService<HubSessions>());

        services.AddSingleton<DatabaseStatus>();
        services.AddSingleton<DatabaseInitialiser>();
        services.AddHostedService<SqliteCheckpointer>(); // registered before the scheduler, so it stops after the jobs

        var simulators = new SimulatorOptions
        {
            Enabled = configuration.GetValue("Simulators:Enabled", builder.Environment.IsDevelopment()),
            Seed = configuration.GetValue("Simulators:Seed", 42),
        };
        services.AddSingleton(simulators);
        services.AddSingleton<SimulatorRegistry>();
        services.AddSingleton<SimulatorControl>();
        services.AddSingleton<SelfUpstreamAddresses>();
        services.AddSingleton<IUpstreamAddresses>(sp => sp.GetRequiredService<SelfUpstreamAddresses>());

        AddScheduler(services, configuration);
        services.AddOpsHealthChecks();

        services.AddOpsFeatures(configuration, builder.Environment);

        services.AddOpenTelemetry().WithMetrics(m => m
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddRuntimeInstrumentation()
            .AddMeter(OpsMetrics.MeterName)
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>The modules in the app, one line each: their jobs, simulators, demo data and shell parts.</summary>
    public static IServiceCollection AddOpsFeatures(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddEtlFeature(configuration);
        services.AddDispatchFeature(configuration, environment);
        services.AddYardFeature(configuration);
        services.AddMaintenanceFeature(configuration, environment);
        services.AddSyncFeature(configuration);
        // Machine telemetry over MQTT (ADR 0027): the subscriber, its pipeline, the embedded broker and the machine simulator.
        services.AddMqttTelemetry(configuration, environment);
        return services;
    }

    /// <summary>The modules' routes, one line each: their API under /api and their simulators' routes.</summary>
    public static void MapOpsFeatures(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        app.MapEtlFeature(api);
        app.MapDispatchFeature(api);
        app.MapYardFeature(api);
        app.MapMaintenanceFeature(api);
        app.MapSyncFeature(api);
    }

    private static void AddScheduler(IServiceCollection services, IConfiguration configuration)
    {
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = configuration["Scheduler:Name"] ?? "OpsConsole";
                // `{Cluster:InstanceId}/{random}`, new at every start: the page names instances by it (ADR 0040).
                s.InstanceId = SchedulerInstances.NewSchedulerInstanceId(Core.Shared.Cluster.ClusterOptions.Read(configuration));
            });
            if (configuration["Scheduler:Store"] is { } store && store.Equals("Persistent", StringComparison.OrdinalIgnoreCase)
                || ClusterServices.ClusterOptionsOf(services).Enabled)
            {
                PersistentScheduler.Configure(q, configuration);
            }
            else
            {
                q.UseInMemoryStore();
            }
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddSingleton<JobRunHistory>();
        services.AddSingleton<JobRunListener>();
        services.AddSingleton<SchedulerInstances>();
        services.AddSingleton<SchedulerService>();
        services.AddHostedService<JobScheduling>();
        services.AddOpsJob<UpstreamProbeJob>(OpsModules.Shared, UpstreamProbeJob.Name,
            "Probes every upstream through its client for the dashboard and /health/ready", "0/15 * * * * ?", safeToRepeat: true);
    }

    public static WebApplication MapOpsEndpoints(this WebApplication app)
    {
        KeyRingProtection.WarnWhenUnencrypted(app);
        app.UseForwardedHeaders();
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        // People who open a missing page see the not-found page; API callers get a ProblemDetails body instead.
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseMiddleware<ApiStatusProblems>();
        app.UseMiddleware<CrossSiteGuard>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapOpsHealth();
        app.MapOperationsEndpoints();

        var api = app.MapGroup("/api").DisableAntiforgery();
        api.MapAuthApi();
        api.MapAuditApi();
        api.MapUsersApi();
        api.MapSchedulerApi();
        api.MapSimulatorsApi();
        api.MapAlertsApi();
        api.MapSettingsApi();

        app.MapHub<OpsHub>(OpsHub.Path, o => o.CloseOnAuthenticationExpiration = true);
        app.MapSimulators();
        app.MapAccountEndpoints();

        app.MapOpsFeatures(api);

        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
