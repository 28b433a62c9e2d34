using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>A supervisor's approval page and task board in a real browser, fed live through the API.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DispatchE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new();
    private string _base = "";

    public ValueTask InitializeAsync()
    {
        _base = _app.StartKestrel();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private Task<HttpClient> ApiAsync(string user) => ApiClients.SignedInAsync(_base, user);

    private async Task<long[]> SuggestAsync(params (int From, int To, int Qty)[] moves)
    {
        using var ml = await ApiAsync("mlengine");
        var response = await ml.PostAsJsonAsync("/api/suggestions", moves.Select(m => new { from_station_id = m.From, to_station_id = m.To, qty = m.Qty, reason = $"{m.From} is full" }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToArray();
    }

    [Fact]
    public async Task Supervisor_SeesSuggestionsArriveLive_ApprovesWithTheKeyboard_AndRejectsWithAReason()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("supervisor", OpsAppFactory.Password);
        await console.GotoAsync("/dispatch/suggestions");
        await console.WaitUntilLiveAsync();
        await console.Page.GetByText("No suggestions waiting").WaitForAsync();

        var ids = await SuggestAsync((11, 21, 3), (12, 22, 4), (13, 23, 5));
        await console.Page.Locator($"[data-suggestion='{ids[2]}']").WaitForAsync();
        await console.ScreenshotAsync("suggestions-live");

        // Rows that arrived by themselves are announced, not highlighted (ADR 0019): j highlights the first, the oldest; "a" approves it.
        await console.Page.Locator("[data-testid=cursor-note]").GetByText("3 new suggestions arrived").WaitForAsync();
        await console.Page.Keyboard.PressAsync("j");
        await console.Page.Locator($"tr[data-cursor='{ids[0]}']").WaitForAsync();
        await console.Page.Keyboard.PressAsync("a");
        await console.Page.GetByText("1 suggestion approved").WaitForAsync();
        await console.Page.Locator($"[data-suggestion='{ids[0]}']").WaitForAsync(new() { State = WaitForSelectorState.Detached });

        // "r" asks for a reason and refuses an empty one.
        await console.Page.Keyboard.PressAsync("r");
        await console.Page.ClickAsync("[data-testid=reject-confirm]");
        await console.Page.GetByText("reason is required when rejecting.").WaitForAsync();
        await console.Page.Locator("[data-testid=reject-reason] textarea, textarea[data-testid=reject-reason]").First.FillAsync("dock closed for works");
        await console.Page.ClickAsync("[data-testid=reject-confirm]");
        await console.Page.GetByText("1 suggestion rejected").WaitForAsync();

        using var viewer = await ApiAsync("viewer");
        var pending = await viewer.GetFromJsonAsync<JsonElement>("/api/suggestions");
        pending.EnumerateArray().Select(s => s.GetProperty("id").GetInt64()).Should().Equal(ids[2]);
        var log = await viewer.GetFromJsonAsync<JsonElement>("/api/audit?module=dispatch&text=dock%20closed");
        log.GetProperty("total").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task DashboardTile_CountsWaitingReadyAndAssigned_Live_AndLinksToTheBoard()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("supervisor", OpsAppFactory.Password);
        await console.GotoAsync("/");
        await console.WaitUntilLiveAsync();
        var tile = console.Page.Locator("[data-testid=tile-dispatch]");
        string Figure(string label) => $".ops-figures > div:has(.ops-figure__label:text-is('{label}')) .ops-figure";
        await tile.Locator(Figure("suggestions waiting")).Filter(new() { HasText = "0" }).WaitForAsync();

        var ids = await SuggestAsync((51, 61, 2), (52, 62, 3));
        await tile.Locator(Figure("suggestions waiting")).Filter(new() { HasText = "2" }).WaitForAsync();
        using var supervisor = await ApiAsync("supervisor");
        (await supervisor.PostAsJsonAsync("/api/task/approve", new { suggestion_id = ids[0] })).EnsureSuccessStatusCode();
        await tile.Locator(Figure("suggestions waiting")).Filter(new() { HasText = "1" }).WaitForAsync();
        await tile.Locator(Figure("ready")).Filter(new() { HasText = "1" }).WaitForAsync();
        using var worker = await ApiAsync("worker");
        (await worker.PostAsJsonAsync("/api/dispatch/next", new { worker_id = "rider-3" })).EnsureSuccessStatusCode();
        await tile.Locator(Figure("assigned")).Filter(new() { HasText = "1" }).WaitForAsync();
        await tile.Locator(Figure("ready")).Filter(new() { HasText = "0" }).WaitForAsync();
        await console.ScreenshotAsync("dashboard-dispatch-tile");

        await tile.GetByRole(AriaRole.Link, new() { Name = "Task board" }).ClickAsync();
        await console.Page.WaitForURLAsync("**/dispatch/tasks");
    }

    [Fact]
    public async Task BoardLinksToWaitingSuggestions_BulkApprovalAsksWithTheCount_ThenTheBoardShowsWorkersLive()
    {
        var ids = await SuggestAsync((31, 41, 2), (32, 42, 2), (33, 43, 2), (34, 44, 9));
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("supervisor", OpsAppFactory.Password);
        // Before any approval the board says where its tasks come from, and links there.
        await console.GotoAsync("/dispatch/tasks");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("[data-testid=ready-empty]").GetByText("4 waiting for a decision").ClickAsync();
        await console.Page.WaitForURLAsync("**/dispatch/suggestions");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator($"[data-suggestion='{ids[3]}']").WaitForAsync();
        await console.Page.ClickAsync("[data-testid=approve-matching]");
        await console.Page.GetByText("Approve 4 suggestions?").WaitForAsync();
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Approve 4" }).ClickAsync();
        await console.Page.GetByText("4 suggestions approved").WaitForAsync();

        await console.GotoAsync("/dispatch/tasks");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("[data-count=ready]").Filter(new() { HasText = "4" }).WaitForAsync();

        using var worker = await ApiAsync("worker");
        var next = await worker.PostAsJsonAsync("/api/dispatch/next", new { worker_id = "rider-7" });
        next.EnsureSuccessStatusCode();
        await console.Page.Locator("[data-testid=assigned-tasks]").GetByText("rider-7").WaitForAsync();
        await console.Page.Locator("[data-count=ready]").Filter(new() { HasText = "3" }).WaitForAsync();
        await console.ScreenshotAsync("task-board-live");

        await console.Page.Locator("[data-testid=assigned-tasks]").GetByRole(AriaRole.Button, new() { Name = "Unassign" }).ClickAsync();
        await console.Page.Locator("[data-count=ready]").Filter(new() { HasText = "4" }).WaitForAsync();
    }

    [Fact]
    public async Task ThousandsWaiting_ThePageRendersTheFirstRows_SaysSo_AndStillDecidesAllMatching()
    {
        var count = SuggestionsPageRows + 50;
        await SuggestAsync([.. Enumerable.Range(0, count).Select(i => (1 + i % 7, 8 + i % 7, 1 + i % 5))]);
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("supervisor", OpsAppFactory.Password);
        await console.GotoAsync("/dispatch/suggestions");
        await console.WaitUntilLiveAsync();

        await console.Page.Locator("[data-testid=list-cap]").GetByText($"Showing the oldest {SuggestionsPageRows} of {count}.").WaitForAsync();
        (await console.Page.Locator("[data-suggestion]").CountAsync()).Should().Be(SuggestionsPageRows);
        await console.Page.Locator("[data-testid=approve-matching]").GetByText($"Approve all {count} matching").WaitForAsync();

        // A filter that matches fewer than the cap shows them all, and the note goes.
        await console.Page.GetByLabel("Station (from or to)").FillAsync("1");
        await console.Page.Keyboard.PressAsync("Tab");
        var fromOne = Enumerable.Range(0, count).Count(i => 1 + i % 7 == 1);
        await console.Page.Locator("[data-testid=approve-matching]").GetByText($"Approve all {fromOne} matching").WaitForAsync();
        (await console.Page.Locator("[data-suggestion]").CountAsync()).Should().Be(fromOne);
        (await console.Page.Locator("[data-testid=list-cap]").CountAsync()).Should().Be(0);
    }

    private const int SuggestionsPageRows = OpsConsole.Features.Dispatch.SuggestionsPage.RowsShown;

    [Fact]
    public async Task CsvImport_ShowsBadRowsByLine_ThenImportsAGoodFile()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("supervisor", OpsAppFactory.Password);
        await console.GotoAsync("/dispatch/suggestions");
        await console.WaitUntilLiveAsync();
        var input = console.Page.Locator("[data-testid=import-csv] input[type=file]");
        await input.SetInputFilesAsync(new FilePayload
        {
            Name = "bad.csv", MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes("from_station_id,to_station_id,qty,reason\n1,2,3,ok\n9,9,1,loop\n"),
        });
        var report = console.Page.Locator("[data-testid=import-report]");
        await report.WaitForAsync();
        (await report.TextContentAsync()).Should().Contain("Nothing was imported from bad.csv").And.Contain("to_station_id must differ");
        await console.ScreenshotAsync("suggestions-import-report");

        await input.SetInputFilesAsync(new FilePayload
        {
            Name = "good.csv", MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes("from_station_id,to_station_id,qty,reason\n71,81,3,ok\n72,82,4,also ok\n"),
        });
        await console.Page.GetByText("2 suggestions imported from good.csv").WaitForAsync();
        await console.Page.Locator("[data-testid=pending-count]").Filter(new() { HasText = "2 pending" }).WaitForAsync();
    }

    [Fact]
    public async Task Viewer_SeesSuggestionsButCannotDecide()
    {
        await SuggestAsync((51, 61, 1));
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("viewer", OpsAppFactory.Password);
        await console.GotoAsync("/dispatch/suggestions");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("[data-testid=suggestions-table]").WaitForAsync();
        (await console.Page.Locator("[data-testid=approve-selected]").CountAsync()).Should().Be(0);
        (await console.Page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).CountAsync()).Should().Be(0);
    }
}
