using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using OpsConsole.Simulators.Etl;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// Days that failed today and a day waiting for data, made through the real runners and the simulated file host: branch
/// B004 is set up with the comma layout's parser config though its files use semicolons, so its days fail with the
/// reason; B001 reads its files right, and on <see cref="WaitDay"/> the host has none (ADR 0022).
/// </summary>
internal sealed class EtlFailuresSetUp
{
    public static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>Three recent days the host has B004's files for: they fail (the wrong parser config).</summary>
    public IReadOnlyList<DateOnly> FailDays { get; } = Days("B004", withFiles: true).Take(3).ToList();

    /// <summary>The latest day up to yesterday the host lists no files for B001 POS 1.</summary>
    public DateOnly WaitDay { get; } = Days("B001", withFiles: false).First();

    /// <summary>A day the host has B001's files for, not fetched here.</summary>
    public DateOnly SpareDay { get; } = Days("B001", withFiles: true).First();

    public DateOnly ActiveFrom => new[] { WaitDay, FailDays[^1], SpareDay }.Min().AddDays(-1);

    private static IEnumerable<DateOnly> Days(string branch, bool withFiles)
    {
        for (var day = Today.AddDays(-1); day > Today.AddDays(-400); day = day.AddDays(-1))
        {
            if (EtlFileHostSimulator.List(42, branch, 1, day, 0).Count > 0 == withFiles)
            {
                yield return day;
            }
        }
    }

    public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd");

    /// <summary>Creates the branches, stops the scheduled queueing, fetches the days and waits until they ended.</summary>
    public async Task RunAsync(string baseUrl)
    {
        using var admin = await ApiClients.SignedInAsync(baseUrl, "admin");
        foreach (var job in new[] { "etl.missing-scan", "etl.fetch-yesterday" })
        {
            // Only the days this test fetches: the hourly scan must not queue the rest of the range meanwhile.
            (await admin.PostAsync($"/api/scheduler/jobs/{job}/pause", null)).EnsureSuccessStatusCode();
        }
        await BranchAsync(admin, "B001", EtlFileHostSimulator.ParserFor("B001").ToJson());
        await BranchAsync(admin, "B004", OpsConsole.Core.Etl.ParserConfig.Default.ToJson());
        var cells = new Dictionary<string, Dictionary<string, List<string>>>
        {
            ["B004"] = new() { ["1"] = FailDays.Select(Text).ToList() },
            ["B001"] = new() { ["1"] = [Text(WaitDay)] },
        };
        (await admin.PostAsJsonAsync("/api/missing/run", new { branches_missing = cells })).EnsureSuccessStatusCode();
        await Until.TrueAsync(async () =>
        {
            var failed = await admin.GetFromJsonAsync<JsonElement>("/api/jobs?status=failed");
            return failed.GetProperty("total").GetInt32() == 4;
        }, "three failures and one day waiting for data");
    }

    public async Task BranchAsync(HttpClient admin, string id, string parserConfig) =>
        (await admin.PostAsJsonAsync("/api/branches", new
        {
            id, name = $"Shop {id}", pos_count = 1, active_from = Text(ActiveFrom), parser_config = JsonDocument.Parse(parserConfig).RootElement,
        })).EnsureSuccessStatusCode();
}

