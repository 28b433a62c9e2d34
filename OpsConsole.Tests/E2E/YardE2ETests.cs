using System.Net.Http.Json;
using Microsoft.Playwright;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>An operator keeps the hostler view open: changes arrive without a reload, a task is deleted with a reason, an outage shows as stale.</summary>
[Collection(BrowserCollection.Name)]
public sealed class YardE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new(settings: new Dictionary<string, string?> { ["Simulators:Yard:Invalid"] = "false" });
    private string _base = "";

    public async ValueTask InitializeAsync()
    {
        _base = _app.StartKestrel();
        using var admin = await ApiClients.SignedInAsync(_base, "admin");
        (await admin.PostAsJsonAsync("/sim/yard/world", new { hostlers = 8, workbasket_tasks = 12, frozen = true, invalid = false })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync("/api/yard/settings", new { interval_seconds = 1 })).EnsureSuccessStatusCode();
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Operator_SeesChangesLive_DeletesWithAReason_AndSeesAnOutageAsStale()
    {
        using var sim = await ApiClients.SignedInAsync(_base, "admin");
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("operator", OpsAppFactory.Password);
        await console.GotoAsync("/yard");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("[data-hostler=H002]").WaitForAsync();

        (await sim.PostAsJsonAsync("/sim/yard/world/hostlers/H002/status", new { status = "break" })).EnsureSuccessStatusCode();
        await console.Page.Locator("[data-hostler=H002][data-status=break]").WaitForAsync(new() { Timeout = 10_000 });

        (await sim.PostAsJsonAsync("/sim/yard/world/tasks", new[] { new { id = "E2E-1", trailer_id = "TRL-E2E", origin = "DOOR-07", destination = "SPOT-E01", priority = 5 } })).EnsureSuccessStatusCode();
        var row = console.Page.Locator("[data-testid=workbasket] tr[data-task=E2E-1]");
        await row.WaitForAsync(new() { Timeout = 10_000 });
        await row.ClickAsync();
        await console.Page.Locator("[data-testid=task-drawer]").GetByText("TRL-E2E").WaitForAsync();
        await console.Page.ClickAsync("[data-testid=delete]");
        (await console.Page.Locator("[data-testid=delete-error]").InnerTextAsync()).Should().Contain("reason");
        await console.Page.Locator("input[data-testid=delete-reason], [data-testid=delete-reason] input").First.FillAsync("entered twice at the gate");
        await console.Page.ClickAsync("[data-testid=delete]");
        await row.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 10_000 });
        await console.ScreenshotAsync("yard-hostlers");

        using var admin = await ApiClients.SignedInAsync(_base, "admin");
        (await admin.PutAsJsonAsync("/api/simulators/yard/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage = true })).EnsureSuccessStatusCode();
        await console.Page.Locator("[data-testid=stale-banner]").WaitForAsync(new() { Timeout = 15_000 });
        (await console.Page.Locator("[data-hostler]").CountAsync()).Should().Be(8, "the last good view stays on screen");
        await console.ScreenshotAsync("yard-stale");
    }

    [Fact]
    public async Task DashboardTile_ShowsHostlersAndWaitingTasks_Live_AndAnOutageAsStale()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("operator", OpsAppFactory.Password);
        await console.GotoAsync("/");
        await console.WaitUntilLiveAsync();
        var tile = console.Page.Locator("[data-testid=tile-yard]");
        await tile.Locator("[data-count=waiting]").Filter(new() { HasText = "12" }).WaitForAsync(new() { Timeout = 10_000 });
        (await tile.Locator("[data-count=available]").InnerTextAsync()).Should().MatchRegex("^[0-9]+$");

        using var sim = await ApiClients.SignedInAsync(_base, "admin");
        (await sim.PostAsJsonAsync("/sim/yard/world/tasks", new[] { new { id = "TILE-1", trailer_id = "TRL-T1", origin = "DOOR-02", destination = "SPOT-T01" } }))
            .EnsureSuccessStatusCode();
        await tile.Locator("[data-count=waiting]").Filter(new() { HasText = "13" }).WaitForAsync(new() { Timeout = 10_000 });

        (await sim.PutAsJsonAsync("/api/simulators/yard/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage = true })).EnsureSuccessStatusCode();
        await tile.Locator("[data-alert=stale]").WaitForAsync(new() { Timeout = 15_000 });
        (await tile.Locator("[data-count=waiting]").InnerTextAsync()).Should().Be("13", "the last good figures stay while stale");
        await console.ScreenshotAsync("dashboard-yard-stale");
        await tile.GetByRole(AriaRole.Link, new() { Name = "Hostlers" }).ClickAsync();
        await console.Page.WaitForURLAsync("**/yard");
    }

    [Fact]
    public async Task ABigWorkbasket_IsPagedAHundredRowsAtATime()
    {
        using (var sim = await ApiClients.SignedInAsync(_base, "admin"))
        {
            (await sim.PostAsJsonAsync("/sim/yard/world", new { hostlers = 4, workbasket_tasks = 130, frozen = true, invalid = false })).EnsureSuccessStatusCode();
        }
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("operator", OpsAppFactory.Password);
        await console.GotoAsync("/yard");
        await console.WaitUntilLiveAsync();
        var pager = console.Page.Locator("[data-testid=workbasket-pager]");
        await pager.WaitForAsync(new() { Timeout = 10_000 });
        (await pager.InnerTextAsync()).Should().Contain("1–100 of 130");
        (await console.Page.Locator("[data-testid=workbasket] tbody tr").CountAsync()).Should().Be(100);

        await pager.GetByRole(AriaRole.Button, new() { Name = "Page 2", Exact = true }).ClickAsync();
        await console.Page.Locator("[data-testid=workbasket-pager]:has-text('101–130 of 130')").WaitForAsync();
        (await console.Page.Locator("[data-testid=workbasket] tbody tr").CountAsync()).Should().Be(30);
        await console.ScreenshotAsync("yard-workbasket-page-2");
    }
}
