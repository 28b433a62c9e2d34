using System.Diagnostics;
using Npgsql;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.Infrastructure.Mqtt;

namespace OpsConsole.Tests.TestSupport;

/// <summary>
/// Clustered consoles as separate processes (issue 20 item 9): instances "a" and "b" of the built console on one new
/// PostgreSQL database, a Redis, and the test mosquitto (a topic prefix of their own), started at the same moment;
/// one can be killed (SIGKILL) and started again with the same instance id and port.
/// </summary>
public sealed class ConsoleCluster : IAsyncDisposable
{
    private readonly Dictionary<string, ConsoleProcess> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);
    private readonly IDictionary<string, string> _extra;

    private ConsoleCluster(string redis, IDictionary<string, string>? extra)
    {
        Redis = redis;
        _extra = extra ?? new Dictionary<string, string>();
    }

    public DatabaseOptions Database { get; } = TestDatabases.NewPostgres();
    public string Redis { get; }
    public string MqttPrefix { get; } = MqttBrokers.NewPrefix();
    public int MqttPort { get; } = MqttBrokers.Shared().Port;

    public ConsoleProcess this[string instance] => _running[instance];

    /// <summary>Both instances, started at the same moment (no deadlock, one schema, one key ring: the start-up race).</summary>
    public static async Task<ConsoleCluster> StartAsync(string redis, IDictionary<string, string>? extra = null)
    {
        var cluster = new ConsoleCluster(redis, extra);
        try
        {
            await Task.WhenAll(cluster.StartAsync("a"), cluster.StartAsync("b"));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public async Task StartAsync(string instance)
    {
        var port = _ports.TryGetValue(instance, out var kept) ? kept : ConsoleProcess.FreePort();
        _ports[instance] = port;
        var environment = new Dictionary<string, string>
        {
            ["Cluster__Enabled"] = "true",
            ["Cluster__InstanceId"] = instance,
            ["Redis__Connection"] = Redis,
            ["Mqtt__Enabled"] = "true",
            ["Mqtt__EmbeddedBroker"] = "false",
            ["Mqtt__Host"] = "127.0.0.1",
            ["Mqtt__Port"] = MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt__TopicPrefix"] = MqttPrefix,
            ["Mqtt__Simulator__Enabled"] = "false",
            ["Mqtt__SessionExpirySeconds"] = "600",
            ["Mqtt__ReconnectMinMilliseconds"] = "100",
            ["Mqtt__ReconnectMaxMilliseconds"] = "1000",
        };
        foreach (var (key, value) in _extra)
        {
            environment[key] = value;
        }
        lock (_running)
        {
            _running.Remove(instance);
        }
        var started = await ConsoleProcess.StartAsync(Database, environment, port);
        lock (_running)
        {
            _running[instance] = started;
        }
    }

    public int PortOf(string instance) => _ports[instance];

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var console in _running.Values)
        {
            await console.DisposeAsync();
        }
    }
}

/// <summary>
/// HAProxy in front of a <see cref="ConsoleCluster"/>, configured as `deploy/haproxy.cfg` is (cookie affinity OPSNODE,
/// redispatch, the readiness check) on loopback, with a one-second check so a dead instance leaves the pool quickly.
/// </summary>
public sealed class TestHaProxy : IAsyncDisposable
{
    public const string BinaryVariable = "OPSCONSOLE_TEST_HAPROXY";

    private readonly Process _process;

    private TestHaProxy(Process process, int port)
    {
        _process = process;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    public string BaseUrl { get; }

    public static async Task<TestHaProxy> StartAsync(IReadOnlyDictionary<string, int> servers)
    {
        var binary = Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } set ? set : "/usr/sbin/haproxy";
        if (!File.Exists(binary))
        {
            if (Environment.GetEnvironmentVariable("OPSCONSOLE_REQUIRE_REDIS") == "1")
            {
                throw new InvalidOperationException($"no haproxy at {binary}; ./test.sh installs it. Run the tests through ./test.sh.");
            }
            Assert.Skip($"no haproxy at {binary} (./test.sh installs it).");
        }
        var port = ConsoleProcess.FreePort();
        var folder = TestDatabases.NewTempFolder();
        var config = Path.Combine(folder, "haproxy.cfg");
        await File.WriteAllTextAsync(config, $$"""
            global
                maxconn 512
            defaults
                mode http
                timeout connect 2s
                timeout client 60s
                timeout server 60s
                timeout tunnel 1h
            frontend opsconsole
                bind 127.0.0.1:{{port}}
                default_backend consoles
            backend consoles
                balance roundrobin
                cookie OPSNODE insert indirect nocache httponly
                option redispatch
                retries 2
                option httpchk
                http-check send meth GET uri /health/ready
                http-check expect status 200
                default-server inter 1s fall 1 rise 1
            {{string.Join("\n", servers.Select(s => $"    server console-{s.Key} 127.0.0.1:{s.Value} check cookie {s.Key}"))}}

            """);
        var process = Process.Start(new ProcessStartInfo(binary) { ArgumentList = { "-db", "-f", config }, RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var proxy = new TestHaProxy(process, port);
        using var client = new HttpClient();
        await Until.TrueAsync(async () =>
        {
            try
            {
                return (await client.GetAsync(proxy.BaseUrl + "/health/ready")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "HAProxy answering with a ready console behind it", TimeSpan.FromSeconds(20));
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