/// <summary>
/// Issue 17 item 7: from the dashboard, today's failures are one click away, newest first with their reasons, and an admin
/// re-runs them all in three interactions; a day the file host has no files for is waiting for data, not one of them.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EtlFailuresE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new(settings: new Dictionary<string, string?>
    {
        ["Etl:FileStore"] = Path.Combine(TestDatabases.NewTempFolder(), "files"),
    });
    private readonly EtlFailuresSetUp _days = new();
    private string _base = "";

    public async ValueTask InitializeAsync()
    {
        _base = _app.StartKestrel();
        await _days.RunAsync(_base);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private const string Rows = "[data-testid=jobs-table] tbody tr:has([data-status])";

    [Fact]
    public async Task TodaysFailures_AreOneClickFromTheDashboard_WithTheirReasons_AndAnAdminRerunsThemInThreeInteractions()
    {
        var today = EtlFailuresSetUp.Text(EtlFailuresSetUp.Today);
        var failures = $"/etl/jobs?status=failed&sort=finished&finished_on={today}&awaiting_data=false";

        // An operator reads them and is told who retries.
        await using (var console = await ConsolePage.OpenAsync(browser.Browser, _base))
        {
            await console.SignInAsync("operator", OpsAppFactory.Password);
            var figure = console.Page.Locator("[data-testid=failed-today]");
            await figure.Locator(".ops-figure", new() { HasTextString = "3" }).WaitForAsync();
            await figure.ClickAsync();
            await console.Page.WaitForURLAsync(url => url.EndsWith(failures));
            await console.Page.Locator(Rows).Nth(2).WaitForAsync();
            (await console.Page.Locator(Rows).CountAsync()).Should().Be(3, "the day waiting for data is no failure to act on");
            var reasons = console.Page.Locator(Rows + " td.etl-reason");
            foreach (var reason in await reasons.AllAsync())
            {
                (await reason.IsVisibleAsync()).Should().BeTrue();
                (await reason.InnerTextAsync()).Should().StartWith("Bad row (the branch's policy is to fail the job)");
            }
            // On a tablet the reason is in view too, without scrolling the table sideways.
            await console.Page.SetViewportSizeAsync(768, 1024);
            var box = await reasons.First.BoundingBoxAsync();
            (box!.X + 200).Should().BeLessThanOrEqualTo(768, "the reason column starts well inside a 768 px wide page");
            await console.ScreenshotAsync("etl-failed-today-operator-768");
            await console.Page.SetViewportSizeAsync(1366, 860);
            // Newest first, as the API reads the same address.
            using var api = await ApiClients.SignedInAsync(_base, "operator");
            var listed = await api.GetFromJsonAsync<JsonElement>("/api" + failures[4..]);
            var apiDays = listed.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("date").GetString()).ToList();
            var pageDays = await console.Page.Locator(Rows + " td:nth-child(1)").AllInnerTextsAsync();
            pageDays.Should().Equal(apiDays);
            var finished = listed.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("finished_at").GetDateTime()).ToList();
            finished.Should().BeInDescendingOrder();
            (await console.Page.Locator("[data-testid=retry-matching]").CountAsync()).Should().Be(0);
            (await console.Page.Locator("[data-testid=retry-note]").InnerTextAsync()).Should().Contain("3 job(s) match").And.Contain("for admins");
            await console.ScreenshotAsync("etl-failed-today-operator");
        }

        // An admin reads the reason, puts the right parser config on B004, and re-runs the three.
        using (var admin = await ApiClients.SignedInAsync(_base, "admin"))
        {
            await _days.BranchAsync(admin, "B004", EtlFileHostSimulator.ParserFor("B004").ToJson());
        }
        await using (var console = await ConsolePage.OpenAsync(browser.Browser, _base))
        {
            await console.SignInAsync("admin", OpsAppFactory.Password);
            await console.Page.Locator("[data-testid=failed-today] .ops-figure", new() { HasTextString = "3" }).WaitForAsync();
            await console.ScreenshotAsync("etl-dashboard-failed-today");
            await console.Page.ClickAsync("[data-testid=failed-today]");                                          // 1
            await console.Page.GetByRole(AriaRole.Button, new() { Name = "Retry all 3 matching" }).ClickAsync(); // 2
            await console.Page.GetByText("Queue 3 job(s) again?").WaitForAsync();
            await console.ScreenshotAsync("etl-failed-today-retry-confirm");
            await console.Page.GetByRole(AriaRole.Button, new() { Name = "Retry 3" }).ClickAsync();             // 3
            await console.Page.GetByText("3 job(s) queued again").WaitForAsync();
            // They leave the list of failures as they succeed, live.
            await console.Page.GetByText("No jobs match").WaitForAsync(new() { Timeout = 60_000 });
        }
        using var check = await ApiClients.SignedInAsync(_base, "viewer");
        (await check.GetFromJsonAsync<JsonElement>("/api/jobs?branch=B004&status=succeeded")).GetProperty("total").GetInt32().Should().Be(3);
        var waiting = await check.GetFromJsonAsync<JsonElement>("/api/jobs?awaiting_data=true");
        waiting.GetProperty("items").EnumerateArray().Single().GetProperty("date").GetString().Should().Be(EtlFailuresSetUp.Text(_days.WaitDay));
    }
}
