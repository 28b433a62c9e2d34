using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>Maintenance in a real browser: a problem reported on a tablet, a ticket moved with a reason, the board live.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MaintenanceE2ETests(BrowserFixture browser, SharedKestrelApp app) : IClassFixture<SharedKestrelApp>
{
    private async Task<Machine> MachineAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        var id = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        return await db.Machines.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    private static ILocator Field(IPage page, string testId) => page.Locator($"[data-testid={testId}] input, input[data-testid={testId}], [data-testid={testId}] textarea, textarea[data-testid={testId}]").First;

    [Fact]
    public async Task AnOperator_ReportsAProblemOnATablet_AndLandsOnTheNewTicket()
    {
        var machine = await MachineAsync();
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 768, Height = 1024 }, HasTouch = true });
        context.SetDefaultTimeout(15_000);
        await using var console = new ConsolePage(await context.NewPageAsync(), app.BaseUrl);
        await console.SignInAsync("operator", OpsAppFactory.Password);
        await console.GotoAsync($"/maintenance/report?machine_id={machine.Id}");
        await console.WaitUntilLiveAsync();
        await console.Page.GetByText(machine.Code).First.WaitForAsync();

        await console.Page.ClickAsync("[data-testid=report-submit]");
        await console.Page.GetByText("title is required.").WaitForAsync();
        await Field(console.Page, "report-title").FillAsync("Hydraulic hose weeping at the ram");
        await console.ScreenshotAsync("maintenance-report-tablet");
        await console.Page.ClickAsync("[data-testid=report-submit]");

        await console.Page.WaitForURLAsync(url => url.Contains("/maintenance/tickets/"));
        await console.Page.GetByRole(AriaRole.Heading, new() { NameRegex = new System.Text.RegularExpressions.Regex("Hydraulic hose weeping") }).WaitForAsync();
        (await console.Page.EvaluateAsync<int>("document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(768, "nothing overflows the tablet's width");
    }

    [Fact]
    public async Task AnOperator_MovesATicket_OnHoldNeedsAReason_AndTheHistoryShowsIt()
    {
        var machine = await MachineAsync();
        using var api = await ApiClients.SignedInAsync(app.BaseUrl, "operator");
        var created = await api.PostAsJsonAsync("/api/maintenance/tickets", new { title = "Guard switch sticks", machine_id = machine.Id });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        await using var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync("operator", OpsAppFactory.Password);
        await console.GotoAsync($"/maintenance/tickets/{id}");
        await console.WaitUntilLiveAsync();

        await console.Page.ClickAsync("[data-move=in_progress]");
        await console.Page.ClickAsync("[data-testid=move-save]");
        await console.Page.Locator("[data-testid=ticket-summary] [data-status=in_progress]").WaitForAsync();
        await console.Page.ClickAsync("[data-move=on_hold]");
        await console.Page.ClickAsync("[data-testid=move-save]");
        await console.Page.GetByText("reason is required to put a ticket on hold.").WaitForAsync();
        await Field(console.Page, "move-reason").FillAsync("Waiting for the electrician");
        await console.Page.ClickAsync("[data-testid=move-save]");

        await console.Page.Locator("[data-testid=ticket-summary] [data-status=on_hold]").WaitForAsync();
        await console.Page.Locator("[data-testid=ticket-history]").GetByText("Waiting for the electrician").WaitForAsync();
        await console.Page.Locator("[data-move=in_progress]").WaitForAsync();
        (await console.Page.Locator("[data-move=closed]").CountAsync()).Should().Be(0, "only the moves its status allows are offered");
        await console.ScreenshotAsync("maintenance-ticket-on-hold");
    }

    [Fact]
    public async Task TheMachinesBoard_ShowsAMachineGoingDown_Live()
    {
        var machine = await MachineAsync();
        await using var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync("viewer", OpsAppFactory.Password);
        await console.GotoAsync("/maintenance/machines");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator($"[data-machine='{machine.Code}'][data-state=idle]").WaitForAsync();

        using var api = await ApiClients.SignedInAsync(app.BaseUrl, "operator");
        (await api.PostAsJsonAsync($"/api/maintenance/machines/{machine.Id}/state", new { state = "down" })).EnsureSuccessStatusCode();

        await console.Page.Locator($"[data-machine='{machine.Code}'][data-state=down]").WaitForAsync();
        await console.ScreenshotAsync("maintenance-board-down");
    }

    [Fact]
    public async Task TheTicketsList_KeepsItsFiltersAndPageSizeInTheAddress_AndBackReturnsToTheOpenedTicket()
    {
        var machine = await MachineAsync();
        var tag = $"belt{Guid.NewGuid():N}"[..12];
        using var api = await ApiClients.SignedInAsync(app.BaseUrl, "operator");
        foreach (var (title, priority) in new[] { ($"{tag} slips at start", "high"), ($"{tag} squeals", "high"), ($"{tag} worn", "low") })
        {
            (await api.PostAsJsonAsync("/api/maintenance/tickets", new { title, machine_id = machine.Id, priority })).EnsureSuccessStatusCode();
        }
        const string rows = "[data-testid=tickets] tbody tr:has(td a)";
        await using var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync("viewer", OpsAppFactory.Password);
        await console.GotoAsync($"/maintenance/tickets?q={tag}&priority=high&page_size=50");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("h1", new() { HasTextString = "2 matching" }).WaitForAsync();
        // The count in the title is set as the table's load returns; its rows render right after.
        await console.Page.Locator(rows).Nth(1).WaitForAsync();
        (await console.Page.Locator(rows).CountAsync()).Should().Be(2);

        await console.Page.ReloadAsync();
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("h1", new() { HasTextString = "2 matching" }).WaitForAsync();
        (await console.Page.Locator(".ops-toolbar .mud-input-control:has(label:text-is('Title contains')) input").InputValueAsync()).Should().Be(tag);

        await console.Page.Locator(rows, new() { HasTextString = "squeals" }).Locator("td").Nth(1).ClickAsync();
        await console.Page.WaitForURLAsync(url => url.Contains("/maintenance/tickets/") && !url.Contains('?'));
        await console.Page.GoBackAsync();
        await console.Page.WaitForURLAsync(url => url.Contains("ticket_id=") && url.Contains("page_size=50") && url.Contains($"q={tag}"));
        await console.Page.Locator("tr.ops-row-cursor", new() { HasTextString = "squeals" }).WaitForAsync();
    }
}
