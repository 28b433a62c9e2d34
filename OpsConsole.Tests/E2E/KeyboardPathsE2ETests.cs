using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OpsConsole.Simulators.Etl;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// The keyboard paths of a shift (ADR 0019): g then a letter reaches every page and never fires while typing; the
/// heatmap's cells are reached, selected and queued by keyboard; on suggestions the cursor follows a suggestion, not
/// a row position, so `a` approves the one that is highlighted; `r` puts the focus in the reason and Enter rejects.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyboardPathsE2ETests(BrowserFixture browser, KeyboardPathsE2ETests.App app) : IClassFixture<KeyboardPathsE2ETests.App>
{
    /// <summary>One console for the class, with two branches whose last seven days have no data yet.</summary>
    public sealed class App : OpsAppFactory, IAsyncLifetime
    {
        public static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

        public App() : base(settings: new Dictionary<string, string?> { ["Etl:FileStore"] = Path.Combine(TestDatabases.NewTempFolder(), "files") })
        {
        }

        public string BaseUrl { get; private set; } = "";

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
        }
    }

    /// <summary>Every page a shift moves between, and the keys that reach it.</summary>
    private static readonly (string Key, string Path)[] Destinations =
    [
        ("j", "/etl/jobs"), ("m", "/etl/missing"), ("r", "/etl/records"), ("f", "/etl/files"), ("b", "/etl/branches"),
        ("h", "/yard"), ("y", "/settings"), ("p", "/dispatch/suggestions"), ("t", "/dispatch/tasks"),
        ("l", "/alerts"), ("a", "/audit"), ("s", "/scheduler"), ("u", "/admin/users"), ("i", "/admin/simulators"), (",", "/settings"), ("d", "/"),
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GThenALetter_ReachesEveryPage_AndEveryOneIsListedOnTheSheet()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync("admin", OpsAppFactory.Password);
        var page = console.Page;

        await page.Keyboard.PressAsync("?");
        var sheet = page.Locator("[data-testid=shortcut-sheet]");
        await sheet.WaitForAsync();
        foreach (var (key, _) in Pairs())
        {
            (await sheet.Locator($"tr[data-keys='g {key}']").CountAsync()).Should().Be(1, $"g {key} is on the sheet");
        }
        await console.ScreenshotAsync("shortcut-sheet-admin");
        await page.Keyboard.PressAsync("Escape");
        await page.Locator(".mud-dialog-container").WaitForAsync(new() { State = WaitForSelectorState.Detached });

        foreach (var (key, path) in Pairs())
        {
            await page.Keyboard.PressAsync("g");
            await page.Keyboard.PressAsync(key);
            await Until.TrueAsync(async () => await PathAsync(page) == path, $"g {key} to open {path}", TimeSpan.FromSeconds(10));
            await page.Locator("h1").First.WaitForAsync();
        }
    }

    [Fact]
    public async Task GSequences_DoNotFireWhileTyping_AndAnAdminPageIsNotOpenedForAViewer()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync("viewer", OpsAppFactory.Password);
        var page = console.Page;
        await console.GotoAsync("/audit");
        await console.WaitUntilLiveAsync();
        await page.Locator("[data-testid=audit-table]").WaitForAsync();

        // "g" pressed outside a field, then typing "a" and "gs" in one: text, not shortcuts.
        await page.Keyboard.PressAsync("g");
        var text = page.GetByLabel("Entity type");
        await text.FocusAsync();
        await page.Keyboard.TypeAsync("agsgd");
        (await text.InputValueAsync()).Should().Contain("agsgd");
        (await PathAsync(page)).Should().Be("/audit");

        await page.EvaluateAsync("() => document.activeElement.blur()");
        await page.Keyboard.PressAsync("g");
        await page.Keyboard.PressAsync("u");
        await page.GetByText("that page is not available to your role").WaitForAsync();
        (await PathAsync(page)).Should().Be("/audit");
        await page.Keyboard.PressAsync("?");
        var sheet = page.Locator("[data-testid=shortcut-sheet]");
        await sheet.WaitForAsync();
        (await sheet.Locator("tr[data-keys='g u']").CountAsync()).Should().Be(0, "the sheet lists only what the role may open");
        (await sheet.Locator("tr[data-keys='g a']").CountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Heatmap_CellsAreReachedSelectedAndQueuedByKeyboard()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync("admin", OpsAppFactory.Password);
        var page = console.Page;
        await console.GotoAsync("/etl/missing");
        await console.WaitUntilLiveAsync();
        await page.Locator("td.hm-missing").First.WaitForAsync();

        await TabToAsync(page, "td.hm-cell");
        (await FocusedCellAsync(page)).Should().Be("0:0", "the grid is one tab stop, on its first cell");
        var lastDay = await page.Locator("tr[data-row] >> nth=0").Locator("td[data-c]").CountAsync() - 1;
        await page.Keyboard.PressAsync("End");
        (await FocusedCellAsync(page)).Should().Be($"0:{lastDay}");
        await page.Keyboard.PressAsync(" ");
        await page.Locator($"td[data-c='0:{lastDay}'].is-selected").WaitForAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator($"td[data-c='1:{lastDay}'].is-selected").WaitForAsync();
        await page.Keyboard.PressAsync("ArrowLeft");
        (await FocusedCellAsync(page)).Should().Be($"1:{lastDay - 1}");
        await page.Keyboard.PressAsync(" ");
        await page.GetByText("Queue 3 selected").WaitForAsync();
        await page.Keyboard.PressAsync(" ");
        await page.GetByText("Queue 2 selected").WaitForAsync();
        (await page.Locator("td[data-c][tabindex='0']").CountAsync()).Should().Be(1, "one tab stop, wherever the focus went");
        await console.ScreenshotAsync("heatmap-keyboard-selection");
        // The grid's roles and states hold up (contrast is issue 17's accessibility item, not this one's).
        var axe = await page.RunAxe();
        axe.Violations.Where(v => v.Impact is "serious" or "critical" && v.Id != "color-contrast")
            .Select(v => $"{v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Take(2).Select(n => n.Html))}").Should().BeEmpty();

        await page.FocusAsync("[data-testid=queue-selected]");
        await page.Keyboard.PressAsync("Enter");
        await page.GetByText("Missing only: 2 jobs").WaitForAsync();
        await page.ClickAsync("[data-testid=confirm-queue]");
        await page.GetByText("Queued 2 jobs").WaitForAsync();
    }

    [Fact]
    public async Task Suggestions_NewestFirst_TheCursorStaysOnItsSuggestionAsNewOnesArrive_AndAApprovesThatOne()
    {
        var (older, middle, newer) = await SuggestThreeAsync(201);
        await using var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync("supervisor", OpsAppFactory.Password);
        var page = console.Page;
        await console.GotoAsync("/dispatch/suggestions");
        await console.WaitUntilLiveAsync();
        await page.Locator($"[data-suggestion='{newer}']").WaitForAsync();
        await SortNewestFirstAsync(page);
        await page.Locator("tbody tr").First.And(page.Locator($"[data-suggestion='{newer}']")).WaitForAsync();

        // A click puts the cursor on the middle one, the second row; j and k move it by a row.
        await page.Locator($"[data-suggestion='{middle}'] td.num").First.ClickAsync();
        await page.Locator($"tr[data-cursor='{middle}']").WaitForAsync();
        await page.Keyboard.PressAsync("j");
        await page.Locator($"tr[data-cursor='{older}']").WaitForAsync();
        await page.Keyboard.PressAsync("k");
        await page.Locator($"tr[data-cursor='{middle}']").WaitForAsync();

        var arrived = await SuggestAsync((301, 311, 1), (302, 312, 1));
        await page.Locator($"[data-suggestion='{arrived[1]}']").WaitForAsync();
        (await page.Locator("tr[data-cursor]").GetAttributeAsync("data-suggestion")).Should().Be(middle.ToString(),
            "the highlight follows the suggestion, not the row position the new ones pushed it from");
        (await page.Locator("[data-testid=cursor-note]").InnerTextAsync()).Should().Contain("2 new suggestions arrived").And.Contain($"stays on #{middle}");
        await console.ScreenshotAsync("suggestions-cursor-follows");

        await page.Keyboard.PressAsync("a");
        await page.GetByText("1 suggestion approved").WaitForAsync();
        var pending = await PendingAsync();
        pending.Should().NotContain(middle, "the highlighted suggestion is the one approved");
        pending.Should().Contain([older, newer, arrived[0], arrived[1]], "nothing nobody looked at was approved");
        (await page.Locator("tr[data-cursor]").GetAttributeAsync("data-suggestion")).Should().Be(older.ToString(),
            "after a decision the cursor goes to the next row that was on screen, not to a row that arrived");
    }

    [Fact]
    public async Task Suggestions_RPutsTheFocusInTheReason_ShiftEnterAddsALine_AndEnterRejects()
    {
        var (first, _, _) = await SuggestThreeAsync(401);
        await using var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync("supervisor", OpsAppFactory.Password);
        var page = console.Page;
        await console.GotoAsync("/dispatch/suggestions");
        await console.WaitUntilLiveAsync();
        await page.Locator($"[data-suggestion='{first}']").ClickAsync();
        await page.Locator($"tr[data-cursor='{first}']").WaitForAsync();

        await page.Keyboard.PressAsync("r");
        await page.GetByText($"Reject suggestion {first}").WaitForAsync();
        await Until.TrueAsync(async () => await page.EvaluateAsync<bool>("() => document.activeElement?.tagName === 'TEXTAREA'"),
            "the focus in the reason field", TimeSpan.FromSeconds(5));

        await page.Keyboard.PressAsync("Enter");
        await page.GetByText("reason is required when rejecting.").WaitForAsync();
        await page.Keyboard.TypeAsync("dock 4 closed");
        await page.Keyboard.PressAsync("Shift+Enter");
        await page.Keyboard.TypeAsync("until Friday");
        (await page.EvaluateAsync<string>("() => document.activeElement.value")).Should().Be("dock 4 closed\nuntil Friday");
        await console.ScreenshotAsync("suggestions-reject-reason");
        await page.Keyboard.PressAsync("Enter");
        await page.GetByText("1 suggestion rejected").WaitForAsync();

        (await PendingAsync()).Should().NotContain(first);
        using var viewer = await ApiClients.SignedInAsync(app.BaseUrl, "viewer");
        var log = await viewer.GetFromJsonAsync<JsonElement>("/api/audit?module=dispatch&text=until%20Friday", Ct);
        log.GetProperty("items")[0].GetProperty("after").GetString().Should().Contain("dock 4 closed").And.Contain("until Friday");
    }

    private static IEnumerable<(string Key, string Path)> Pairs() => Destinations;

    private async Task<(long Older, long Middle, long Newer)> SuggestThreeAsync(int station)
    {
        var ids = await SuggestAsync((station, station + 10, 2), (station + 1, station + 11, 3), (station + 2, station + 12, 4));
        return (ids[0], ids[1], ids[2]);
    }

    private async Task<long[]> SuggestAsync(params (int From, int To, int Qty)[] moves)
    {
        using var ml = await ApiClients.SignedInAsync(app.BaseUrl, "mlengine");
        var response = await ml.PostAsJsonAsync("/api/suggestions",
            moves.Select(m => new { from_station_id = m.From, to_station_id = m.To, qty = m.Qty, reason = $"{m.From} is full" }), Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToArray();
    }

    private async Task<long[]> PendingAsync()
    {
        using var viewer = await ApiClients.SignedInAsync(app.BaseUrl, "viewer");
        var pending = await viewer.GetFromJsonAsync<JsonElement>("/api/suggestions", Ct);
        return pending.EnumerateArray().Select(s => s.GetProperty("id").GetInt64()).ToArray();
    }

    private static async Task SortNewestFirstAsync(IPage page)
    {
        await page.Locator("div.mud-select", new() { HasText = "Sort" }).Last.ClickAsync();
        await page.GetByText("Newest first").Last.ClickAsync();
    }

    private static Task<string> PathAsync(IPage page) => page.EvaluateAsync<string>("() => location.pathname");

    private static Task<string?> FocusedCellAsync(IPage page) => page.EvaluateAsync<string?>("() => document.activeElement?.dataset.c");

    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var presses = 0; presses < 80; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"() => !!document.activeElement?.matches('{selector}')"))
            {
                return;
            }
        }
        throw new InvalidOperationException($"Tab never reached {selector}");
    }
}
