using Microsoft.Playwright;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>An operator's sync in a real browser: a dry run's plan against the built-in simulators, then Sync now and the run in the history.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SyncE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new(settings: new Dictionary<string, string?>
    {
        ["Sync:DemoConnection"] = "true",
        ["Resilience:AttemptTimeoutSeconds"] = "15",
        ["Resilience:TotalTimeoutSeconds"] = "30",
    });
    private string _base = "";

    public ValueTask InitializeAsync()
    {
        _base = _app.StartKestrel();
        SyncTestData.ResetSimulators(_app, sourceTasks: 6);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static Task RowsAsync(IPage page, string table, int count) => page.WaitForFunctionAsync(
        "([table, count]) => document.querySelectorAll(`[data-testid=${table}] tbody tr`).length === count", new object[] { table, count });

    [Fact]
    public async Task AnOperator_DryRunsTheDemoConnection_SeesThePlan_ThenSyncsNow_AndTheRunIsInTheHistory()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("operator", OpsAppFactory.Password);
        await console.GotoAsync("/sync");
        await console.WaitUntilLiveAsync();
        var page = console.Page;
        await page.Locator("[data-testid=health] [data-status=initial_sync]").WaitForAsync();
        (await page.Locator("[data-testid=edit-connection]").CountAsync()).Should().Be(0, "editing connections is for admins");

        await page.ClickAsync("[data-testid=dry-run]");
        await page.WaitForURLAsync("**/sync/plans/*");
        await RowsAsync(page, "plan-table", 6);
        (await page.Locator("[data-testid=plan-counts] [data-action=add]").TextContentAsync()).Should().Contain("6 add");
        await console.ScreenshotAsync("sync-plan");
        await page.ClickAsync("[data-testid=plan-counts] [data-action=update]");
        await page.WaitForURLAsync("**action=update");
        await page.GetByText("No items with this action").WaitForAsync();

        await console.GotoAsync("/sync");
        await console.WaitUntilLiveAsync();
        await page.ClickAsync("[data-testid=sync-now]");
        // The row follows the run through the event stream, without a reload.
        await page.Locator("[data-testid=last-run] [data-status=succeeded]").WaitForAsync(new() { Timeout = 60_000 });
        await page.Locator("[data-testid=health] [data-status=healthy]").WaitForAsync();

        await console.GotoAsync("/sync/runs");
        var run = page.Locator("[data-testid=runs-table] tbody tr").First;
        await run.Locator("[data-status=succeeded]").WaitForAsync();
        (await run.TextContentAsync()).Should().Contain("6 added").And.Contain("manual · operator");
        await run.Locator("a").First.ClickAsync();
        await page.WaitForURLAsync("**/sync/runs/*");
        await RowsAsync(page, "run-items-table", 6);
        await console.ScreenshotAsync("sync-run");
    }
}
