using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Tests.TestSupport;

/// <summary>The built console as a separate process (for what one process cannot show: clustering, commands).</summary>
public sealed class ConsoleProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ConsoleProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public int Port { get; private init; }

    public bool HasExited => _process.HasExited;

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    /// <summary>The process's last 200 lines of output (warnings and errors: it logs at Warning), for a failing test's message.</summary>
    public string Output => string.Join('\n', _lines);

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _lines.Enqueue(line);
        while (_lines.Count > 200 && _lines.TryDequeue(out _))
        {
        }
    }

    public static ProcessStartInfo StartInfo(DatabaseOptions database, IDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OpsConsole.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Database__Provider"] = database.Provider.ToString();
        start.Environment["ConnectionStrings__OpsConsole"] = database.ConnectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        return start;
    }

    public static async Task<ConsoleProcess> StartAsync(DatabaseOptions database, IDictionary<string, string>? environment = null, int? port = null)
    {
        port ??= FreePort();
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Demo__Enabled"] = "true",
            ["Demo__Password"] = OpsAppFactory.Password,
        };
        var process = Process.Start(StartInfo(database, env))!;
        var console = new ConsoleProcess(process, $"http://127.0.0.1:{port}") { Port = port.Value };
        process.StandardInput.Close();
        process.OutputDataReceived += (_, line) => console.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => console.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient();
        // Ready is a condition, bounded generously: a cold .NET start with migrations takes well over 30 s when other
        // test classes (and other builds) share two cores; the process exiting ends the wait at once.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                if ((await client.GetAsync(console.BaseUrl + "/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return console;
                }
            }
            catch (HttpRequestException)
            {
            }
            if (process.HasExited)
            {
                break;
            }
            await Task.Delay(100);
        }
        await console.DisposeAsync();
        throw new InvalidOperationException("The console process did not become ready. Its last lines:\n" + console.Output);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGKILL (Process.Kill on Linux): no shutdown hooks, no flushing, as when a machine dies.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
