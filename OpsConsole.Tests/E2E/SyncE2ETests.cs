using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Sync;
using OpsConsole.Simulators.Sync;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>An operator's sync in a real browser: a dry run's plan against the built-in simulators, then Sync now and the run in the history.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SyncE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new(settings: new Dictionary<string, string?>
    {
        ["Sync:DemoConnection"] = "true",
        // The demo's busy people stay still: the tests make the edits they mean.
        ["Simulators:Sync:DemoEditSeconds"] = "0",
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

        // Applying the plan carries it out once; a second look shows the run it became.
        await page.ClickAsync("[data-testid=apply-plan]");
        await page.Locator("[data-testid=plan-applied]").WaitForAsync(new() { Timeout = 60_000 });
        (await page.Locator("[data-testid=apply-plan]").CountAsync()).Should().Be(0, "a plan is applied once");

        await console.GotoAsync("/sync");
        await console.WaitUntilLiveAsync();
        await page.ClickAsync("[data-testid=sync-now]");
        // The row follows the run through the event stream, without a reload.
        await page.Locator("[data-testid=last-run] [data-status=succeeded]").WaitForAsync(new() { Timeout = 60_000 });
        await page.Locator("[data-testid=health] [data-status=healthy]").WaitForAsync();

        await console.GotoAsync("/sync/runs");
        await RowsAsync(page, "runs-table", 2);
        // Newest first: Sync now found nothing left to do; the run before it is the applied plan's, which added the six.
        (await page.Locator("[data-testid=runs-table] tbody tr").First.TextContentAsync()).Should().Contain("manual · operator").And.NotContain("6 added");
        var run = page.Locator("[data-testid=runs-table] tbody tr").Nth(1);
        await run.Locator("[data-status=succeeded]").WaitForAsync();
        (await run.TextContentAsync()).Should().Contain("6 added").And.Contain("manual · operator");
        await run.Locator("a").First.ClickAsync();
        await page.WaitForURLAsync("**/sync/runs/*");
        await RowsAsync(page, "run-items-table", 6);
        await console.ScreenshotAsync("sync-run");
    }

    [Fact]
    public async Task ASupervisor_SeesAConflictInTheQueue_KeepsTheDestinationsValue_AndItIsWrittenToTheSource()
    {
        var engine = _app.Services.GetRequiredService<SyncEngine>();
        var connections = _app.Services.GetRequiredService<SyncConnections>();
        var simulators = _app.Services.GetRequiredService<SyncSimulators>();
        var demo = (await connections.ListAsync(TestContext.Current.CancellationToken)).Single();
        await engine.RunAsync(Actor.System, demo.Id, SyncTrigger.Manual, TestContext.Current.CancellationToken);
        var made = _app.Services.GetRequiredService<SyncDemoEditors>().MakeConflict();
        var sourceId = made!.Split(' ')[0];
        (await engine.RunAsync(Actor.System, demo.Id, SyncTrigger.Manual, TestContext.Current.CancellationToken)).Value!.Conflicted.Should().Be(1);

        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("supervisor", OpsAppFactory.Password);
        await console.GotoAsync("/sync/conflicts");
        await console.WaitUntilLiveAsync();
        var page = console.Page;
        await RowsAsync(page, "conflicts", 1);
        var row = page.Locator("[data-testid=conflicts] tbody tr").First;
        (await row.TextContentAsync()).Should().Contain(sourceId).And.Contain("assignee ↔ owner");
        var owner = (await row.Locator("[data-testid=destination-value]").TextContentAsync())!.Trim();
        await console.ScreenshotAsync("sync-conflicts");

        await row.Locator("[data-testid=keep-destination]").ClickAsync();
        await page.GetByText("No open conflicts").WaitForAsync();
        simulators.Source.Get(sourceId)!.Fields["assignee"].Should().Be(owner, "the destination's value is written to the source at once");
    }
}
