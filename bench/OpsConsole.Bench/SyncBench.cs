using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpsConsole.Features.Sync;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Simulators.Sync;

namespace OpsConsole.Bench;

/// <summary>
/// Issue 19's figures against the built-in simulators over real HTTP, on a published console: the initial sync of
/// TASKS new source tasks (tasks/s, no rate limit) and the run after it that reads its own creates back; then 5% of the
/// tasks changed on each side and the dry run's plan
/// (median of five, with the console's resident memory); then a push of LIMITED changed items against a destination
/// limited to 100 requests per 10 s: the share of the allowed rate achieved and the 429s it was answered.
/// </summary>
public static class SyncBench
{
    private const int LimitRequests = 100, LimitWindowSeconds = 10;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var tasks = args.Int("tasks", 50_000);
        var limited = args.Int("limited-items", 400);
        var pid = args.Int("pid", 0);
        using var admin = await EtlBench.AdminAsync(args["url"], args["password"], TimeSpan.FromMinutes(60));
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.Configure(json);

        await ControlAsync(admin, "sync-source", new TaskSystemSettings(), tasks);
        await ControlAsync(admin, "sync-destination", new TaskSystemSettings(), 0);
        var body = SyncDemoConnection.Request() with { Name = "bench " + DateTime.UtcNow.ToString("HHmmss"), ScheduleSeconds = null };
        var created = await admin.PostAsJsonAsync("/api/sync/connections", body, json);
        await EnsureAsync(created);
        var connection = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        using var memory = new PeakMemory(pid);
        var initial = await RunSyncAsync(admin, connection);
        var initialMb = memory.TakePeak();
        Console.Error.WriteLine($"initial sync: {initial.Run}");
        var added = initial.Run.GetProperty("added").GetInt32();
        // The scheduled run after a first sync reads the destination's new cards back once (its own writes, skipped by
        // their hashes); the figures below are of the steady state after it.
        var settle = await RunSyncAsync(admin, connection);
        Console.Error.WriteLine($"read-back run after the initial sync ({settle.Elapsed.TotalSeconds:F1} s): {settle.Run}");

        var changed = tasks / 20;
        await EditAsync(admin, "sync-source", changed);
        await EditAsync(admin, "sync-destination", changed);
        var plans = new List<double>();
        JsonElement plan = default;
        for (var i = 0; i < 5; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var response = await admin.PostAsJsonAsync("/api/sync/dry-run", new { connection_id = connection });
            await EnsureAsync(response);
            plans.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            plan = await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        plans.Sort();
        var planMb = memory.TakePeak();
        var planned = $"{plan.GetProperty("adds").GetInt32()} adds, {plan.GetProperty("updates").GetInt32()} updates, " +
                      $"{plan.GetProperty("conflicts").GetInt32()} conflicts, {plan.GetProperty("skips").GetInt32()} skips";
        var converge = await RunSyncAsync(admin, connection);
        Console.Error.WriteLine($"changes carried out: {converge.Run}");

        var settleAgain = await RunSyncAsync(admin, connection);
        Console.Error.WriteLine($"read-back run after carrying out the changes ({settleAgain.Elapsed.TotalSeconds:F1} s): {settleAgain.Run}");
        await EditAsync(admin, "sync-source", limited);
        await ControlAsync(admin, "sync-destination", new TaskSystemSettings(RateLimitRequests: LimitRequests, RateLimitWindowSeconds: LimitWindowSeconds), null);
        var push = await RunSyncAsync(admin, connection);
        var destination = await StateAsync(admin, "sync-destination");
        var served = destination.GetProperty("requests").GetInt64();
        var refused = destination.GetProperty("rate_limited").GetInt64();
        // The simulator's windows are fixed and start at the first request: the most a client can get in the push is a
        // full window for every window it began.
        var allowed = (Math.Floor(push.Elapsed.TotalSeconds / LimitWindowSeconds) + 1) * LimitRequests;
        Console.Error.WriteLine($"limited push: {push.Run}");

        Console.WriteLine(
            $"initial sync of {tasks:N0} new tasks (no limit, SQLite): {added:N0} added in {initial.Elapsed.TotalSeconds:F1} s = {added / initial.Elapsed.TotalSeconds:F0} tasks/s, " +
            $"console peak {initialMb} MB; {changed:N0} tasks (5%) changed on each side: dry-run plan ({planned}) median {Percentiles.Of(plans, 50):F0} ms, " +
            $"best {plans[0]:F0} ms, worst {plans[^1]:F0} ms of 5 (target < 1000 ms, aim 300 ms), console peak {planMb} MB (target < 300 MB); carrying it out took " +
            $"{converge.Elapsed.TotalSeconds:F1} s; push of {limited} changed tasks against a destination limited to {LimitRequests} requests per {LimitWindowSeconds} s: " +
            $"{push.Run.GetProperty("updated").GetInt32()} updated in {push.Elapsed.TotalSeconds:F1} s, {served} requests served of {allowed:N0} allowed in the windows it spanned = {served / allowed:P0} " +
            $"(aim >= 95%), {refused} answered 429");
        return 0;
    }

