using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using OpsConsole.Core.Shared.Upstreams;
using Polly;

namespace OpsConsole.Core.Shared.Modules;

/// <summary>What a module's <c>Add&lt;M&gt;Module</c> uses to register itself, its options and its upstreams.</summary>
public static class OpsModuleServices
{
    public static IServiceCollection AddOpsModule(this IServiceCollection services, string name, string title)
    {
        services.AddSingleton(new OpsModuleInfo(name, title));
        services.TryAddSingleton<OpsModuleCatalog>();
        return services;
    }

    /// <summary>A hub topic the module publishes on, readable by the roles of any of <paramref name="readPolicies"/>.</summary>
    public static IServiceCollection AddOpsTopic(this IServiceCollection services, string name, params string[] readPolicies)
    {
        services.AddSingleton(new Events.OpsTopic(name, readPolicies));
        services.TryAddSingleton<Events.OpsTopicCatalog>();
        return services;
    }

    /// <summary>
    /// The module's section of runtime settings (the Settings page, GET/PUT /api/settings): built from the services (its
    /// options give the defaults); <paramref name="applied"/> runs on this instance right after a change is saved or seen.
    /// </summary>
    public static IServiceCollection AddOpsSettings(this IServiceCollection services, Func<IServiceProvider, Settings.SettingsSection> section,
        Action<IServiceProvider, Settings.SettingsValues>? applied = null)
    {
        services.AddSingleton(new Settings.SettingsSectionSource(section, applied));
        services.TryAddSingleton<Settings.RuntimeSettings>();
        return services;
    }

    /// <summary>
    /// Binds <typeparamref name="T"/> to a configuration section, checks its data annotations when the console starts
    /// (a bad value stops the start with a message naming the key), and registers the bound value itself for injection.
    /// </summary>
    public static IServiceCollection AddOpsOptions<T>(this IServiceCollection services, IConfiguration configuration, string section) where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services;
    }

    /// <summary>
    /// An external system the module talks to: `Upstreams:{name}` in configuration, a named HttpClient with the
    /// shared resilience pipeline (`Resilience:*`) whose breaker <see cref="UpstreamBreakers"/> can see and close, a probe
    /// client past that breaker, its place on the health board and its built-in simulator's name.
    /// </summary>
    public static IHttpClientBuilder AddOpsUpstream(this IServiceCollection services, IConfiguration configuration, string name, string displayName)
    {
        services.AddSingleton(new UpstreamDefinition(name, displayName));
        services.AddOptions<UpstreamOptions>(name).Bind(configuration.GetSection($"Upstreams:{name}"));
        services.TryAddSingleton<UpstreamBreakers>();
        var client = services.AddHttpClient(name);
        client.AddStandardResilienceHandler().Configure((o, sp) =>
        {
            ApplyResilience(o, sp.GetRequiredService<UpstreamResilienceOptions>());
            var breaker = sp.GetRequiredService<UpstreamBreakers>().For(name);
            o.CircuitBreaker.ManualControl = breaker.Control;
            o.CircuitBreaker.StateProvider = breaker.State;
            o.CircuitBreaker.OnOpened = opened =>
            {
                breaker.Opened(opened.BreakDuration);
                return ValueTask.CompletedTask;
            };
        });
        // One attempt past the breaker, for a poller that checks whether an upstream with an open breaker answers again.
        services.AddHttpClient(UpstreamBreakers.ProbeClient(name))
            .ConfigureHttpClient((sp, http) => http.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<UpstreamResilienceOptions>().AttemptTimeoutSeconds));
        return client;
    }

    /// <summary>Retry with exponential backoff and jitter, per-attempt and total timeouts, a circuit breaker.</summary>
    public static void ApplyResilience(HttpStandardResilienceOptions o, UpstreamResilienceOptions options)
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
    }
}
