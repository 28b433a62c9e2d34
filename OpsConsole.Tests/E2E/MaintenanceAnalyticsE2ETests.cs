using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>The analytics page in a real browser: its filter in the address survives a reload, a KPI's drill-down opens, a table exports as CSV.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MaintenanceAnalyticsE2ETests(BrowserFixture browser, SharedKestrelApp app) : IClassFixture<SharedKestrelApp>
{
    [Fact]
    public async Task AViewer_ReadsTheFixturesMttr_ReloadsTheFilteredAddress_DrillsIntoIt_AndExportsTheReasons()
    {
        AnalyticsTestData.Fixture fixture;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync())
        {
            fixture = await AnalyticsTestData.SeedAsync(db);
        }
        await using var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync("viewer", OpsAppFactory.Password);
        var address = $"/maintenance/analytics?from=2026-01-05&to=2026-01-10&machine_id={fixture.Machine}";
        await console.GotoAsync(address);
        await console.WaitUntilLiveAsync();
        var page = console.Page;
        await page.Locator("[data-testid=kpi-mttr]").GetByText("2.5 h").WaitForAsync();
        await page.Locator("[data-testid=expected-basis]").GetByText("Expected time from shift calendars").WaitForAsync();

        await page.ReloadAsync();
        await console.WaitUntilLiveAsync();
        await page.Locator("[data-testid=kpi-mtbf]").GetByText("37.0 h").WaitForAsync();
        page.Url.Should().EndWith(address, "the filter stays in the address");

        await page.ClickAsync("[data-testid=drill-mttr]");
        await page.Locator("[data-testid=drill-periods] tbody tr").Nth(1).WaitForAsync();
        (await page.Locator("[data-testid=drill-periods] tbody tr").CountAsync()).Should().Be(2, "the two failures behind MTTR");
        await console.ScreenshotAsync("maintenance-analytics-drill-down");
        await page.ClickAsync("[data-testid=drill-close]");

        var href = await page.Locator("[data-testid=export-reasons]").GetAttributeAsync("href");
        var csv = await page.APIRequest.GetAsync(app.BaseUrl + href);
        csv.Status.Should().Be(200);
        csv.Headers["content-type"].Should().StartWith("text/csv");
        (await csv.TextAsync()).Should().StartWith("Reason,Stops,Hours,Share,Cumulative share").And.Contain("breakdown,1,3,");
    }
}