    private static async Task<(JsonElement Run, TimeSpan Elapsed)> RunSyncAsync(HttpClient admin, long connection)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await admin.PostAsJsonAsync("/api/sync", new { connection_id = connection });
        await EnsureAsync(response);
        var run = await response.Content.ReadFromJsonAsync<JsonElement>();
        // A run answered before it finished (queued or running) is followed in the history until it ends.
        while (run.GetProperty("state").GetString() is "queued" or "running")
        {
            await Task.Delay(200);
            var history = await admin.GetFromJsonAsync<JsonElement>($"/api/sync/history?connection_id={connection}&page_size=5");
            run = history.GetProperty("items").EnumerateArray().First(r => r.GetProperty("id").GetInt64() == run.GetProperty("id").GetInt64());
        }
        return (run, Stopwatch.GetElapsedTime(started));
    }

    private static async Task ControlAsync(HttpClient admin, string system, TaskSystemSettings settings, int? reset)
    {
        await EnsureAsync(await admin.PutAsJsonAsync($"/sim/{system}/control", settings));
        if (reset is { } tasks)
        {
            await EnsureAsync(await admin.PostAsJsonAsync($"/sim/{system}/control/reset", new { tasks }));
        }
    }

    private static async Task EditAsync(HttpClient admin, string system, int tasks) =>
        await EnsureAsync(await admin.PostAsJsonAsync($"/sim/{system}/control/edit", new { tasks }));

    private static Task<JsonElement> StateAsync(HttpClient admin, string system) => admin.GetFromJsonAsync<JsonElement>($"/sim/{system}/control");

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.Accepted))
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: " +
                                                await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>The console's peak resident memory between two readings, sampled every 50 ms from /proc.</summary>
    private sealed class PeakMemory : IDisposable
    {
        private readonly int _pid;
        private readonly Timer? _timer;
        private long _peakKb;

        public PeakMemory(int pid)
        {
            _pid = pid;
            _timer = pid > 0 ? new Timer(_ => Sample(), null, 0, 50) : null;
        }

        private void Sample()
        {
            try
            {
                var line = File.ReadLines($"/proc/{_pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                if (line is not null && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out var kb))
                {
                    Interlocked.Exchange(ref _peakKb, Math.Max(Interlocked.Read(ref _peakKb), kb));
                }
            }
            catch (IOException)
            {
            }
        }

        public string TakePeak()
        {
            Sample();
            var peak = Interlocked.Exchange(ref _peakKb, 0);
            return _pid > 0 ? (peak / 1024).ToString() : "?";
        }

        public void Dispose() => _timer?.Dispose();
    }
}
