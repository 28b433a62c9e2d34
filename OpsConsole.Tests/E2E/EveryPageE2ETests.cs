using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OpsConsole.Simulators.Etl;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// Every page (light mode at 768 px, dark mode at 1440 px) and the main dialogs at 768 px in both modes, as an admin (ADR 0023):
/// no serious or critical axe finding (axe-core from the Deque.AxeCore package, run inside the page: no network), one
/// main landmark, no page that scrolls sideways, and at 768 px nothing a finger presses under 40 px. The pages are the
/// admin's navigation links (a page a module adds later is covered without a change here) plus the detail, settings
/// and account pages below; every view is saved to TestResults/artifacts/screenshots to look at.
/// </summary>
[Collection(SweepBrowserCollection.Name)]
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

    /// <summary>Each check has its own bound, so a wedged page fails naming itself instead of hanging the run.</summary>
    private static readonly TimeSpan CheckBound = TimeSpan.FromSeconds(90);

    /// <summary>Pages the navigation does not list: a detail page, the yard's settings, and the shell's answers to a wrong
    /// address or role.</summary>
    private IEnumerable<string> PagesBeyondTheNavigation => [$"/etl/jobs/{app.JobId}", "/yard/settings", "/no/such/page", "/account/denied"];

    /// <summary>The main dialogs and panels, each opened from its page as a person would.</summary>
    private static readonly (string Name, string Path, Func<IPage, Task> Open)[] Dialogs =
    [
        ("branch-editor", "/etl/branches", async p =>
        {
            await p.Locator("[data-testid=branches-table] tbody tr").First.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
            await p.Locator(".mud-dialog").WaitForAsync();
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
        ("fetch-now", "/etl/jobs", async p =>
        {
            await p.ClickAsync("[data-testid=fetch-now]");
            await p.Locator("[data-testid=fetch-branch]").WaitForAsync();
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
        ("schedule-editor", "/maintenance/schedules", async p =>
        {
            await p.ClickAsync("[data-testid=new-schedule]");
            await p.Locator("[data-testid=schedule-title]").WaitForAsync();
        }),
        ("code-editor", "/maintenance/codes", async p =>
        {
            await p.ClickAsync("[data-testid=new-code]");
            await p.Locator("[data-testid=code-label]").WaitForAsync();
        }),
        ("saved-views", "/maintenance/tickets", async p =>
        {
            await p.ClickAsync("[data-testid=views-menu] button");
            await p.ClickAsync("[data-testid=save-view]");
            await p.Locator("[data-testid=view-name]").WaitForAsync();
        }),
    ];

    /// <summary>
    /// Two sweeps, each a couple of minutes on a busy machine: light mode on a tablet and dark mode wide. What a sweep
    /// checks depends on the mode (colour contrast) or on the width (overflow, touch targets, landmarks), never on both,
    /// so these two cover what all four pairs did in half the time of the suite's longest stretch.
    /// </summary>
    [Theory]
    [InlineData("light", Tablet)]
    [InlineData("dark", Wide)]
    public Task EveryPage_HasNoSeriousFindings_OneMainLandmark_AndFits(string mode, int width) => SweepPagesAsync(mode == "dark", width);

    [Fact]
    public Task MainDialogs_InLightMode_HaveNoSeriousFindings_AndFitATablet() => SweepDialogsAsync(dark: false);

    [Fact]
    public Task MainDialogs_InDarkMode_HaveNoSeriousFindings_AndFitATablet() => SweepDialogsAsync(dark: true);

    /// <summary>At 768 px every hostler card shows its current move whole: no place name is clipped or cut by an ellipsis.</summary>
    [Fact]
    public async Task Hostlers_OnATablet_ShowEveryMoveWhole()
    {
        await using var console = await SignedInAsync(dark: false);
        await console.Page.SetViewportSizeAsync(Tablet, 900);
        await console.GotoAsync("/yard");
        await SettledAsync(console.Page, interactive: true);
        await console.Page.Locator(".yard-card [data-destination]").First.WaitForAsync();

        var cut = await console.Page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('.yard-card__task')].filter(task => {
              const card = task.closest('.yard-card').getBoundingClientRect();
              const inside = [...task.querySelectorAll('.yard-place')].every(place => {
                const box = place.getBoundingClientRect();
                return box.left >= card.left - 0.5 && box.right <= card.right + 0.5 && place.scrollWidth <= Math.ceil(box.width) + 1;
              });
              return !inside || task.scrollWidth > task.clientWidth + 1;
            }).map(task => task.innerText)
            """);
        cut.Should().BeEmpty("every hostler's origin and destination are readable on a tablet");
        (await console.Page.Locator(".yard-card [data-destination]").CountAsync()).Should().BeGreaterThan(0, "the simulated yard has hostlers on a task");
    }

    private async Task SweepPagesAsync(bool dark, int width)
    {
        var mode = dark ? "dark" : "light";
        var problems = new List<string>();
        await using var console = await SignedInAsync(dark);
        var page = console.Page;

        var navigation = await page.EvalOnSelectorAllAsync<string[]>("nav[aria-label=Main] a[href]:not([target=_blank])",
            "links => links.map(a => a.getAttribute('href'))");
        navigation.Should().Contain(["/", "/alerts", "/etl/jobs", "/yard", "/dispatch/suggestions", "/admin/users", "/settings"],
            "the admin's navigation lists every page");

        await page.SetViewportSizeAsync(width, 900);
        foreach (var path in navigation.Distinct().Concat(PagesBeyondTheNavigation))
        {
            await CheckBounded(async () =>
            {
                await console.GotoAsync(path);
                await SettledAsync(page, interactive: !path.StartsWith("/account/"));
                await CheckAsync(page, path, width, mode, "page-" + Slug(path), problems);
            }, $"{path} at {width} px in {mode} mode");
        }

        // The sign-in page, once signed out, in the console's one look.
        await page.Context.ClearCookiesAsync();
        await console.GotoAsync("/account/login");
        await CheckAsync(page, "/account/login", width, mode, "page-sign-in", problems);
        problems.Should().BeEmpty($"every page at {width} px in {mode} mode must pass");
    }

    private async Task SweepDialogsAsync(bool dark)
    {
        var mode = dark ? "dark" : "light";
        var problems = new List<string>();
        await using var console = await SignedInAsync(dark);
        var page = console.Page;
        // A dialog is the same at both widths but for its size: it is checked where room is short.
        await page.SetViewportSizeAsync(Tablet, 900);
        foreach (var (name, path, open) in Dialogs)
        {
            await CheckBounded(async () =>
            {
                await console.GotoAsync(path);
                await SettledAsync(page, interactive: true);
                await open(page);
                // Behind a modal dialog the page is inert and dimmed by its overlay (axe would measure the page's colours
                // through the veil); the page itself was checked by the page sweeps, so axe reads the dialog alone.
                var modal = await page.Locator(".mud-dialog").CountAsync() > 0;
                await CheckAsync(page, $"{path} with the {name} open", Tablet, mode, "dialog-" + name, problems, wholePage: false,
                    axeScope: modal ? TheDialog : FirstRowsOfEachTable);
            }, $"the {name} in {mode} mode");
        }
        problems.Should().BeEmpty($"every main dialog in {mode} mode must pass");
    }

    /// <summary>An admin's console in the given mode (the mode is the user's own preference, so each sweep sets it).</summary>
    private async Task<ConsolePage> SignedInAsync(bool dark)
    {
        var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync("admin", OpsAppFactory.Password);
        var mode = dark ? "dark" : "light";
        if (await console.Page.GetAttributeAsync(".ops-shell", "data-theme") != mode)
        {
            await console.Page.ClickAsync("[data-testid=theme-toggle]");
            await console.Page.Locator($".ops-shell[data-theme={mode}]").WaitForAsync();
        }
        return console;
    }

    private static async Task CheckBounded(Func<Task> check, string what)
    {
        try
        {
            await check().WaitAsync(CheckBound);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Checking {what} took over {CheckBound.TotalSeconds:0} s", e);
        }
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

    /// <summary>
    /// axe looks at the first rows of each table only: the others are the same template with other values, and checking
    /// hundreds of alike cells would triple the sweep's time. Findings are the only results asked for, for the same reason.
    /// </summary>
    private static readonly AxeRunContext FirstRowsOfEachTable = new() { Exclude = [new AxeSelector("tbody > tr:nth-child(n+9)")] };

    private static readonly AxeRunContext TheDialog = new()
    {
        Include = [new AxeSelector(".mud-dialog")], Exclude = [new AxeSelector("tbody > tr:nth-child(n+9)")],
    };

    private static readonly AxeRunOptions FindingsOnly = new() { ResultTypes = [ResultType.Violations] };

    /// <summary>A full-page screenshot stops here: below it a long list only repeats its rows.</summary>
    private const int ScreenshotMaxHeight = 3600;

    private static async Task CheckAsync(IPage page, string what, int width, string mode, string shot, List<string> problems, bool wholePage = true,
        AxeRunContext? axeScope = null)
    {
        var where = $"{what} at {width} px in {mode} mode";
        foreach (var finding in Serious(await page.RunAxe(axeScope ?? FirstRowsOfEachTable, FindingsOnly)))
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
        // A dialog or a drawer floats over the page where the person is: the window is what they see.
        var height = wholePage ? await page.EvaluateAsync<int>("() => document.documentElement.scrollHeight") : 900;
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(BrowserFixture.ArtifactsFolder, $"{shot}-{width}-{mode}.png"),
            FullPage = wholePage,
            Clip = wholePage ? new Clip { X = 0, Y = 0, Width = width, Height = Math.Min(height, ScreenshotMaxHeight) } : null,
        });
    }

    private static IEnumerable<string> Serious(AxeResult result) =>
        result.Violations.Where(v => v.Impact is "critical" or "serious")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(" | ", v.Nodes.Take(3).Select(n => $"{string.Join(" ", n.Target)} {n.Html}"))}");

    /// <summary>
    /// What a finger presses (buttons, links that stand alone, check boxes, switches, chips, menu items) and is shown, with
    /// its box (or its label's, when a label wraps it) under 40 px either way. Links inside running text or a table's cell
    /// are WCAG's inline exception (a row of a dense table is read more than pressed); the heatmap's day cells are a dense
    /// grid of their own, reached by keyboard too (ADR 0023).
    /// </summary>
    private const string SmallTargets = """
        () => {
          const small = [];
          for (const el of document.querySelectorAll('button, a[href], input[type=checkbox], input[type=radio], select, summary, [role=button], [role=menuitem], [role=option], [role=tab], [role=switch]')) {
            const style = getComputedStyle(el);
            if (style.visibility === 'hidden' || style.display === 'none' || el.disabled || el.closest('.hm-table')) continue;
            if (el.tagName === 'A' && style.display === 'inline' && el.closest('p, td, th, li, dd')) continue;
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
