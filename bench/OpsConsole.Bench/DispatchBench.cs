using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Bench;

/// <summary>
/// Issue 4's dispatch benchmark against a running console: 64 HTTP workers drain 20,000 ready tasks through
/// /api/dispatch/next; then the same claim statement in a tight loop on 64 direct connections (the raw ceiling) on
/// the same rows; then a bulk approval of 10,000 suggestions through the API.
/// </summary>
public static class DispatchBench
{
    private const int Warmup = 20_000;
    private const int MaxWarmups = 4;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var url = args["url"].TrimEnd('/');
        var database = new DatabaseOptions { Provider = Enum.Parse<DatabaseProvider>(args["provider"]), ConnectionString = args["connection"] };
        var tasks = args.Int("tasks", 20_000);
        var workers = args.Int("workers", 64);
        var password = args["password"];
        var roundCount = args.Int("rounds", 2);
        // With the console's process id (bench/run.sh passes it), the CPU each side spends per claim is printed too.
        var consoleCpu = args.Int("console-pid", 0) is > 0 and var pid ? new ProcessCpu(pid) : null;

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = workers, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromSeconds(60),
        };
        var workerToken = await TokenAsync(http, "worker", password);
        var supervisorToken = await TokenAsync(http, "supervisor", password);

        // Warm-up, not counted: drains until the console's tiered JIT has settled. One drain was not enough on two
        // cores: the background JIT was still replacing the ReadyToRun code of the hot path during the first measured
        // round, at a tenth of the machine's time. After each drain the JIT gets a quiet moment to finish its queue.
        var lastWarmupFirstId = 0L;
        for (var warmup = 1; warmup <= MaxWarmups; warmup++)
        {
            await SeedReadyAsync(database, Warmup);
            var jitBefore = await JitSecondsAsync(http);
            var drain = await DrainOverHttpAsync(http, workerToken, workers);
            lastWarmupFirstId = drain.Ids.Min();
            var jit = await JitSecondsAsync(http) - jitBefore;
            await JitQuietAsync(http);
            Console.Error.WriteLine($"warm-up {warmup}: {drain.Ids.Count} claims in {drain.Elapsed.TotalSeconds:F2} s, the console's JIT busy {jit * 1000:F0} ms");
            if (jit < 0.02 * drain.Elapsed.TotalSeconds)
            {
                break;
            }
        }
        // Only the last warm-up's tasks stay (assigned). The raw ceiling drains them again with each round's tasks
        // (40,000 and then 60,000 rows, long enough for 64 connections to reach their steady rate), however many
        // warm-ups there were.
        await using (var db = OpsDatabase.Create(database))
        {
            await db.DispatchTasks.Where(t => t.ApprovedBy == "bench" && t.Id < lastWarmupFirstId).ExecuteDeleteAsync();
        }

        // Two rounds, each the HTTP drain and then the raw ceiling on the same rows, and the rates over both: the
        // machine's speed drifts by a fifth within a minute, and one pair of short phases carried that drift into the
        // ratio (runs of the same build gave 61% to 81%).
        var rounds = new List<(HttpRun Http, (int Claims, TimeSpan Elapsed) Raw)>();
        var cpu = new ClaimCpu();
        var duplicates = 0;
        var missed = 0;
        for (var round = 0; round < roundCount; round++)
        {
            await SeedReadyAsync(database, tasks);
            var httpCpu = (Console: consoleCpu?.Seconds(), Bench: ProcessCpu.OwnSeconds());
            var viaHttp = await DrainOverHttpAsync(http, workerToken, workers);
            cpu.AddHttp(viaHttp.Ids.Count, consoleCpu?.Seconds() - httpCpu.Console, ProcessCpu.OwnSeconds() - httpCpu.Bench);
            duplicates += viaHttp.Ids.Count - viaHttp.Ids.Distinct().Count();
            missed += tasks - viaHttp.Ids.Distinct().Count();
            Console.Error.WriteLine($"http: {viaHttp.Ids.Count} claims in {viaHttp.Elapsed.TotalSeconds:F2} s, {viaHttp.ServerErrors} 5xx, {viaHttp.OtherErrors} other errors");

            await ResetToReadyAsync(database);
            var rawCpu = ProcessCpu.OwnSeconds();
            var raw = await DrainRawAsync(database, workers);
            cpu.AddRaw(raw.Claims, ProcessCpu.OwnSeconds() - rawCpu);
            Console.Error.WriteLine($"raw: {raw.Claims} claims in {raw.Elapsed.TotalSeconds:F2} s");
            rounds.Add((viaHttp, raw));
        }

        // Every task is claimed now, so the claim call answers 404: its cost without the claim (before the bulk approval,
        // which makes 10,000 tasks ready).
        var scale = "";
        if (consoleCpu is not null)
        {
            var empty = await CostPerRequestAsync(http.BaseAddress!, consoleCpu, workers, "GET", "/health/live", "", "", 200);
            var me = await CostPerRequestAsync(http.BaseAddress!, consoleCpu, workers, "GET", "/api/me", workerToken, "", 200);
            var none = await CostPerRequestAsync(http.BaseAddress!, consoleCpu, workers, "POST", "/api/dispatch/next", workerToken, "{\"worker_id\":\"bench-{w}\"}", 404);
            scale = $"; for scale, the console's CPU per request of the same load generator's {workers} connections: {empty.ConsoleMicros:F0} µs for its emptiest " +
                $"endpoint (GET /health/live, anonymous, {empty.Rate:F0} requests/s), {me.ConsoleMicros:F0} µs for the emptiest one behind a token and a policy " +
                $"(GET /api/me, {me.Rate:F0} requests/s), {none.ConsoleMicros:F0} µs for /api/dispatch/next with nothing ready " +
                $"(token, policy, JSON body, the claim queue's round trip, a 404; {none.Rate:F0} requests/s)";
        }
        var approval = await BulkApproveAsync(http, database, supervisorToken, 10_000);

        double Rate(int claims, TimeSpan elapsed) => claims / elapsed.TotalSeconds;
        var httpRate = Rate(rounds.Sum(r => r.Http.Ids.Count), TimeSpan.FromTicks(rounds.Sum(r => r.Http.Elapsed.Ticks)));
        var rawRate = Rate(rounds.Sum(r => r.Raw.Claims), TimeSpan.FromTicks(rounds.Sum(r => r.Raw.Elapsed.Ticks)));
        var latencies = rounds.SelectMany(r => r.Http.LatenciesMs).OrderBy(x => x).ToList();
        var serverErrors = rounds.Sum(r => r.Http.ServerErrors);
        var otherErrors = rounds.Sum(r => r.Http.OtherErrors);
        var perRound = string.Join(", ", rounds.Select(r => $"{Rate(r.Http.Ids.Count, r.Http.Elapsed):F0} of {Rate(r.Raw.Claims, r.Raw.Elapsed):F0}"));
        Console.WriteLine($"{database.Provider}: {tasks} tasks × {roundCount} rounds, {workers} HTTP workers: {httpRate:F0} claims/s, p50 {Percentiles.Of(latencies, 50):F1} ms, " +
            $"p99 {Percentiles.Of(latencies, 99):F1} ms, duplicates {duplicates}, unclaimed {missed}, 5xx {serverErrors}, other errors {otherErrors}; " +
            $"raw ceiling ({CeilingStatement(database.Provider)}, {workers} direct connections) {rawRate:F0} claims/s; ratio {httpRate / rawRate:P0} (target >= 70%; " +
            $"by round {perRound}); bulk approval of 10000 suggestions {approval.TotalMilliseconds:F0} ms (target < 3000 ms)" +
            cpu.Describe(consoleCpu is not null) + scale);
        return duplicates == 0 && serverErrors == 0 && missed == 0 ? 0 : 1;
    }

    /// <summary>
    /// What the raw loops run: the single-claim statement. On SQLite the console runs that same statement per claim; on
    /// PostgreSQL it claims a whole group commit with the batch form in one statement (ADR 0009), so its ratio can pass 100%.
    /// </summary>
    private static string CeilingStatement(DatabaseProvider provider) =>
        provider == DatabaseProvider.PostgreSql ? "the single-claim SQL; the console claims each group in one statement" : "same claim SQL";

    /// <summary>The console's total JIT time so far, from its /metrics (the runtime's own counter).</summary>
    private static async Task<double> JitSecondsAsync(HttpClient http)
    {
        var metrics = await http.GetStringAsync("/metrics");
        var line = metrics.Split('\n').First(l => l.StartsWith("dotnet_jit_compilation_time_seconds_total", StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits (at most 10 s) until the console's JIT time stops growing while nothing calls it.</summary>
    private static async Task JitQuietAsync(HttpClient http)
    {
        var last = await JitSecondsAsync(http);
        for (var waited = 0; waited < 40; waited++)
        {
            await Task.Delay(250);
            var now = await JitSecondsAsync(http);
            if (now - last < 0.001)
            {
                return;
            }
            last = now;
        }
    }

    internal static async Task<string> TokenAsync(HttpClient http, string user, string password)
    {
        var login = await http.PostAsJsonAsync("/api/auth/login", new { username = user, password });
        login.EnsureSuccessStatusCode();
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    internal static async Task SeedReadyAsync(DatabaseOptions database, int count)
    {
        await using var db = OpsDatabase.Create(database);
        var start = DateTime.UtcNow.AddHours(-1);
        foreach (var chunk in Enumerable.Range(0, count).Chunk(5000))
        {
            db.DispatchTasks.AddRange(chunk.Select(i => new DispatchTask
            {
                FromStationId = 1 + (i % 50), ToStationId = 51 + (i % 50), Qty = 1 + (i % 12), Status = DispatchTaskStatus.Ready,
                CreatedAt = start.AddMilliseconds(i), ApprovedBy = "bench",
            }));
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
    }

    private static async Task ResetToReadyAsync(DatabaseOptions database)
    {
        await using var db = OpsDatabase.Create(database);
        await db.DispatchTasks.Where(t => t.ApprovedBy == "bench" && t.Status == DispatchTaskStatus.Assigned)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.Status, DispatchTaskStatus.Ready).SetProperty(t => t.WorkerId, (string?)null)
                .SetProperty(t => t.AssignedAt, (DateTime?)null));
    }

    /// <summary>
    /// The console's CPU per request for one fixed request, 64 connections of the same load generator calling it for a
    /// few seconds: what a claim costs is read against the emptiest endpoint (anonymous, no database), the emptiest one
    /// behind a token and a policy, and the same claim call when nothing is ready (add the JSON body, the claim queue's
    /// round trip and a 404).
    /// </summary>
    private static async Task<(double Rate, double ConsoleMicros)> CostPerRequestAsync(Uri baseUri, ProcessCpu console, int workers,
        string method, string path, string token, string body, int expected)
    {
        async Task<int> CallFor(TimeSpan span)
        {
            var connections = await Task.WhenAll(Enumerable.Range(0, workers).Select(w =>
                LeanHttpConnection.OpenAsync(baseUri, method, path, token, body.Replace("{w}", w.ToString()))));
            var until = Stopwatch.GetTimestamp() + (long)(span.TotalSeconds * Stopwatch.Frequency);
            var counts = await Task.WhenAll(connections.Select(connection => Task.Run(async () =>
            {
                await using var _ = connection;
                var n = 0;
                while (Stopwatch.GetTimestamp() < until)
                {
                    var (status, _) = await connection.SendAsync();
                    if (status != expected)
                    {
                        throw new InvalidOperationException($"{method} {path} answered {status}, not {expected}");
                    }
                    n++;
                }
                return n;
            })));
            return counts.Sum();
        }
        await CallFor(TimeSpan.FromSeconds(2)); // warm-up
        var before = console.Seconds();
        var clock = Stopwatch.StartNew();
        var requests = await CallFor(TimeSpan.FromSeconds(5));
        return (requests / clock.Elapsed.TotalSeconds, (console.Seconds() - before) * 1e6 / requests);
    }

    internal sealed record HttpRun(List<long> Ids, List<double> LatenciesMs, int ServerErrors, int OtherErrors, TimeSpan Elapsed);

    internal static async Task<HttpRun> DrainOverHttpAsync(HttpClient http, string token, int workers)
    {
        var ids = new ConcurrentBag<long>();
        var latencies = new ConcurrentBag<double>();
        var serverErrors = 0;
        var otherErrors = 0;
        var connections = await Task.WhenAll(Enumerable.Range(0, workers).Select(w =>
            LeanHttpConnection.OpenAsync(http.BaseAddress!, "POST", "/api/dispatch/next", token, $"{{\"worker_id\":\"bench-{w}\"}}")));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(connections.Select(connection => Task.Run(async () =>
        {
            await using var _ = connection;
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                var (status, body) = await connection.SendAsync();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (status == 404)
                {
                    return;
                }
                if (status >= 500)
                {
                    Interlocked.Increment(ref serverErrors);
                    continue;
                }
                if (status != 200)
                {
                    Interlocked.Increment(ref otherErrors);
                    Console.Error.WriteLine($"unexpected {status}: {System.Text.Encoding.UTF8.GetString(body.Span)}");
                    return;
                }
                ids.Add(JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64());
            }
        })));
        return new HttpRun(ids.ToList(), latencies.ToList(), serverErrors, otherErrors, clock.Elapsed);
    }

    private static async Task<(int Claims, TimeSpan Elapsed)> DrainRawAsync(DatabaseOptions database, int workers)
    {
        var sql = string.Format(new DispatchClaimer(null!, TimeProvider.System).Sql(database.Provider), "@p0", "@p1");
        var claims = 0;
        var connections = new List<DbConnection>();
        for (var i = 0; i < workers; i++)
        {
            DbConnection connection = database.Provider == DatabaseProvider.Sqlite ? new SqliteConnection(database.ConnectionString) : new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            if (connection is SqliteConnection)
            {
                // The console's own per-connection settings (SqlitePragmas), so both sides wait and sync alike.
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;";
                await pragma.ExecuteNonQueryAsync();
            }
            connections.Add(connection);
        }
        DbCommand Claim(DbConnection connection, int w, out DbParameter at)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            var worker = command.CreateParameter();
            worker.ParameterName = "@p0";
            worker.Value = $"raw-{w}";
            at = command.CreateParameter();
            at.ParameterName = "@p1";
            command.Parameters.Add(worker);
            command.Parameters.Add(at);
            return command;
        }

        // SQLite's calls are synchronous whatever the API says, so each connection loops on a thread of its own and all
        // 64 run at once. Npgsql's are truly asynchronous: its loops run on the pool, whose minimum is raised so that
        // all 64 start at once, and lowered again afterwards (the HTTP workers get the threads they need, as wrk would).
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            ThreadPool.SetMinThreads(workers * 2, workers * 2);
        }
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(connections.Select((connection, w) => database.Provider == DatabaseProvider.Sqlite
            ? Task.Factory.StartNew(() =>
            {
                using var command = Claim(connection, w, out var at);
                while (true)
                {
                    at.Value = DateTime.UtcNow;
                    using var reader = command.ExecuteReader();
                    if (!reader.Read())
                    {
                        return;
                    }
                    Interlocked.Increment(ref claims);
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            : Task.Run(async () =>
            {
                await using var command = Claim(connection, w, out var at);
                while (true)
                {
                    at.Value = DateTime.UtcNow;
                    await using var reader = await command.ExecuteReaderAsync();
                    if (!await reader.ReadAsync())
                    {
                        return;
                    }
                    Interlocked.Increment(ref claims);
                }
            })));
        var elapsed = clock.Elapsed;
        ThreadPool.SetMinThreads(minWorkers, minIo); // back for the next round's HTTP workers
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
        return (claims, elapsed);
    }

    private static async Task<TimeSpan> BulkApproveAsync(HttpClient http, DatabaseOptions database, string token, int count)
    {
        await using (var db = OpsDatabase.Create(database))
        {
            var now = DateTime.UtcNow.AddMinutes(-5);
            db.Suggestions.AddRange(Enumerable.Range(0, count).Select(i => new Suggestion
            {
                FromStationId = 1 + (i % 50), ToStationId = 51 + (i % 50), Qty = 1 + (i % 12), Reason = "bench", CreatedAt = now.AddMilliseconds(i),
                Status = SuggestionStatus.Pending,
            }));
            await db.SaveChangesAsync();
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/suggestions/bulk-approve") { Content = JsonContent.Create(new { filter = new { } }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request);
        var elapsed = clock.Elapsed;
        response.EnsureSuccessStatusCode();
        var decided = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("decided").GetArrayLength();
        if (decided != count)
        {
            throw new InvalidOperationException($"bulk approval decided {decided} of {count}");
        }
        return elapsed;
    }
}

/// <summary>A process's CPU time (user and system) so far, read from /proc (Linux; clock ticks of 1/100 s).</summary>
internal sealed class ProcessCpu(int pid)
{
    public double Seconds()
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (name) ": field 3 is fields[0]
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0; // utime, stime
    }

    public static double OwnSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}

/// <summary>CPU per claim over HTTP (console and load generator) and in the raw loops, summed over the rounds.</summary>
internal sealed class ClaimCpu
{
    private int _httpClaims, _rawClaims;
    private double _console, _bench, _raw;

    public void AddHttp(int claims, double? console, double bench) => (_httpClaims, _console, _bench) = (_httpClaims + claims, _console + (console ?? 0), _bench + bench);

    public void AddRaw(int claims, double seconds) => (_rawClaims, _raw) = (_rawClaims + claims, _raw + seconds);

    private static double Micros(double seconds, int claims) => claims == 0 ? 0 : seconds * 1e6 / claims;

    public string Describe(bool withConsole) =>
        $"; CPU per claim: {(withConsole ? $"the console {Micros(_console, _httpClaims):F0} µs and " : "")}the load generator " +
        $"{Micros(_bench, _httpClaims):F0} µs over HTTP, the raw loops {Micros(_raw, _rawClaims):F0} µs";
}
