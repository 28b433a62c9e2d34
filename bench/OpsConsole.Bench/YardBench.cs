using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace OpsConsole.Bench;

/// <summary>
/// The yard poller at 300 hostlers and 5,000 workbasket tasks (a frozen simulated world): one cycle's own processing
/// time and allocations (rules, view, diff and store; the HTTP reads are reported apart), whether idle cycles write to
/// the database, then the time from a change in the simulator to its appearance in Chromium's hostler view.
/// </summary>
public static class YardBench
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var url = args["url"];
        using var admin = await EtlBench.AdminAsync(url, args["password"]);
        (await admin.PutAsJsonAsync("/api/yard/settings", new { paused = true })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/sim/yard/world", new { hostlers = 300, workbasket_tasks = 5000, frozen = true, invalid = false })).EnsureSuccessStatusCode();

        // The first cycle fills the detail cache (5,300 task details) and stores the view; then the world stands still.
        var first = await PollAsync(admin);
        Console.Error.WriteLine($"first cycle: {first.GetProperty("tasks").GetInt32()} tasks, read {first.GetProperty("read_ms").GetDouble():F0} ms");
        await PollAsync(admin);
        var process = new List<double>();
        var read = new List<double>();
        var allocated = new List<double>();
        var writes = 0;
        for (var i = 0; i < 20; i++)
        {
            var cycle = await PollAsync(admin);
            process.Add(cycle.GetProperty("process_ms").GetDouble() + cycle.GetProperty("store_ms").GetDouble());
            read.Add(cycle.GetProperty("read_ms").GetDouble());
            allocated.Add(cycle.GetProperty("process_allocated_bytes").GetInt64() / 1024.0 / 1024.0);
            writes += cycle.GetProperty("stored").GetBoolean() ? 1 : 0;
        }
        process.Sort();
        read.Sort();
        allocated.Sort();

        (await admin.PutAsJsonAsync("/api/yard/settings", new { paused = false, interval_seconds = 1 })).EnsureSuccessStatusCode();
        var latency = await ChangeToScreenAsync(url, args["password"], admin);
        latency.Sort();
        Console.WriteLine($"300 hostlers × 5,000 workbasket tasks: cycle processing median {Percentiles.Of(process, 50):F1} ms, worst {process[^1]:F1} ms " +
                          $"(target < 200 ms), allocating median {Percentiles.Of(allocated, 50):F1} MB; upstream reads (302 HTTP calls; the 5,300 details come from HybridCache) " +
                          $"median {Percentiles.Of(read, 50):F0} ms; database writes in 20 idle cycles: {writes} (target 0); " +
                          $"change in the simulator to the hostler view in Chromium at a 1 s interval, 20 changes: p50 {Percentiles.Of(latency, 50):F0} ms, " +
                          $"p95 {Percentiles.Of(latency, 95):F0} ms (target p95 < 2000 ms)");
        return 0;
    }

    private static async Task<JsonElement> PollAsync(HttpClient admin)
    {
        var response = await admin.PostAsync("/api/yard/poll", null);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<List<double>> ChangeToScreenAsync(string url, string password, HttpClient admin)
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
        await page.GotoAsync(url + "/yard");
        await page.WaitForSelectorAsync("html[data-circuit=live]", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        await page.WaitForSelectorAsync("[data-hostler=H300]", new() { Timeout = 60_000 });

        var times = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var hostler = $"H{10 + i * 7:D3}";
            var status = i % 2 == 0 ? "offline" : "break";
            var clock = Stopwatch.StartNew();
            (await admin.PostAsJsonAsync($"/sim/yard/world/hostlers/{hostler}/status", new { status })).EnsureSuccessStatusCode();
            await page.WaitForSelectorAsync($"[data-hostler={hostler}][data-status={status}]", new() { Timeout = 30_000, State = Microsoft.Playwright.WaitForSelectorState.Attached });
            times.Add(clock.Elapsed.TotalMilliseconds);
            await Task.Delay(300);
        }
        return times;
    }
}
