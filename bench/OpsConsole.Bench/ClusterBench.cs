using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Bench;

/// <summary>
/// Issue 20's cluster benchmark against two running clustered consoles on one PostgreSQL and one Redis: dispatch claims
/// per second through one instance and through both (the same 64 HTTP workers, split in two), alternating in rounds on
/// the same database, as the ratio two/one; and the latency of an event from a change committed on A to a hub client
/// on B (the path a Blazor page on B takes: B's event stream, fed by the Redis bridge).
/// </summary>
public static class ClusterBench
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var a = new Uri(args["url"].TrimEnd('/') + "/");
        var b = new Uri(args["url2"].TrimEnd('/') + "/");
        var database = new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = args["connection"] };
        var tasks = args.Int("tasks", 20_000);
        var workers = args.Int("workers", 64);
        var rounds = args.Int("rounds", 2);
        var events = args.Int("events", 200);
        var password = args["password"];

        using var httpA = new HttpClient { BaseAddress = a, Timeout = TimeSpan.FromSeconds(60) };
        using var httpB = new HttpClient { BaseAddress = b, Timeout = TimeSpan.FromSeconds(60) };
        var workerToken = await DispatchBench.TokenAsync(httpA, "worker", password);

        // Warm-up, not counted: one drain through each instance.
        foreach (var http in new[] { httpA, httpB })
        {
            await DispatchBench.SeedReadyAsync(database, tasks / 2);
            await DispatchBench.DrainOverHttpAsync(http, workerToken, workers);
        }

        var one = new List<(int Claims, TimeSpan Elapsed)>();
        var two = new List<(int Claims, TimeSpan Elapsed)>();
        var duplicates = 0;
        for (var round = 0; round < rounds; round++)
        {
            await DeleteBenchTasksAsync(database);
            await DispatchBench.SeedReadyAsync(database, tasks);
            var single = await DispatchBench.DrainOverHttpAsync(httpA, workerToken, workers);
            duplicates += single.Ids.Count - single.Ids.Distinct().Count();
            one.Add((single.Ids.Count, single.Elapsed));
            Console.Error.WriteLine($"one instance: {single.Ids.Count} claims in {single.Elapsed.TotalSeconds:F2} s");

            await DeleteBenchTasksAsync(database);
            await DispatchBench.SeedReadyAsync(database, tasks);
            var clock = Stopwatch.StartNew();
            var halves = await Task.WhenAll(DispatchBench.DrainOverHttpAsync(httpA, workerToken, workers / 2),
                DispatchBench.DrainOverHttpAsync(httpB, workerToken, workers - workers / 2));
            var elapsed = clock.Elapsed;
            var ids = halves.SelectMany(h => h.Ids).ToList();
            duplicates += ids.Count - ids.Distinct().Count();
            two.Add((ids.Count, elapsed));
            Console.Error.WriteLine($"two instances: {ids.Count} claims in {elapsed.TotalSeconds:F2} s ({halves[0].Ids.Count} on a, {halves[1].Ids.Count} on b)");
        }
        double Rate(List<(int Claims, TimeSpan Elapsed)> runs) => runs.Sum(r => r.Claims) / runs.Sum(r => r.Elapsed.TotalSeconds);
        var (rateOne, rateTwo) = (Rate(one), Rate(two));

        var latencies = await EventLatenciesAsync(httpA, b, await DispatchBench.TokenAsync(httpA, "admin", password), events);
        Console.WriteLine($"PostgreSql, {workers} HTTP workers, {tasks} tasks × {rounds} rounds: dispatch through one instance {rateOne:F0} claims/s, " +
            $"through two {rateTwo:F0} claims/s, ratio two/one {rateTwo / rateOne:P0} (aim: no loss beyond 10%), duplicates {duplicates}; " +
            $"event from a change committed on A to a hub client on B ({latencies.Count} of {events} arrived): p50 {Percentiles.Of(latencies, 50):F1} ms, " +
            $"p95 {Percentiles.Of(latencies, 95):F1} ms, max {latencies.DefaultIfEmpty().Max():F1} ms");
        return duplicates == 0 && latencies.Count == events ? 0 : 1;
    }

    private static async Task DeleteBenchTasksAsync(DatabaseOptions database)
    {
        await using var db = OpsDatabase.Create(database);
        await db.DispatchTasks.Where(t => t.ApprovedBy == "bench").ExecuteDeleteAsync();
    }

    /// <summary>
    /// Each change is an upsert of a reason code on A (committed with its audit line, whose event A publishes); the
    /// clock runs from the request to A until B's hub client has the audit event. One change at a time, 20 ms apart.
    /// </summary>
    private static async Task<List<double>> EventLatenciesAsync(HttpClient onA, Uri b, string adminToken, int count)
    {
        var arrived = new ConcurrentDictionary<string, long>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(b, "hubs/ops?topics=audit"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(adminToken))
            .Build();
        hub.On<JsonElement>("event", message =>
        {
            if (message.GetProperty("data").TryGetProperty("entity_id", out var entity) && entity.GetString() is { } id && id.StartsWith("reason:bench-", StringComparison.Ordinal))
            {
                arrived.TryAdd(id["reason:".Length..], Stopwatch.GetTimestamp());
            }
        });
        await hub.StartAsync();
        await hub.InvokeAsync<JsonElement>("Join", "audit");
        onA.DefaultRequestHeaders.Authorization = new("Bearer", adminToken);
        var latencies = new List<double>();
        var run = Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < count; i++)
        {
            var code = $"bench-{run}-{i}";
            var sent = Stopwatch.GetTimestamp();
            using var body = new StringContent($$"""[{"kind": "reason", "code": "{{code}}", "label": "Bench {{i}}"}]""", Encoding.UTF8, "application/json");
            (await onA.PutAsync("api/maintenance/codes", body)).EnsureSuccessStatusCode();
            var deadline = Stopwatch.GetTimestamp() + 5 * Stopwatch.Frequency;
            while (!arrived.ContainsKey(code) && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(1);
            }
            if (arrived.TryGetValue(code, out var at))
            {
                latencies.Add(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);
            }
            await Task.Delay(20);
        }
        latencies.Sort();
        return latencies;
    }
}
