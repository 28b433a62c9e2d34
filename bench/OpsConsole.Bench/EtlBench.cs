using System.Data.Common;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Bench;

/// <summary>Issue 3's ETL benchmarks against a running console (bench/run.sh etl-ingest | etl-missing | etl-export).</summary>
public static class EtlBench
{
    internal static async Task<HttpClient> AdminAsync(string url, string password, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = timeout ?? TimeSpan.FromMinutes(10) };
        var login = await http.PostAsJsonAsync("/api/auth/login", new { username = "admin", password });
        login.EnsureSuccessStatusCode();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        return http;
    }

    /// <summary>
    /// 50 jobs × 20,000 rows through the whole pipeline, then the same rows through the raw bulk path. A warm-up of
    /// 30 jobs on other branches runs first, so the figure is the console's steady state, not its JIT compiler's: with
    /// 10, the runtime was still re-compiling hot code in the background during the measured run, and on two cores
    /// that made PostgreSQL's figure swing between 8.6 and 13.3 s.
    /// </summary>
    public static async Task<int> IngestAsync(BenchArgs args)
    {
        var database = new DatabaseOptions { Provider = Enum.Parse<DatabaseProvider>(args["provider"]), ConnectionString = args["connection"] };
        using var http = await AdminAsync(args["url"], args["password"]);
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        // Branch ids ending in 4 or 9 would get the simulator's semicolon layout.
        var warmUpDays = args.Int("warmup-days", 6);
        var warmUp = await BranchesAsync(http, "WARM", 5, warmUpDays, day);
        await RunJobsAsync(http, warmUp, 5 * warmUpDays);
        var cells = await BranchesAsync(http, "BENCH", 5, 10, day);
        var elapsed = await RunJobsAsync(http, cells, 5 * warmUpDays + 50);
        long rows;
        await using (var db = OpsDatabase.Create(database))
        {
            rows = await db.EtlRecords.LongCountAsync(r => r.BranchId.StartsWith("BENCH"));
        }
        var rate = rows / elapsed.TotalSeconds;
        if (args.Int("ceiling", 1) == 0)
        {
            // Profiling runs (--ceiling 0): the pipeline alone.
            Console.WriteLine($"{database.Provider}: {rows:N0} records end to end in {elapsed.TotalSeconds:F1} s = {rate:N0} rows/s");
            return 0;
        }
        List<EtlRecord> records;
        await using (var db = OpsDatabase.Create(database))
        {
            records = await db.EtlRecords.AsNoTracking().Where(r => r.BranchId.StartsWith("BENCH")).ToListAsync();
        }
        // Twice, keeping the faster: the first pass also pays for this process's JIT compiler.
        var ceiling = Math.Max(await RawCeilingAsync(database, records, indexed: true), await RawCeilingAsync(database, records, indexed: true));
        var bare = await RawCeilingAsync(database, records, indexed: false);
        Console.WriteLine($"{database.Provider}: 50 jobs, {rows:N0} records end to end (list, download, choose, parse, store; {Environment.GetEnvironmentVariable("Etl__Runners") ?? "3"} runners) in {elapsed.TotalSeconds:F1} s = {rate:N0} rows/s; " +
                          $"raw ceiling on the same rows ({(database.Provider == DatabaseProvider.Sqlite ? "prepared insert loop" : "binary COPY")} into a table shaped like etl_records, key and indexes, a transaction per job, faster of two) {ceiling:N0} rows/s; " +
                          $"ratio {rate / ceiling:P0} (target >= 60%); into a bare table without indexes {bare:N0} rows/s ({rate / bare:P0})");
        return 0;
    }

    private static async Task<Dictionary<string, Dictionary<string, List<string>>>> BranchesAsync(HttpClient http, string prefix, int count, int days, DateOnly day)
    {
        var cells = new Dictionary<string, Dictionary<string, List<string>>>();
        for (var b = 0; b < count; b++)
        {
            var id = $"{prefix}{(char)('A' + b)}";
            (await http.PostAsJsonAsync("/api/branches", new { id, name = id, pos_count = 1, active_from = day.AddDays(-30).ToString("yyyy-MM-dd"), parser_config = new { bad_rows = "skip" } }))
                .EnsureSuccessStatusCode();
            cells[id] = new() { ["1"] = Enumerable.Range(0, days).Select(d => day.AddDays(-d).ToString("yyyy-MM-dd")).ToList() };
        }
        return cells;
    }

    /// <summary>Queues the cells and waits until `finished` jobs in all have ended; the time from queueing to the end.</summary>
    private static async Task<TimeSpan> RunJobsAsync(HttpClient http, Dictionary<string, Dictionary<string, List<string>>> cells, int finished)
    {
        var clock = Stopwatch.StartNew();
        (await http.PostAsJsonAsync("/api/missing/run", new { branches_missing = cells })).EnsureSuccessStatusCode();
        while (true)
        {
            var succeeded = (await http.GetFromJsonAsync<JsonElement>("/api/jobs?status=succeeded&page_size=1")).GetProperty("total").GetInt32();
            var failed = (await http.GetFromJsonAsync<JsonElement>("/api/jobs?status=failed&page_size=1")).GetProperty("total").GetInt32();
            if (succeeded + failed >= finished)
            {
                if (failed > 0)
                {
                    var errors = await http.GetFromJsonAsync<JsonElement>("/api/jobs?status=failed&pageSize=5");
                    Console.Error.WriteLine($"{failed} jobs failed, e.g.: {string.Join(" | ", errors.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("error_message").GetString()))}");
                }
                return clock.Elapsed;
            }
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The same records, read back, written with the provider's raw bulk path in one transaction to a scratch table:
    /// shaped like etl_records (its key and its three indexes, which every stored row must also update) or bare.
    /// </summary>
    private static async Task<double> RawCeilingAsync(DatabaseOptions database, List<EtlRecord> records, bool indexed)
    {
        await using var db = OpsDatabase.Create(database);
        await db.Database.ExecuteSqlRawAsync("DROP TABLE IF EXISTS bench_records");
        if (!indexed)
        {
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE bench_records AS SELECT * FROM etl_records WHERE 1 = 0");
        }
        else if (database.Provider == DatabaseProvider.PostgreSql)
        {
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE bench_records (LIKE etl_records INCLUDING ALL)");
        }
        else
        {
            var ddl = await db.Database.SqlQueryRaw<string>("SELECT sql AS \"Value\" FROM sqlite_master WHERE tbl_name = 'etl_records' AND sql IS NOT NULL").ToListAsync();
            foreach (var statement in ddl)
            {
                await db.Database.ExecuteSqlRawAsync(statement.Replace("etl_records", "bench_records"));
            }
        }
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        const string columns = "\"JobId\", \"BranchId\", \"Pos\", \"WorkDate\", \"SoldAt\", \"Tnsc\", \"ItemCode\", \"Department\", \"Quantity\", \"Amount\", \"PaymentMethod\", \"FileType\", \"SourceLine\"";
        // One transaction per job, as the pipeline commits each job's records atomically.
        var jobs = records.GroupBy(r => r.JobId).ToList();
        var clock = Stopwatch.StartNew();
        foreach (var job in jobs)
        {
            await using var tx = await connection.BeginTransactionAsync();
            if (connection is NpgsqlConnection pg)
            {
                await using var copy = await pg.BeginBinaryImportAsync($"COPY bench_records ({columns}) FROM STDIN (FORMAT BINARY)");
                foreach (var r in job)
                {
                    copy.StartRow();
                    copy.Write(r.JobId, NpgsqlDbType.Uuid);
                    copy.Write(r.BranchId, NpgsqlDbType.Text);
                    copy.Write(r.Pos, NpgsqlDbType.Integer);
                    copy.Write(r.WorkDate, NpgsqlDbType.Date);
                    copy.Write(r.SoldAt, NpgsqlDbType.TimestampTz);
                    copy.Write(r.Tnsc, NpgsqlDbType.Text);
                    copy.Write(r.ItemCode, NpgsqlDbType.Text);
                    copy.Write(r.Department ?? "", NpgsqlDbType.Text);
                    copy.Write(r.Quantity, NpgsqlDbType.Numeric);
                    copy.Write(r.Amount, NpgsqlDbType.Numeric);
                    copy.Write(r.PaymentMethod ?? "", NpgsqlDbType.Text);
                    copy.Write(r.FileType, NpgsqlDbType.Text);
                    copy.Write(r.SourceLine, NpgsqlDbType.Integer);
                }
                await copy.CompleteAsync();
            }
            else
            {
                await using var insert = connection.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = $"INSERT INTO bench_records ({columns}) VALUES (@a, @b, @c, @d, @e, @f, @g, @h, @i, @j, @k, @l, @m)";
                var p = "abcdefghijklm".Select(c => { var x = insert.CreateParameter(); x.ParameterName = "@" + c; insert.Parameters.Add(x); return x; }).ToArray();
                insert.Prepare();
                foreach (var r in job)
                {
                    p[0].Value = r.JobId.ToString().ToUpperInvariant(); p[1].Value = r.BranchId; p[2].Value = r.Pos; p[3].Value = r.WorkDate.ToString("yyyy-MM-dd");
                    p[4].Value = r.SoldAt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF"); p[5].Value = r.Tnsc; p[6].Value = r.ItemCode; p[7].Value = (object?)r.Department ?? DBNull.Value;
                    p[8].Value = r.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture); p[9].Value = r.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    p[10].Value = (object?)r.PaymentMethod ?? DBNull.Value; p[11].Value = r.FileType; p[12].Value = r.SourceLine;
                    insert.ExecuteNonQuery();
                }
            }
            await tx.CommitAsync();
        }
        var rate = records.Count / clock.Elapsed.TotalSeconds;
        await db.Database.ExecuteSqlRawAsync("DROP TABLE bench_records");
        return rate;
    }

    /// <summary>500 branches × 2 POS × 365 days with jobs for 95% of the cells; GET /api/missing for the whole year.</summary>
    public static async Task<int> MissingAsync(BenchArgs args)
    {
        var database = new DatabaseOptions { Provider = Enum.Parse<DatabaseProvider>(args["provider"]), ConnectionString = args["connection"] };
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var start = today.AddDays(-364);
        var seeded = Stopwatch.StartNew();
        await using (var db = OpsDatabase.Create(database))
        {
            for (var b = 1; b <= 500; b++)
            {
                // The first 50 are "Harbour …": the browser part opens those, 100 rows of branch × POS.
                db.Branches.Add(new Branch { Id = $"M{b:D3}", Name = b <= 50 ? $"Harbour {b}" : $"Branch {b}", PosCount = 2, ActiveFrom = start, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
            }
            await db.SaveChangesAsync();
            await db.Database.OpenConnectionAsync();
            await using var tx = await db.Database.BeginTransactionAsync();
            await using var insert = db.Database.GetDbConnection().CreateCommand();
            insert.Transaction = tx.GetDbTransaction();
            insert.CommandText = "INSERT INTO etl_jobs (\"Id\", \"BranchId\", \"Pos\", \"WorkDate\", \"Status\", \"Attempts\", \"MaxAttempts\", \"Force\", \"CancelRequested\", \"CreatedBy\", \"CreatedAt\", \"QueuedAt\", \"RecordCount\") " +
                                 "VALUES (@id, @b, @p, @d, @s, 1, 3, false, false, 'bench', @t, @t, @n)";
            var id = Param(insert, "@id"); var branch = Param(insert, "@b"); var pos = Param(insert, "@p"); var date = Param(insert, "@d");
            var status = Param(insert, "@s"); var at = Param(insert, "@t"); var count = Param(insert, "@n");
            var random = new Random(7);
            var sqlite = database.Provider == DatabaseProvider.Sqlite;
            for (var b = 1; b <= 500; b++)
            {
                for (var p = 1; p <= 2; p++)
                {
                    for (var d = 0; d < 365; d++)
                    {
                        if (random.NextDouble() >= 0.95)
                        {
                            continue;
                        }
                        var job = Guid.NewGuid();
                        id.Value = sqlite ? job.ToString().ToUpperInvariant() : job;
                        branch.Value = $"M{b:D3}";
                        pos.Value = p;
                        date.Value = sqlite ? start.AddDays(d).ToString("yyyy-MM-dd") : start.AddDays(d);
                        status.Value = random.NextDouble() < 0.97 ? "succeeded" : "failed";
                        at.Value = sqlite ? DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF") : DateTime.UtcNow;
                        count.Value = 400 + random.Next(200);
                        await insert.ExecuteNonQueryAsync();
                    }
                }
            }
            await tx.CommitAsync();
            if (sqlite)
            {
                // The console checkpoints as it goes; a year inserted in one transaction would otherwise be read through a 130 MB WAL.
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        }
        Console.Error.WriteLine($"seeded 500 branches and their jobs in {seeded.Elapsed.TotalSeconds:F1} s");
        using var http = await AdminAsync(args["url"], args["password"]);
        var url = $"/api/missing?start={start:yyyy-MM-dd}&end={today:yyyy-MM-dd}";
        var times = new List<double>();
        long bytes = 0;
        for (var i = 0; i < 7; i++)
        {
            var clock = Stopwatch.StartNew();
            var body = await http.GetByteArrayAsync(url);
            times.Add(clock.Elapsed.TotalMilliseconds);
            bytes = body.Length;
        }
        var measured = times.Skip(2).Order().ToList();
        var browser = await HeatmapInBrowserAsync(args["url"], args["password"]);
        Console.WriteLine($"{database.Provider}: GET /api/missing for a year, 500 branches × 2 POS × 365 days (95% with jobs): median {measured[measured.Count / 2]:F0} ms, " +
                          $"worst {measured[^1]:F0} ms after two warm-up calls, {bytes / 1024:N0} KB (target < 300 ms); " +
                          $"heatmap of 100 rows × 90 days in Chromium, navigation to interactive: median {browser.Median:F0} ms, worst {browser.Worst:F0} ms (target < 2000 ms)");
        return 0;
    }

    /// <summary>
    /// Debian's Chromium signs in, then opens /etl/missing?days=90&amp;branch=Harbour five times: from navigation to the
    /// moment the 9,000 cells are drawn and the circuit is live (clicks work).
    /// </summary>
    private static async Task<(double Median, double Worst)> HeatmapInBrowserAsync(string url, string password)
    {
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var chromium = await playwright.Chromium.LaunchAsync(new Microsoft.Playwright.BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var page = await chromium.NewPageAsync(new Microsoft.Playwright.BrowserNewPageOptions { ViewportSize = new() { Width = 1440, Height = 900 } });
        await page.GotoAsync(url + "/account/login");
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(u => !u.Contains("/account/login"));
        var times = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            await page.GotoAsync(url + "/");
            await page.WaitForSelectorAsync("html[data-circuit=live]", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(url + "/etl/missing?days=90&branch=Harbour", new() { WaitUntil = Microsoft.Playwright.WaitUntilState.Commit });
            await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=heatmap] td.hm-cell').length === 9000 && document.documentElement.dataset.circuit === 'live'",
                null, new() { Timeout = 60_000, PollingInterval = 20 });
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        var measured = times.Skip(1).Order().ToList();
        return (measured[measured.Count / 2], measured[^1]);
    }

    private static DbParameter Param(DbCommand command, string name)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        command.Parameters.Add(p);
        return p;
    }

    /// <summary>1,000,000 records seeded with the raw path, then GET /api/records/export timed and counted.</summary>
    public static async Task<int> SeedRecordsAsync(BenchArgs args)
    {
        var database = new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = args["connection"] };
        var total = args.Int("rows", 1_000_000);
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO etl_records (\"JobId\", \"BranchId\", \"Pos\", \"WorkDate\", \"SoldAt\", \"Tnsc\", \"ItemCode\", \"Department\", \"Quantity\", \"Amount\", \"PaymentMethod\", \"FileType\", \"SourceLine\") " +
                             "VALUES (@a, 'B001', 1, @d, @t, @n, @i, 'DRY', '2', '7.50', 'card', 'rd5000', @l)";
        var job = Param(insert, "@a"); var day = Param(insert, "@d"); var at = Param(insert, "@t"); var tnsc = Param(insert, "@n"); var item = Param(insert, "@i"); var line = Param(insert, "@l");
        insert.Prepare();
        var start = new DateOnly(2025, 1, 1);
        for (var r = 0; r < total; r++)
        {
            var d = start.AddDays(r / 20_000);
            job.Value = new Guid(r / 20_000, 0, 0, new byte[8]).ToString().ToUpperInvariant();
            day.Value = d.ToString("yyyy-MM-dd");
            at.Value = d.ToDateTime(new TimeOnly(8, 0)).AddSeconds(r % 20_000).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF");
            tnsc.Value = $"T1-{r:D8}";
            item.Value = $"ITM-{r % 4000:D5}";
            line.Value = r % 20_000 + 2;
            await insert.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
        Console.Error.WriteLine($"seeded {total:N0} records");
        return 0;
    }

    public static async Task<int> ExportAsync(BenchArgs args)
    {
        using var http = await AdminAsync(args["url"], args["password"]);
        // The first export after a start also pays for JIT compilation of the export path; a console that serves
        // exports all shift is past that, so the figure is the median of three after it (the first is shown too).
        var runs = new List<(long Lines, long Bytes, double Seconds)>();
        for (var i = 0; i < 4; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync("/api/records/export", HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[1 << 16];
            long lines = 0, bytes = 0;
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                bytes += read;
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }
            runs.Add((lines - 1, bytes, clock.Elapsed.TotalSeconds));
        }
        var (rows, size, seconds) = runs.Skip(1).OrderBy(r => r.Seconds).ElementAt(1);
        Console.WriteLine($"{rows:N0} records exported as CSV ({size / 1024 / 1024:N0} MB) in {seconds:F2} s = {rows / seconds:N0} rows/s, median of 3 after a first export " +
                          $"({runs[0].Lines / runs[0].Seconds:N0} rows/s) (target >= 300,000 rows/s)");
        return 0;
    }
}
