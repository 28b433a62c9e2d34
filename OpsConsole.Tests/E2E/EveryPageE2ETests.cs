using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OpsConsole.Simulators.Etl;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// Every page and the main dialogs, as an admin, at 1440 and 768 px wide, in light and in dark mode (ADR 0023): no
/// serious or critical axe finding, one main landmark, no page that scrolls sideways, and at 768 px nothing a finger
/// presses under 40 px. The pages are the admin's navigation links (a page a module adds later is covered without a
/// change here) plus the detail and account pages below; every view is saved as a screenshot to look at.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EveryPageE2ETests(BrowserFixture browser, EveryPageE2ETests.App app) : IClassFixture<EveryPageE2ETests.App>
{
    /// <summary>One console with something on every page: two branches with a fetched day and missing ones, waiting and
    /// approved suggestions, an open backlog alert, the simulated yard.</summary>
    public sealed class App : OpsAppFactory, IAsyncLifetime
    {
        private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

        public App() : base(settings: new Dictionary<string, string?>
        {
            ["Etl:FileStore"] = Path.Combine(TestDatabases.NewTempFolder(), "files"),
            ["Dispatch:AlertPendingSuggestions"] = "3",
        })
        {
        }

        public string BaseUrl { get; private set; } = "";

        /// <summary>A job that ran, for the job detail page.</summary>
        public string JobId { get; private set; } = "";

        public async ValueTask InitializeAsync()
        {
            BaseUrl = StartKestrel();
            using var admin = await ApiClients.SignedInAsync(BaseUrl, "admin");
            foreach (var id in new[] { "B001", "B004" })
            {
                (await admin.PostAsJsonAsync("/api/branches", new
                {
                    id, name = $"Shop {id}", pos_count = 1, active_from = Today.AddDays(-6).ToString("yyyy-MM-dd"),
                    parser_config = JsonDocument.Parse(EtlFileHostSimulator.ParserFor(id).ToJson()).RootElement,
                })).EnsureSuccessStatusCode();
            }
            var fetch = await admin.PostAsJsonAsync("/api/jobs/fetch", new { branch = "B001", pos = 1, date = Today.AddDays(-1).ToString("yyyy-MM-dd") });
            fetch.EnsureSuccessStatusCode();
            JobId = (await fetch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetString()!;

            using var ml = await ApiClients.SignedInAsync(BaseUrl, "mlengine");
            var suggested = await ml.PostAsJsonAsync("/api/suggestions", Enumerable.Range(1, 6)
                .Select(i => new { from_station_id = 10 + i, to_station_id = 20 + i, qty = i + 2, reason = $"Station {10 + i} forecast full within {10 * i} min" }));
            suggested.EnsureSuccessStatusCode();
            var ids = (await suggested.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToList();
            using var supervisor = await ApiClients.SignedInAsync(BaseUrl, "supervisor");
            foreach (var id in ids.Take(2))
            {
                (await supervisor.PostAsJsonAsync("/api/task/approve", new { suggestion_id = id })).EnsureSuccessStatusCode();
            }
            (await admin.PostAsync("/api/scheduler/jobs/dispatch.backlog-alerts/run", null)).EnsureSuccessStatusCode();

            await Until.TrueAsync(async () => (await admin.GetFromJsonAsync<JsonElement>($"/api/jobs/{JobId}")).GetProperty("job").GetProperty("status").GetString() is "succeeded" or "failed",
                "the fetched job to finish");
            await Until.TrueAsync(async () => (await admin.GetFromJsonAsync<JsonElement>("/api/alerts")).GetProperty("total").GetInt32() > 0,
                "the backlog alert");
        }
    }

    private const int Wide = 1440, Tablet = 768;

    /// <summary>Pages the navigation does not list: a detail page, and the shell's answers to a wrong address or role.</summary>
    private IEnumerable<string> PagesBeyondTheNavigation => [$"/etl/jobs/{app.JobId}", "/no/such/page", "/account/denied"];

    /// <summary>The main dialogs and panels, each opened from its page as a person would.</summary>
    private static readonly (string Name, string Path, Func<IPage, Task> Open)[] Dialogs =
    [
        ("branch-editor", "/etl/branches", async p =>
        {
            await p.Locator("[data-testid=branches-table] tbody tr").First.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
            await p.Locator(".mud-dialog [data-testid=test-parse-summary], .mud-dialog").First.WaitForAsync();
        }),
        ("reject-suggestion", "/dispatch/suggestions", async p =>
        {
            await p.Locator("[data-suggestion]").First.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
            await p.Locator("[data-testid=reject-reason]").WaitForAsync();
        }),
        ("queue-cells", "/etl/missing", async p =>
        {
            await p.ClickAsync("[data-testid=select-missing]");
            await p.ClickAsync("[data-testid=queue-selected]");
            await p.Locator("[data-testid=confirm-queue]").WaitForAsync();
        }),
        ("new-user", "/admin/users", async p =>
        {
            await p.ClickAsync("[data-testid=new-user]");
            await p.Locator("[data-testid=new-user-name]").WaitForAsync();
        }),
        ("reset-password", "/admin/users", async p =>
        {
            await p.Locator("[data-user=viewer]").GetByRole(AriaRole.Button, new() { Name = "Reset password" }).ClickAsync();
            await p.Locator(".mud-dialog").WaitForAsync();
        }),
        ("shortcut-sheet", "/", async p =>
        {
            await p.Keyboard.PressAsync("?");
            await p.Locator("[data-testid=shortcut-sheet]").WaitForAsync();
        }),
        ("user-menu", "/", async p =>
        {
            await p.ClickAsync("[data-testid=user-menu]");
            await p.Locator("[data-testid=user-menu-list]").WaitForAsync();
        }),
        ("task-drawer", "/yard", async p =>
        {
            await p.Locator("[data-testid=workbasket] tr[data-task]").First.ClickAsync();
            await p.Locator("[data-testid=task-drawer]").WaitForAsync();
        }),
    ];

    [Fact]
    public Task EveryPageAndDialog_InLightMode_HasNoSeriousFindings_AMainLandmark_AndFitsATablet() => SweepAsync(dark: false);

    [Fact]
    public Task EveryPageAndDialog_InDarkMode_HasNoSeriousFindings_AMainLandmark_AndFitsATablet() => SweepAsync(dark: true);

    private async Task SweepAsync(bool dark)
    {
        var mode = dark ? "dark" : "light";
        var problems = new List<string>();
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = Wide, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        try
        {
            var page = await context.NewPageAsync();
            var console = new ConsolePage(page, app.BaseUrl);

            // The sign-in page is served before anyone is signed in, in the console's one look.
            foreach (var width in new[] { Wide, Tablet })
            {
                await page.SetViewportSizeAsync(width, 900);
                await console.GotoAsync("/account/login");
                await CheckAsync(page, "/account/login", width, mode, "page-sign-in", problems);
            }

            await page.SetViewportSizeAsync(Wide, 900);
            await console.SignInAsync("admin", OpsAppFactory.Password);
            if (await page.GetAttributeAsync(".ops-shell", "data-theme") != mode)
            {
                await page.ClickAsync("[data-testid=theme-toggle]");
                await page.Locator($".ops-shell[data-theme={mode}]").WaitForAsync();
            }

            var navigation = await page.EvalOnSelectorAllAsync<string[]>("nav[aria-label=Main] a[href]:not([target=_blank])",
                "links => links.map(a => a.getAttribute('href'))");
            navigation.Should().Contain(["/", "/alerts", "/etl/jobs", "/yard", "/dispatch/suggestions", "/admin/users", "/settings"],
                "the admin's navigation lists every page");

            foreach (var path in navigation.Distinct().Concat(PagesBeyondTheNavigation))
            {
                foreach (var width in new[] { Wide, Tablet })
                {
                    await page.SetViewportSizeAsync(width, 900);
                    await console.GotoAsync(path);
                    await SettledAsync(page, interactive: !path.StartsWith("/account/"));
                    await CheckAsync(page, path, width, mode, "page-" + Slug(path), problems);
                }
            }

            foreach (var (name, path, open) in Dialogs)
            {
                foreach (var width in new[] { Wide, Tablet })
                {
                    await page.SetViewportSizeAsync(width, 900);
                    await console.GotoAsync(path);
                    await SettledAsync(page, interactive: true);
                    await open(page);
                    await CheckAsync(page, $"{path} with the {name} open", width, mode, "dialog-" + name, problems);
                }
            }
        }
        finally
        {
            await context.CloseAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        problems.Should().BeEmpty($"every page and dialog in {mode} mode must pass");
    }

    /// <summary>The page is interactive and has drawn its data (no loading state left).</summary>
    private static async Task SettledAsync(IPage page, bool interactive)
    {
        if (interactive)
        {
            await page.WaitForSelectorAsync("html[data-circuit=live]", new() { State = WaitForSelectorState.Attached });
        }
        await page.WaitForFunctionAsync("() => document.querySelector('h1') && !document.querySelector('.ops-loading, .mud-table-loading')"
            + " && !(document.querySelector('main')?.innerText ?? '').includes('Loading…')");
    }

    private static async Task CheckAsync(IPage page, string what, int width, string mode, string shot, List<string> problems)
    {
        var where = $"{what} at {width} px in {mode} mode";
        foreach (var finding in Serious(await page.RunAxe()))
        {
            problems.Add($"{where}: {finding}");
        }
        if (await page.Locator("main").CountAsync() != 1)
        {
            problems.Add($"{where}: not exactly one <main> landmark");
        }
        if (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > document.documentElement.clientWidth"))
        {
            problems.Add($"{where}: the page scrolls sideways (a table or a row does not fit and is not in a scroll region)");
        }
        if (width == Tablet)
        {
            foreach (var target in await page.EvaluateAsync<string[]>(SmallTargets))
            {
                problems.Add($"{where}: touch target under 40 px: {target}");
            }
        }
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(BrowserFixture.ArtifactsFolder, $"{shot}-{width}-{mode}.png"),
            FullPage = true,
        });
    }

    private static IEnumerable<string> Serious(AxeResult result) =>
        result.Violations.Where(v => v.Impact is "critical" or "serious")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))}");

    /// <summary>
    /// What a finger presses (buttons, links that stand alone, check boxes, switches, chips, menu items) and is shown, with
    /// its box (or its label's, when a label wraps it) under 40 px either way. Links inside running text are WCAG's inline
    /// exception; the heatmap's day cells are a dense grid of their own (ADR 0023).
    /// </summary>
    private const string SmallTargets = """
        () => {
          const small = [];
          for (const el of document.querySelectorAll('button, a[href], input[type=checkbox], input[type=radio], select, summary, [role=button], [role=menuitem], [role=option], [role=tab], [role=switch]')) {
            const style = getComputedStyle(el);
            if (style.visibility === 'hidden' || style.display === 'none' || el.disabled || el.closest('.hm-table')) continue;
            if (el.tagName === 'A' && style.display === 'inline') continue;
            let box = el.getBoundingClientRect();
            const label = el.closest('label');
            if (label) { const around = label.getBoundingClientRect(); if (around.width * around.height > box.width * box.height) box = around; }
            if (box.width < 2 || box.height < 2 || box.right <= 0 || box.left >= innerWidth) continue;
            if (box.width < 39.5 || box.height < 39.5) {
              small.push(`${Math.round(box.width)}x${Math.round(box.height)} ${el.outerHTML.slice(0, 120)}`);
            }
          }
          return small;
        }
        """;

    private static string Slug(string path) =>
        path == "/" ? "dashboard" : string.Join('-', path.Trim('/').Split('/', '?').Select(s => Guid.TryParse(s, out _) ? "detail" : s));
}
