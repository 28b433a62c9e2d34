using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Infrastructure.Database;

namespace OpsConsole.Tests.TestSupport;

/// <summary>
/// The whole console in-process on its own database, with the demo users and the simulators, a scheduler of its
/// own name, and upstreams pointed at a closed port unless a real Kestrel listener is asked for.
/// </summary>
public class OpsAppFactory : WebApplicationFactory<Program>
{
    public const string Password = DatabaseInitialiser.DefaultDemoPassword;

    private readonly ConcurrentDictionary<string, string> _tokens = new();
    private readonly Dictionary<string, string?> _settings;
    private Action<IServiceCollection>? _services;

    public OpsAppFactory(DatabaseOptions? database = null, IDictionary<string, string?>? settings = null)
    {
        Database = database ?? TestDatabases.NewSqlite();
        _settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = Database.Provider.ToString(),
            ["ConnectionStrings:OpsConsole"] = Database.ConnectionString,
            ["Demo:Enabled"] = "true",
            ["Demo:Password"] = Password,
            ["Simulators:Enabled"] = "true",
            ["Simulators:SelfUrl"] = "http://127.0.0.1:9",
            ["Maintenance:PhotoStore"] = Path.Combine(TestDatabases.NewTempFolder(), "photos"),
            ["Scheduler:Name"] = "tests-" + Guid.NewGuid().ToString("N")[..8],
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
            ["Resilience:MaxRetryAttempts"] = "1",
            ["Resilience:AttemptTimeoutSeconds"] = "2",
            ["Resilience:TotalTimeoutSeconds"] = "3",
            // Tests run outside Development, where these are closed by default (OperationsEndpointsTests checks that).
            ["Operations:Metrics"] = "Anonymous",
            ["Operations:ApiDocs"] = "Anonymous",
            // Tests that are not about rate limits may call an endpoint more often than a person would (RequestLimitsTests set their own).
            ["RateLimits:UpstreamCallBurst"] = "10000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public DatabaseOptions Database { get; }

    public OpsAppFactory WithServices(Action<IServiceCollection> configure)
    {
        _services += configure;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development the static assets would be read from a published wwwroot; tests run from the build.
        builder.UseStaticWebAssets();
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }

    /// <summary>Serves on a real loopback port (for the browser and for upstream calls back into the simulators).</summary>
    public string StartKestrel()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _kestrel = new Uri(address.TrimEnd('/') + "/");
        return address.TrimEnd('/');
    }

    private Uri? _kestrel;

    /// <summary>A client of the in-memory server, or of Kestrel once <see cref="StartKestrel"/> ran.</summary>
    private HttpClient NewClient() => _kestrel is { } address
        ? new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = address }
        : CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public async Task<string> TokenAsync(string user)
    {
        if (_tokens.TryGetValue(user, out var token))
        {
            return token;
        }
        using var client = NewClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { username = user, password = Password });
        response.EnsureSuccessStatusCode();
        token = (await response.Content.ReadFromJsonAsync<TokenBody>())!.Token;
        return _tokens[user] = token;
    }

    public async Task<HttpClient> ClientAsAsync(string user)
    {
        var client = NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(user));
        return client;
    }

    private sealed record TokenBody(string Token);

    /// <summary>A console that does not stop (a job or a connection that never ends) fails the test by name instead of hanging the run.</summary>
    public override async ValueTask DisposeAsync()
    {
        var stopping = base.DisposeAsync().AsTask();
        if (await Task.WhenAny(stopping, Task.Delay(StopTimeout)) != stopping)
        {
            throw new TimeoutException($"The console did not stop within {StopTimeout.TotalSeconds:0} s.");
        }
        await stopping;
        GC.SuppressFinalize(this);
    }

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);
}

/// <summary>One app shared by the tests of a class (xunit fixtures need a single parameterless constructor).</summary>
public sealed class SharedApp : OpsAppFactory
{
}

/// <summary>
/// One console on a real loopback port shared by the tests of a class (browser tests that each sign in on their own and
/// change nothing another test of the class reads).
/// </summary>
public sealed class SharedKestrelApp : OpsAppFactory, IAsyncLifetime
{
    public string BaseUrl { get; private set; } = "";

    public ValueTask InitializeAsync()
    {
        BaseUrl = StartKestrel();
        return ValueTask.CompletedTask;
    }
}
