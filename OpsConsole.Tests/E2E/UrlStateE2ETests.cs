using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Simulators.Etl;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// Every list and board keeps its view in its address (ADR 0018): chosen in the page, it survives a reload, Back returns
/// to the view before, a breadcrumb lands on it, and a link typed by hand (a colleague's) opens it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class UrlStateE2ETests(BrowserFixture browser, UrlStateE2ETests.SeededConsole app) : IClassFixture<UrlStateE2ETests.SeededConsole>
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>One console for the class: two ETL branches with 7 queued and 7 cancelled days and 30 records, six waiting suggestions, tasks of two workers, a frozen yard.</summary>
    public sealed class SeededConsole : IAsyncLifetime
    {
        private readonly OpsAppFactory _app = new(settings: new Dictionary<string, string?>
        {
            ["Etl:FileStore"] = Path.Combine(TestDatabases.NewTempFolder(), "files"),
            ["Simulators:Yard:Invalid"] = "false",
        });

        public string Base { get; private set; } = "";
        public long[] Suggestions { get; private set; } = [];

        public OpsConsole.Core.Shared.Alerts.OpsAlerts Alerts => _app.Services.GetRequiredService<OpsConsole.Core.Shared.Alerts.OpsAlerts>();

        public async ValueTask InitializeAsync()
        {
            Base = _app.StartKestrel();
            using var admin = await ApiClients.SignedInAsync(Base, "admin");
            (await admin.PostAsync("/api/scheduler/jobs/etl.runners/pause", null)).EnsureSuccessStatusCode();
            foreach (var id in new[] { "B001", "B004" })
            {
                (await admin.PostAsJsonAsync("/api/branches", new
                {
                    id, name = $"Shop {id}", pos_count = 1, active_from = Today.AddDays(-6).ToString("yyyy-MM-dd"),
                    parser_config = JsonDocument.Parse(EtlFileHostSimulator.ParserFor(id).ToJson()).RootElement,
                })).EnsureSuccessStatusCode();
            }
            (await admin.PostAsJsonAsync("/api/missing/run", new { filter = new { start = Today.AddDays(-6).ToString("yyyy-MM-dd"), end = Today.ToString("yyyy-MM-dd") } }))
                .EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync("/api/jobs/bulk-cancel", new { filter = new { branch = "B004" } })).EnsureSuccessStatusCode();
            await AddRecordsAsync();

            using var ml = await ApiClients.SignedInAsync(Base, "mlengine");
            var posted = await ml.PostAsJsonAsync("/api/suggestions", Enumerable.Range(1, 9).Select(i => new { from_station_id = 10 + i, to_station_id = 20 + i, qty = i, reason = $"station {10 + i} is full" }));
            var ids = (await posted.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToArray();
            Suggestions = ids[..6];
            using var supervisor = await ApiClients.SignedInAsync(Base, "supervisor");
            foreach (var id in ids[6..])
            {
                (await supervisor.PostAsJsonAsync("/api/task/approve", new { suggestion_id = id })).EnsureSuccessStatusCode();
            }
            using var worker = await ApiClients.SignedInAsync(Base, "worker");
            var first = await (await worker.PostAsJsonAsync("/api/dispatch/next", new { worker_id = "w-1" })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
            (await worker.PostAsJsonAsync($"/api/task/{first.GetProperty("id").GetInt64()}/complete", new { worker_id = "w-1" })).EnsureSuccessStatusCode();
            (await worker.PostAsJsonAsync("/api/dispatch/next", new { worker_id = "w-1" })).EnsureSuccessStatusCode();
            (await worker.PostAsJsonAsync("/api/dispatch/next", new { worker_id = "w-2" })).EnsureSuccessStatusCode();

            (await admin.PostAsJsonAsync("/sim/yard/world", new { hostlers = 8, workbasket_tasks = 130, frozen = true, invalid = false })).EnsureSuccessStatusCode();
            (await admin.PutAsJsonAsync("/api/yard/settings", new { interval_seconds = 1 })).EnsureSuccessStatusCode();
        }

        /// <summary>Thirty records of B001's first day, items A1 … A30, without running a job.</summary>
        private async Task AddRecordsAsync()
        {
            await using var db = await _app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
            var job = await db.EtlJobs.Where(j => j.BranchId == "B001").OrderBy(j => j.WorkDate).FirstAsync();
            db.EtlRecords.AddRange(Enumerable.Range(1, 30).Select(i => new EtlRecord
            {
                JobId = job.Id, BranchId = "B001", Pos = 1, WorkDate = job.WorkDate, SoldAt = job.WorkDate.ToDateTime(new TimeOnly(9, i)), Tnsc = $"T{i}",
                ItemCode = $"A{i}", Quantity = i, Amount = i * 1.5m, FileType = "sales", SourceLine = i,
            }));
            await db.SaveChangesAsync();
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }

    private async Task<ConsolePage> OpenAsync(string user, string path)
    {
        var console = await ConsolePage.OpenAsync(browser.Browser, app.Base);
        await console.SignInAsync(user, OpsAppFactory.Password);
        await GotoAsync(console, path);
        return console;
    }

    private static async Task GotoAsync(ConsolePage console, string path)
    {
        await console.GotoAsync(path);
        await console.WaitUntilLiveAsync();
    }

    private static async Task ReloadAsync(ConsolePage console)
    {
        await console.Page.ReloadAsync();
        await console.WaitUntilLiveAsync();
    }

    private static Task BackAsync(ConsolePage console) => console.Page.GoBackAsync();

    /// <summary>
    /// Waits for the browser's address to be this path with exactly these parameters, in any order (a page keeps the
    /// order they came in). Read in the page: a history entry written by the page is not a navigation Playwright waits for.
    /// </summary>
    /// <summary>Waits for the address; a timeout says where the page was instead.</summary>
    private static async Task AtAsync(ConsolePage console, string pathAndQuery)
    {
        try
        {
            await WaitForAddressAsync(console, pathAndQuery);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Expected the address {pathAndQuery}, but the page is at {console.Page.Url}.", ex);
        }
    }

    private static Task WaitForAddressAsync(ConsolePage console, string pathAndQuery) => console.Page.WaitForFunctionAsync("""
        expected => {
            const canonical = a => { const u = new URL(a, location.origin); return u.pathname + '?' + [...u.searchParams].map(p => p.join('=')).sort().join('&'); };
            return canonical(location.href) === canonical(expected);
        }
        """, pathAndQuery);

    private static Task CountAsync(ConsolePage console, string selector, int count) =>
        console.Page.WaitForFunctionAsync("([s, n]) => document.querySelectorAll(s).length === n", new object[] { selector, count });

    /// <summary>Opens a MudSelect by its label and picks the option with this text.</summary>
    private static async Task ChooseAsync(ConsolePage console, string label, string option)
    {
        await console.Page.Locator(".mud-select", new() { Has = console.Page.Locator("label", new() { HasTextString = label }) }).First
            .Locator(".mud-select-input, .mud-input-slot").First.ClickAsync();
        await console.Page.Locator(".mud-popover-open .mud-list-item", new() { HasTextString = option }).First.ClickAsync();
    }

    private const string JobRows = "[data-testid=jobs-table] tbody tr:has([data-status])";

    [Fact]
    public async Task Jobs_FiltersSortPageAndPageSize_LiveInTheAddress()
    {
        await using var console = await OpenAsync("admin", "/etl/jobs");
        await CountAsync(console, JobRows, 14);

        await ChooseAsync(console, "Status", "cancelled");
        await AtAsync(console, "/etl/jobs?status=cancelled");
        await CountAsync(console, JobRows + ":has([data-status=cancelled])", 7);
        await CountAsync(console, JobRows, 7);
        await console.Page.Locator("[data-testid=jobs-table] th .mud-table-sort-label", new() { HasTextString = "Branch" }).ClickAsync();
        await AtAsync(console, "/etl/jobs?status=cancelled&sort=branch");

        await ReloadAsync(console);
        await CountAsync(console, JobRows + ":has([data-status=cancelled])", 7);
        await CountAsync(console, JobRows, 7);
        (await console.Page.Locator("[data-testid=jobs-table] th .mud-table-sort-label:has-text('Branch') .mud-direction-asc").CountAsync())
            .Should().Be(1, "the sort comes back with the page");

        await BackAsync(console);
        await AtAsync(console, "/etl/jobs?status=cancelled");
        await BackAsync(console);
        await AtAsync(console, "/etl/jobs");
        await CountAsync(console, JobRows, 14);

        // A colleague's link: the queued days, five a page, the second page.
        await GotoAsync(console, "/etl/jobs?status=queued&page=2&page_size=5");
        await CountAsync(console, JobRows + ":has([data-status=queued])", 2);
        await CountAsync(console, JobRows, 2);
        await console.Page.Locator(".mud-table-pagination-caption", new() { HasTextString = "6-7 of 7" }).WaitForAsync();
        await console.ScreenshotAsync("url-jobs-link");

        // The breadcrumb of a job's page goes back to the list as it was left.
        await console.Page.Locator(JobRows + " a").First.ClickAsync();
        await console.Page.Locator("[data-testid=timeline]").WaitForAsync();
        await console.Page.ClickAsync("[data-testid=breadcrumb-jobs]");
        await AtAsync(console, "/etl/jobs?status=queued&page=2&page_size=5");
        await CountAsync(console, JobRows, 2);

        // Values the page cannot use: the defaults, said once, and an address without them.
        await GotoAsync(console, "/etl/jobs?page=abc&status=bogus&branch=B004");
        var notice = console.Page.GetByText("Ignored in the address:");
        await notice.WaitForAsync();
        (await notice.InnerTextAsync()).Should().Contain("status must be one of").And.Contain("page must be a whole number");
        await AtAsync(console, "/etl/jobs?branch=B004");
        await CountAsync(console, JobRows + ":has([data-status=cancelled])", 7);
    }

    [Fact]
    public async Task Records_FiltersPageAndPageSize_LiveInTheAddress()
    {
        const string rows = "[data-testid=records-table] tbody tr:has(td:nth-child(5))";
        await using var console = await OpenAsync("viewer", "/etl/records?branch=B001&page_size=25&page=2");
        await console.Page.Locator("h1", new() { HasTextString = "30 matching" }).WaitForAsync();
        await CountAsync(console, rows, 5);

        await console.Page.Locator(".mud-table-pagination-actions button[aria-label='Previous page']").ClickAsync();
        await AtAsync(console, "/etl/records?branch=B001&page_size=25");
        await CountAsync(console, rows, 25);

        await console.Page.Locator(".ops-filters .mud-input-control:has(label:text-is('Item code')) input").FillAsync("A7");
        await AtAsync(console, "/etl/records?branch=B001&item=A7&page_size=25");
        await CountAsync(console, rows, 1);
        (await console.Page.GetAttributeAsync("[data-testid=records-export]", "href")).Should().Be("/api/records/export?branch=B001&item=A7");

        await ReloadAsync(console);
        await CountAsync(console, rows, 1);
        (await console.Page.Locator(".ops-filters .mud-input-control:has(label:text-is('Item code')) input").InputValueAsync()).Should().Be("A7");

        await BackAsync(console);
        await AtAsync(console, "/etl/records?branch=B001&page_size=25");
        await CountAsync(console, rows, 25);
        await BackAsync(console);
        await AtAsync(console, "/etl/records?branch=B001&page_size=25&page=2");
        await CountAsync(console, rows, 5);
    }

    [Fact]
    public async Task Audit_FiltersAndPageSize_LiveInTheAddress_AndTypingIsOneHistoryEntry()
    {
        const string rows = "[data-testid=audit-table] tbody tr:has(td:nth-child(4))";
        await using var console = await OpenAsync("admin", "/audit");
        await console.Page.Locator(rows).First.WaitForAsync();

        await ChooseAsync(console, "Module", "ETL");
        await AtAsync(console, "/audit?module=etl");
        await console.Page.Locator("[data-testid=filter-text] input, input[data-testid=filter-text]").First.PressSequentiallyAsync("B004", new() { Delay = 150 });
        await AtAsync(console, "/audit?module=etl&text=B004");
        await console.Page.WaitForFunctionAsync($"() => {{ const r = [...document.querySelectorAll('{rows}')]; return r.length > 0 && r.every(x => x.innerText.includes('B004')); }}");

        await ReloadAsync(console);
        await console.Page.WaitForFunctionAsync($"() => {{ const r = [...document.querySelectorAll('{rows}')]; return r.length > 0 && r.every(x => x.innerText.includes('B004')); }}");
        (await console.Page.Locator("[data-testid=filter-text] input, input[data-testid=filter-text]").First.InputValueAsync()).Should().Be("B004");

        await BackAsync(console);
        await AtAsync(console, "/audit?module=etl");

        await GotoAsync(console, "/audit?module=bogus&page_size=25");
        await console.Page.GetByText("Ignored in the address: module must be one of").WaitForAsync();
        await AtAsync(console, "/audit?page_size=25");
        await console.Page.Locator(rows).First.WaitForAsync();
        var caption = await console.Page.Locator(".mud-table-pagination-caption", new() { HasTextString = " of " }).InnerTextAsync();
        var total = int.Parse(caption.Split(" of ")[1].Replace(",", ""));
        caption.Should().StartWith($"1-{Math.Min(25, total)} of", "25 rows a page, as the link asked");
    }

    [Fact]
    public async Task Suggestions_FiltersOrderAndTheHighlightedRow_LiveInTheAddress()
    {
        var ids = app.Suggestions;
        await using var console = await OpenAsync("supervisor", "/dispatch/suggestions");
        await console.Page.Locator($"[data-suggestion='{ids[5]}']").WaitForAsync();

        await ChooseAsync(console, "Sort", "Newest first");
        await AtAsync(console, "/dispatch/suggestions?sort=newest");
        await console.Page.Locator($"[data-testid=suggestions-table] tbody tr:first-child[data-suggestion='{ids[5]}']").WaitForAsync();
        await console.Page.Locator($"[data-suggestion='{ids[2]}'] td.num").First.ClickAsync();
        await AtAsync(console, $"/dispatch/suggestions?sort=newest&suggestion_id={ids[2]}");

        await ReloadAsync(console);
        await console.Page.Locator($"tr.ops-row-cursor[data-suggestion='{ids[2]}']").WaitForAsync();
        await console.Page.Locator($"[data-testid=suggestions-table] tbody tr:first-child[data-suggestion='{ids[5]}']").WaitForAsync();

        // The highlighted row moved without history entries: Back returns to the view before the sort.
        await BackAsync(console);
        await AtAsync(console, "/dispatch/suggestions");
        await console.Page.Locator($"[data-testid=suggestions-table] tbody tr:first-child[data-suggestion='{ids[0]}']").WaitForAsync();

        await GotoAsync(console, $"/dispatch/suggestions?min_qty=4&suggestion_id={ids[4]}");
        await CountAsync(console, "[data-testid=suggestions-table] tbody tr", 3);
        await console.Page.Locator($"tr.ops-row-cursor[data-suggestion='{ids[4]}']").WaitForAsync();
        await console.ScreenshotAsync("url-suggestions-link");
    }

    [Fact]
    public async Task TaskBoard_TheChosenWorker_LivesInTheAddress()
    {
        const string assigned = "[data-testid=assigned-tasks] tbody tr";
        await using var console = await OpenAsync("supervisor", "/dispatch/tasks");
        await CountAsync(console, assigned, 2);

        await console.Page.Locator("[data-testid=workers] button", new() { HasTextString = "w-1" }).ClickAsync();
        await AtAsync(console, "/dispatch/tasks?worker_id=w-1");
        await CountAsync(console, assigned, 1);
        (await console.Page.Locator(assigned).InnerTextAsync()).Should().Contain("w-1");

        await ReloadAsync(console);
        await CountAsync(console, assigned, 1);
        await console.Page.Locator("[data-testid=workers] tr.ops-row-cursor[data-worker=w-1]").WaitForAsync();
        await console.ScreenshotAsync("url-taskboard-worker");

        await BackAsync(console);
        await AtAsync(console, "/dispatch/tasks");
        await CountAsync(console, assigned, 2);

        await GotoAsync(console, "/dispatch/tasks?worker_id=w-2");
        await CountAsync(console, assigned, 1);
        (await console.Page.Locator(assigned).InnerTextAsync()).Should().Contain("w-2");
    }

    [Fact]
    public async Task Hostlers_StatusSearchPageAndTheOpenTask_LiveInTheAddress()
    {
        await using var console = await OpenAsync("operator", "/yard");
        var pager = console.Page.Locator("[data-testid=workbasket-pager]");
        await pager.WaitForAsync(new() { Timeout = 10_000 });
        var status = await console.Page.Locator("[data-hostler]").First.GetAttributeAsync("data-status");

        await console.Page.Locator("[data-testid=status-chips] .mud-chip", new() { HasTextString = status! }).ClickAsync();
        await AtAsync(console, $"/yard?status={status}");
        await console.Page.WaitForFunctionAsync("s => [...document.querySelectorAll('[data-hostler]')].every(c => c.dataset.status === s)", status);
        await pager.GetByRole(AriaRole.Button, new() { Name = "Page 2", Exact = true }).ClickAsync();
        await AtAsync(console, $"/yard?status={status}&page=2");
        await console.Page.Locator("[data-testid=workbasket-pager]:has-text('101–130 of 130')").WaitForAsync();
        var row = console.Page.Locator("[data-testid=workbasket] tbody tr").First;
        var task = await row.GetAttributeAsync("data-task");
        await row.ClickAsync();
        await AtAsync(console, $"/yard?status={status}&page=2&task_id={task}");
        await console.Page.Locator("[data-testid=task-drawer] h2", new() { HasTextString = $"Task {task}" }).WaitForAsync();

        await ReloadAsync(console);
        await console.Page.Locator("[data-testid=task-drawer] h2", new() { HasTextString = $"Task {task}" }).WaitForAsync(new() { Timeout = 10_000 });
        await console.Page.Locator("[data-testid=workbasket-pager]:has-text('101–130 of 130')").WaitForAsync();

        await BackAsync(console);
        await AtAsync(console, $"/yard?status={status}&page=2");
        await console.Page.Locator("[data-testid=task-drawer]").WaitForAsync(new() { State = WaitForSelectorState.Detached });

        // A colleague's link to one task: found by the search, open.
        await GotoAsync(console, $"/yard?q={task}&task_id={task}");
        await console.Page.Locator("[data-testid=task-drawer] h2", new() { HasTextString = $"Task {task}" }).WaitForAsync(new() { Timeout = 10_000 });
        await CountAsync(console, "[data-testid=workbasket] tbody tr", 1);
        await console.ScreenshotAsync("url-hostlers-link");
    }

    [Fact]
    public async Task MissingData_RangeAndBranch_AreWrittenToTheAddress()
    {
        const string cells = "[data-testid=heatmap] td.hm-cell";
        await using var console = await OpenAsync("admin", "/etl/missing");
        await CountAsync(console, cells, 2 * 30);

        await console.Page.GetByRole(AriaRole.Button, new() { Name = "7 days" }).ClickAsync();
        await AtAsync(console, "/etl/missing?days=7");
        await CountAsync(console, cells, 2 * 7);
        await console.Page.Locator(".ops-filters .mud-input-control:has(label:text-is('Branch')) input").PressSequentiallyAsync("B004", new() { Delay = 100 });
        await AtAsync(console, "/etl/missing?days=7&branch=B004");
        await CountAsync(console, cells, 7);

        await ReloadAsync(console);
        await CountAsync(console, cells, 7);
        (await console.Page.Locator(".ops-filters .mud-input-control:has(label:text-is('Branch')) input").InputValueAsync()).Should().Be("B004");

        await BackAsync(console);
        await AtAsync(console, "/etl/missing?days=7");
        await CountAsync(console, cells, 2 * 7);

        var start = Today.AddDays(-2).ToString("yyyy-MM-dd");
        await GotoAsync(console, $"/etl/missing?start={start}&end={Today:yyyy-MM-dd}");
        await CountAsync(console, cells, 2 * 3);
        (await console.Page.Locator("[data-testid=from] input, input[data-testid=from]").First.InputValueAsync()).Should().Be(start);
    }

    [Fact]
    public async Task Alerts_ModuleStateAndSeverity_LiveInTheAddress()
    {
        const string rows = "[data-testid=alerts-table] tbody tr:has([data-state])";
        var ordinary = OpsConsole.Core.Shared.Alerts.AlertSeverity.Warning;
        await app.Alerts.RaiseAsync(new("etl", "url-test-etl", ordinary, "URL test ETL alert", "for the address test"), TestContext.Current.CancellationToken);
        await app.Alerts.RaiseAsync(new("yard", "url-test-yard", ordinary, "URL test yard alert", "for the address test"), TestContext.Current.CancellationToken);
        await app.Alerts.RaiseAsync(new("yard", "url-test-gone", ordinary, "URL test resolved alert", "for the address test"), TestContext.Current.CancellationToken);
        await app.Alerts.ClearAsync("yard", "url-test-gone", TestContext.Current.CancellationToken);
        await using var console = await OpenAsync("operator", "/alerts");
        await console.Page.Locator(rows).First.WaitForAsync();

        // Every state: the modules' own checks resolve made-up alerts whose cause they do not see.
        await ChooseAsync(console, "State", "Any state");
        await AtAsync(console, "/alerts?state=all");
        await console.Page.Locator(rows, new() { HasTextString = "URL test resolved alert" }).WaitForAsync();

        await ChooseAsync(console, "Module", "Yard");
        await AtAsync(console, "/alerts?module=yard&state=all");
        await console.Page.WaitForFunctionAsync($"() => {{ const r = [...document.querySelectorAll('{rows}')]; return r.some(x => x.innerText.includes('URL test yard')) && r.every(x => !x.innerText.includes('URL test ETL')); }}");

        await ReloadAsync(console);
        await console.Page.Locator(rows, new() { HasTextString = "URL test yard alert" }).WaitForAsync();
        (await console.Page.Locator(rows, new() { HasTextString = "URL test ETL alert" }).CountAsync()).Should().Be(0);
        await BackAsync(console);
        await AtAsync(console, "/alerts?state=all");

        // The ETL module's own check may have resolved the made-up alert by now: a colleague's link asks for every state.
        await GotoAsync(console, "/alerts?module=etl&state=all&severity=loud");
        await console.Page.GetByText("Ignored in the address: severity must be one of").WaitForAsync();
        await AtAsync(console, "/alerts?module=etl&state=all");
        await console.Page.Locator(rows, new() { HasTextString = "URL test ETL alert" }).WaitForAsync();
    }
}
