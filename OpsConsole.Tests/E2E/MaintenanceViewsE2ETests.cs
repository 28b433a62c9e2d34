using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>The tickets list's saved views in a real browser (ADR 0030): save the view in the address, come back to it from the menu.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MaintenanceViewsE2ETests(BrowserFixture browser, SharedKestrelApp app) : IClassFixture<SharedKestrelApp>
{
    [Fact]
    public async Task AnOperator_SavesTheFilteredList_AndAppliesItFromTheViewsMenu()
    {
        int machine;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync())
        {
            machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        }
        var word = $"valve{Guid.NewGuid():N}"[..12];
        using (var api = await ApiClients.SignedInAsync(app.BaseUrl, "operator"))
        {
            (await api.PostAsJsonAsync("/api/maintenance/tickets", new { title = $"Leaking {word}", machine_id = machine, priority = "critical" })).EnsureSuccessStatusCode();
            (await api.PostAsJsonAsync("/api/maintenance/tickets", new { title = $"Noisy {word}", machine_id = machine, priority = "low" })).EnsureSuccessStatusCode();
        }
        await using var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync("operator", OpsAppFactory.Password);
        await console.GotoAsync($"/maintenance/tickets?priority=critical&q={word}");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("[data-testid=tickets]").GetByText($"Leaking {word}").WaitForAsync();

        await console.Page.ClickAsync("[data-testid=views-menu] button");
        await console.Page.ClickAsync("[data-testid=save-view]");
        await console.Page.Locator("[data-testid=view-query]").GetByText($"priority=critical").WaitForAsync();
        await console.Page.Locator("[data-testid=view-name] input, input[data-testid=view-name]").First.FillAsync($"Critical {word}");
        await console.Page.ClickAsync("[data-testid=save-view-confirm]");
        await console.Page.Locator($"[data-testid=saved-views] [data-view='Critical {word}']").WaitForAsync();
        await console.ScreenshotAsync("maintenance-saved-views-dialog");
        await console.Page.Keyboard.PressAsync("Escape");

        await console.GotoAsync("/maintenance/tickets");
        await console.WaitUntilLiveAsync();
        await console.Page.ClickAsync("[data-testid=views-menu] button");
        await console.Page.ClickAsync($"[data-view='Critical {word}']");

        await console.Page.WaitForURLAsync(url => url.Contains("priority=critical") && url.Contains(word));
        var table = console.Page.Locator("[data-testid=tickets]");
        // The address changes first, then the table reloads for it: wait for the filtered rows, not a moment.
        await table.GetByText($"Noisy {word}").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await table.GetByText($"Leaking {word}").WaitForAsync();
        (await console.Page.Locator("[data-testid=tickets-total]").InnerTextAsync()).Should().StartWith("1 ", "the saved view's filters apply");
    }
}
