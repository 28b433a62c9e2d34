namespace OpsConsole.Core.Shared.Upstreams;

/// <summary>
/// An external system a module talks to (<see cref="Modules.OpsModuleServices.AddOpsUpstream"/>): its name is its
/// configuration section `Upstreams:{name}`, its HttpClient's name and its built-in simulator's `/sim/{name}`.
/// </summary>
public sealed record UpstreamDefinition(string Name, string DisplayName);

/// <summary>Every registered upstream, in registration order.</summary>
public sealed class UpstreamCatalog(IEnumerable<UpstreamDefinition> upstreams)
{
    public IReadOnlyList<UpstreamDefinition> All { get; } = upstreams.DistinctBy(u => u.Name).ToList();

    public IReadOnlyList<string> Names => All.Select(u => u.Name).ToList();

    public bool Exists(string name) => All.Any(u => u.Name == name);
}

/// <summary>`Upstreams:{name}` in appsettings.json.</summary>
public sealed class UpstreamOptions
{
    /// <summary>Empty means: the built-in simulator of this console (when `Simulators:Enabled`).</summary>
    public string? BaseUrl { get; set; }
    public string? ApiKey { get; set; }
    public string HealthPath { get; set; } = "health";
    public string DisplayName { get; set; } = "";
}

/// <summary>`Resilience` in appsettings.json: one policy for every upstream client.</summary>
public sealed class UpstreamResilienceOptions
{
    public int MaxRetryAttempts { get; set; } = 3;
    public int BaseDelayMilliseconds { get; set; } = 200;
    public int AttemptTimeoutSeconds { get; set; } = 5;
    public int TotalTimeoutSeconds { get; set; } = 20;
    public double BreakerFailureRatio { get; set; } = 0.5;
    public int BreakerMinimumThroughput { get; set; } = 10;
    public int BreakerSamplingSeconds { get; set; } = 30;
    public int BreakerBreakSeconds { get; set; } = 15;
}

/// <summary>Where an upstream lives right now; the app knows its own address, Core does not.</summary>
public interface IUpstreamAddresses
{
    /// <summary>The base address (ending in '/'), or null when neither a URL nor a simulator is configured.</summary>
    Uri? BaseAddress(string upstream);
}
