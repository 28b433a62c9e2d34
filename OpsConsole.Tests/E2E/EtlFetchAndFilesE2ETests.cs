using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using OpsConsole.Simulators.Etl;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// Issue 17 item 8: "Fetch now" on the jobs page and the heatmap says what happened and draws on the same allowance as
/// POST /api/jobs/fetch; the raw files page filters, pages and downloads, its view kept in the address.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EtlFetchAndFilesE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private const int Burst = 3;

    private readonly OpsAppFactory _app = new(settings: new Dictionary<string, string?>
    {
        ["Etl:FileStore"] = Path.Combine(TestDatabases.NewTempFolder(), "files"),
        ["RateLimits:UpstreamCallBurst"] = Burst.ToString(), ["RateLimits:UpstreamCallsPerMinute"] = "1",
    });
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private static readonly List<DateOnly> DaysWithFiles = Enumerable.Range(1, 60).Select(n => Today.AddDays(-n))
        .Where(d => EtlFileHostSimulator.List(42, "B001", 1, d, 0).Count > 0).Take(4).ToList();
    private string _base = "";

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd");

    public async ValueTask InitializeAsync()
    {
        _base = _app.StartKestrel();
        using var admin = await ApiClients.SignedInAsync(_base, "admin");
        foreach (var job in new[] { "etl.missing-scan", "etl.fetch-yesterday" })
        {
            (await admin.PostAsync($"/api/scheduler/jobs/{job}/pause", null)).EnsureSuccessStatusCode();
        }
        (await admin.PostAsJsonAsync("/api/branches", new
        {
            id = "B001", name = "Harbour", pos_count = 1, active_from = Text(Today.AddDays(-60)),
            parser_config = JsonDocument.Parse(EtlFileHostSimulator.ParserFor("B001").ToJson()).RootElement,
        })).EnsureSuccessStatusCode();
        // Files for the files page, through the missing-data run (its own allowance: the admin's fetches stay whole for the test).
        (await admin.PostAsJsonAsync("/api/missing/run", new { branches_missing = new Dictionary<string, Dictionary<string, string[]>> { ["B001"] = new() { ["1"] = [Text(DaysWithFiles[2]), Text(DaysWithFiles[3])] } } }))
            .EnsureSuccessStatusCode();
        await Until.TrueAsync(async () => (await admin.GetFromJsonAsync<JsonElement>("/api/jobs?status=succeeded")).GetProperty("total").GetInt32() == 2,
            "two days fetched");
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static ILocator Outcome(IPage page) => page.Locator("[data-testid=fetch-outcome]");

    private static async Task ChooseBranchAsync(IPage page)
    {
        await page.Locator(".mud-dialog .mud-select", new() { Has = page.Locator("label", new() { HasTextString = "Branch" }) }).First
            .Locator(".mud-select-input, .mud-input-slot").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextString = "B001" }).First.ClickAsync();
    }

    private static async Task FetchAsync(IPage page, string expected)
    {
        await page.ClickAsync("[data-testid=fetch-submit]");
        // A fetch runs the whole pipeline (download, parse, store) before it answers; the suite's first minute, when this
        // class runs, is its busiest, so the wait is for the outcome, not for the page's usual 15 s.
        await page.WaitForFunctionAsync("t => document.querySelector('[data-testid=fetch-outcome]').innerText.includes(t)", expected,
            new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task Operator_FetchesADayFromTheJobsPage_IsToldWhatHappened_OnTheApisAllowance()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("operator", OpsAppFactory.Password);
        await console.GotoAsync("/etl/jobs");
        await console.WaitUntilLiveAsync();
        var page = console.Page;
        await page.ClickAsync("[data-testid=fetch-now]");
        await page.Locator("[data-testid=fetch-submit]").WaitForAsync();
        (await page.Locator("[data-testid=fetch-force]").CountAsync()).Should().Be(0, "force is an admin's");

        // 1: no branch chosen: the field says so.
        await FetchAsync(page, "Not fetched");
        await page.Locator(".mud-dialog .mud-input-helper-text", new() { HasTextString = "branch is required" }).WaitForAsync();

        // 2: queued, with a link to its job.
        await ChooseBranchAsync(page);
        await page.Locator("input[data-testid=fetch-date]").FillAsync(Text(DaysWithFiles[0]));
        await page.Locator("input[data-testid=fetch-date]").PressAsync("Tab");
        await FetchAsync(page, "Queued B001 POS 1 on");
        await console.ScreenshotAsync("etl-fetch-now-queued");
        using var api = await ApiClients.SignedInAsync(_base, "operator");
        var job = (await api.GetFromJsonAsync<JsonElement>($"/api/jobs?branch=B001&from={Text(DaysWithFiles[0])}&to={Text(DaysWithFiles[0])}"))
            .GetProperty("items")[0].GetProperty("job_id").GetString();
        (await page.GetAttributeAsync("[data-testid=fetch-job-link]", "href")).Should().Be($"/etl/jobs/{job}");

        // 3: the same day again: nothing new, and why.
        await FetchAsync(page, "Nothing new queued");
        (await Outcome(page).InnerTextAsync()).Should().MatchRegex("already queued|running now|fetched already .*Only an admin");

        // Past the allowance: said, and the API is refused too.
        await FetchAsync(page, "Not fetched: you started fetches too often");
        (await Outcome(page).InnerTextAsync()).Should().Contain("Try again in");
        await console.ScreenshotAsync("etl-fetch-now-limited");
        (await api.PostAsJsonAsync("/api/jobs/fetch", new { branch = "B001", pos = 1, date = Text(DaysWithFiles[1]) }))
            .StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "the page used the same allowance");

        // The job is in the list behind the dialog.
        await page.ClickAsync("[data-testid=fetch-close]");
        await page.Locator("[data-testid=jobs-table] a", new() { HasTextString = Text(DaysWithFiles[0]) }).WaitForAsync();

        // On the heatmap, an operator's click on a day without a job opens the same dialog, filled in with that cell.
        await console.GotoAsync("/etl/missing?days=7");
        await console.WaitUntilLiveAsync();
        var empty = page.Locator("tr[data-row=B001-1] td.hm-missing").First;
        var tip = await empty.GetAttributeAsync("title");
        await empty.ClickAsync();
        await page.Locator("[data-testid=fetch-submit]").WaitForAsync();
        var values = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('.mud-dialog input')].map(i => i.value)");
        values.Should().Contain(["B001", "1"]);
        tip.Should().Contain(values.Single(v => System.Text.RegularExpressions.Regex.IsMatch(v, @"^\d{4}-\d{2}-\d{2}$")), "the cell's day");
        await console.ScreenshotAsync("etl-fetch-now-from-a-cell");
    }

    [Fact]
    public async Task Admin_FetchesFromTheHeatmap_AndForcesADayThatSucceeded()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("admin", OpsAppFactory.Password);
        await console.GotoAsync("/etl/missing?days=7");
        await console.WaitUntilLiveAsync();
        var page = console.Page;
        await page.ClickAsync("[data-testid=fetch-now]");
        await ChooseBranchAsync(page);
        await page.Locator("input[data-testid=fetch-date]").FillAsync(Text(DaysWithFiles[2]));
        await page.Locator("input[data-testid=fetch-date]").PressAsync("Tab");

        await FetchAsync(page, "was fetched already");
        (await Outcome(page).InnerTextAsync()).Should().Contain("Tick Force");
        await page.GetByText("Force: fetch a day that succeeded again").ClickAsync();
        // The button says what it will do once Force is ticked (its text as written; the theme shows it in capitals).
        await page.Locator("[data-testid=fetch-submit]", new() { HasTextString = "Fetch again" }).WaitForAsync();
        await FetchAsync(page, "Queued B001 POS 1 on");
        await console.ScreenshotAsync("etl-fetch-now-forced");
        await page.ClickAsync("[data-testid=fetch-job-link]");
        await page.Locator("[data-testid=timeline] strong", new() { HasTextString = "queued" }).Nth(1).WaitForAsync();
        (await page.Locator("[data-testid=timeline]").InnerTextAsync()).Should().Contain("forced");
    }

    [Fact]
    public async Task Viewer_ListsRawFiles_FilteredInTheAddress_DownloadsOne_AndOpensItsJob()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("viewer", OpsAppFactory.Password);
        var page = console.Page;
        const string rows = "[data-testid=files-table] tbody tr:has([data-testid=file-download])";
        await page.ClickAsync("[data-nav=files]");
        await page.WaitForURLAsync(url => url.EndsWith("/etl/files"));
        await page.Locator(rows).First.WaitForAsync();
        (await page.Locator(rows + " td:nth-child(1)").AllInnerTextsAsync()).Should().BeInDescendingOrder("newest work date first");

        // One day (no other test fetches it), then a type typed in: both in the address, counted as the API counts them.
        var day = Text(DaysWithFiles[3]);
        using var api = await ApiClients.SignedInAsync(_base, "viewer");
        var ofDay = await api.GetFromJsonAsync<JsonElement>($"/api/files?from={day}&to={day}");
        ofDay.ValueKind.Should().Be(JsonValueKind.Array, "GET /api/files stays the seed's list");
        await console.GotoAsync($"/etl/files?from={day}&to={day}");
        await console.WaitUntilLiveAsync();
        await page.Locator("[data-testid=files-total]", new() { HasTextString = $"{ofDay.GetArrayLength()} matching" }).WaitForAsync();
        await page.Locator("input[data-testid=files-type]").FillAsync("rd5500");
        await page.WaitForURLAsync(url => url.EndsWith($"/etl/files?from={day}&to={day}&file_type=rd5500"));
        var typed = (await api.GetFromJsonAsync<JsonElement>($"/api/files?from={day}&to={day}&file_type=rd5500")).GetArrayLength();
        typed.Should().BeInRange(1, ofDay.GetArrayLength() - 1);
        await page.Locator("[data-testid=files-total]", new() { HasTextString = $"{typed} matching" }).WaitForAsync();
        await page.ReloadAsync();
        await console.WaitUntilLiveAsync();
        await page.Locator("[data-testid=files-total]", new() { HasTextString = $"{typed} matching" }).WaitForAsync();
        await page.Locator(rows).Nth(typed - 1).WaitForAsync();
        (await page.Locator(rows + " td:nth-child(5)").AllInnerTextsAsync()).Should().OnlyContain(t => t == "rd5500");
        await console.ScreenshotAsync("etl-files-filtered");

        var href = await page.Locator("[data-testid=file-download]").First.GetAttributeAsync("href");
        var download = await page.APIRequest.GetAsync(_base + href);
        download.Status.Should().Be(200);
        (await download.TextAsync()).Should().StartWith("date,time,tnsc", "the raw file as the host sent it");
        await page.Locator("[data-testid=file-job]").First.ClickAsync();
        await page.Locator("[data-testid=timeline]").WaitForAsync();
        await console.GotoAsync("/etl/jobs");
        await console.WaitUntilLiveAsync();
        await page.Locator("[data-testid=jobs-table]").WaitForAsync();
        (await page.Locator("[data-testid=fetch-now]").CountAsync()).Should().Be(0, "a viewer starts no fetch");
    }
}
