using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Mqtt;

/// <summary>
/// The brokers the MQTT tests use: the mosquitto test.sh starts (OPSCONSOLE_TEST_MQTT, HOST:PORT), shared by tests
/// that each use their own topic prefix and client ids; and, for tests that stop and start a broker, a mosquitto of
/// their own from the same binary (OPSCONSOLE_TEST_MOSQUITTO). Without them the tests are skipped, unless
/// OPSCONSOLE_REQUIRE_MQTT=1 (test.sh sets it), where they fail instead, as the PostgreSQL tests do.
/// </summary>
public static class MqttBrokers
{
    public const string AddressVariable = "OPSCONSOLE_TEST_MQTT";
    public const string BinaryVariable = "OPSCONSOLE_TEST_MOSQUITTO";

    public static (string Host, int Port) Shared()
    {
        var address = Environment.GetEnvironmentVariable(AddressVariable);
        if (string.IsNullOrEmpty(address))
        {
            Missing($"{AddressVariable} is not set (./test.sh starts mosquitto and sets it).");
        }
        var colon = address!.LastIndexOf(':');
        return (address[..colon], int.Parse(address[(colon + 1)..]));
    }

    public static string Binary()
    {
        var binary = Environment.GetEnvironmentVariable(BinaryVariable);
        if (string.IsNullOrEmpty(binary))
        {
            binary = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : null;
        }
        if (binary is null || !File.Exists(binary))
        {
            Missing($"no mosquitto binary ({BinaryVariable} is not set and /usr/sbin/mosquitto is missing; ./test.sh installs it).");
        }
        return binary!;
    }

    private static void Missing(string why)
    {
        if (Environment.GetEnvironmentVariable("OPSCONSOLE_REQUIRE_MQTT") == "1")
        {
            throw new InvalidOperationException(why + " Run the tests through ./test.sh.");
        }
        Assert.Skip(why);
    }

    /// <summary>A prefix of topics no other test publishes under.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10];

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A mosquitto process of the test's own, on a free loopback port, with persistence in a temp folder: stop and start it at will.</summary>
public sealed class MosquittoProcess : IAsyncDisposable
{
    private readonly string _binary;
    private readonly string _folder;
    private Process? _process;

    private MosquittoProcess(string binary, bool persistence)
    {
        _binary = binary;
        _folder = TestDatabases.NewTempFolder();
        Port = MqttBrokers.FreePort();
        // Run as whoever runs the tests (as root, mosquitto would switch to its own user, who cannot write our folder).
        File.WriteAllText(Path.Combine(_folder, "mosquitto.conf"), $"""
            listener {Port} 127.0.0.1
            allow_anonymous true
            persistence {(persistence ? "true" : "false")}
            persistence_location {_folder}/
            max_queued_messages 1000000
            max_inflight_messages 0
            user {Environment.UserName}
            log_dest file {_folder}/mosquitto.log
            """);
    }

    public int Port { get; }

    /// <param name="persistence">False: a restart forgets every session and subscription.</param>
    public static async Task<MosquittoProcess> StartNewAsync(bool persistence = true)
    {
        var broker = new MosquittoProcess(MqttBrokers.Binary(), persistence);
        await broker.StartAsync();
        return broker;
    }

    public async Task StartAsync()
    {
        _process = Process.Start(new ProcessStartInfo(_binary, ["-c", Path.Combine(_folder, "mosquitto.conf")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await Until.TrueAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited ({_process.ExitCode}): {Log()}");
            }
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, "mosquitto to listen", TimeSpan.FromSeconds(10));
    }

    /// <summary>Stops it as an operator would (SIGTERM: it writes its persistence file, with the queued messages, and exits).</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
        {
            await kill!.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        process.Dispose();
        _process = null;
    }

    public string Log() => File.Exists(Path.Combine(_folder, "mosquitto.log")) ? File.ReadAllText(Path.Combine(_folder, "mosquitto.log")) : "";

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
