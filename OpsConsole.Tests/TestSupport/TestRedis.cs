using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OpsConsole.Tests.TestSupport;

/// <summary>
/// The redis-server the cluster tests use: the one test.sh starts (OPSCONSOLE_TEST_REDIS, HOST:PORT), and, for tests
/// that stop and start Redis, one of their own from the same binary (OPSCONSOLE_TEST_REDIS_BINARY). Without them the
/// tests are skipped, unless OPSCONSOLE_REQUIRE_REDIS=1 (test.sh sets it), where they fail instead.
/// </summary>
public static class TestRedis
{
    public const string AddressVariable = "OPSCONSOLE_TEST_REDIS";
    public const string BinaryVariable = "OPSCONSOLE_TEST_REDIS_BINARY";

    public static string Shared()
    {
        var address = Environment.GetEnvironmentVariable(AddressVariable);
        if (string.IsNullOrEmpty(address))
        {
            Missing($"{AddressVariable} is not set (./test.sh starts redis-server and sets it).");
        }
        return address!;
    }

    public static string Binary()
    {
        var binary = Environment.GetEnvironmentVariable(BinaryVariable);
        if (string.IsNullOrEmpty(binary) || !File.Exists(binary))
        {
            Missing($"no redis-server binary ({BinaryVariable} is not set; ./test.sh installs redis-server and sets it).");
        }
        return binary!;
    }

    private static void Missing(string why)
    {
        if (Environment.GetEnvironmentVariable("OPSCONSOLE_REQUIRE_REDIS") == "1")
        {
            throw new InvalidOperationException(why + " Run the tests through ./test.sh.");
        }
        Assert.Skip(why);
    }
}

/// <summary>A redis-server of a test's own on a loopback port it keeps across <see cref="Stop"/> and <see cref="StartAsync"/>.</summary>
public sealed class OwnRedis : IAsyncDisposable
{
    private readonly string _binary = TestRedis.Binary();
    private readonly string _folder = TestDatabases.NewTempFolder();
    private Process? _process;

    public int Port { get; } = FreePort();

    public string Address => $"127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        _process = Process.Start(new ProcessStartInfo(_binary,
            $"--port {Port} --bind 127.0.0.1 --save \"\" --appendonly no --dir {_folder} --logfile {_folder}/redis.log")
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await Until.TrueAsync(() => Answers(), $"redis-server on {Address}", TimeSpan.FromSeconds(10));
    }

    public void Stop()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit(10_000);
        }
        _process = null;
    }

    private bool Answers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Two clustered consoles (instances "a" and "b") on one new PostgreSQL database and one Redis.</summary>
public sealed class TwoInstances : IAsyncDisposable
{
    public TwoInstances(string redis, IDictionary<string, string?>? extra = null)
    {
        var database = TestDatabases.NewPostgres();
        A = new OpsAppFactory(database, Settings("a", redis, extra));
        B = new OpsAppFactory(database, Settings("b", redis, extra));
    }

    public OpsAppFactory A { get; }
    public OpsAppFactory B { get; }

    public static Dictionary<string, string?> Settings(string instance, string redis, IDictionary<string, string?>? extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Cluster:Enabled"] = "true",
            ["Cluster:InstanceId"] = instance,
            ["Redis:Connection"] = redis,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
