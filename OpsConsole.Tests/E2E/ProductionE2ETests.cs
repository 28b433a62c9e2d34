using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>The production page in a real browser: a CSV with a bad row checked, its report read, the valid rows imported and listed.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ProductionE2ETests(BrowserFixture browser, SharedKestrelApp app) : IClassFixture<SharedKestrelApp>
{
    [Fact]
    public async Task AnOperator_ChecksAFileWithABadRow_ReadsTheReport_AndImportsTheValidRows()
    {
        Machine machine;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync())
        {
            var id = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
            machine = await db.Machines.AsNoTracking().SingleAsync(m => m.Id == id);
        }
        await using var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync("operator", OpsAppFactory.Password);
        await console.GotoAsync($"/maintenance/production?machine_id={machine.Id}");
        await console.WaitUntilLiveAsync();
        await console.Page.GetByText("No production records").WaitForAsync();

        await console.Page.Locator("[data-testid=production-file] input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "shift-report.csv", MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes(
                $"machine,date,shift,good,scrap,run_minutes,planned_minutes\n{machine.Code},2026-11-30,Early,950,12,420,480\n{machine.Code},2026-11-30,Late,-3,0,400,480\n{machine.Code},2026-11-29,Early,700,30,450,480\n"),
        });

        var problems = console.Page.Locator("[data-testid=import-problems]");
        await problems.WaitForAsync();
        (await problems.Locator("tbody tr").AllTextContentsAsync()).Should().ContainSingle().Which.Should().Contain("3").And.Contain("good").And.Contain("-3")
            .And.Contain("may not be negative");
        (await console.Page.Locator("[data-testid=import-summary]").TextContentAsync()).Should().Contain("3 rows, 2 valid, 1 with problems")
            .And.Contain("nothing stored yet");
        await console.ScreenshotAsync("production-import-report");

        await console.Page.ClickAsync("[data-testid=import-valid]");

        await console.Page.Locator("[data-testid=import-summary]").Filter(new() { HasText = "Imported: 2 inserted, 0 updated" }).WaitForAsync();
        var rows = console.Page.Locator("[data-testid=production] tbody tr");
        await console.Page.Locator("[data-testid=production-total]").Filter(new() { HasText = "2 records" }).WaitForAsync();
        // The total and the table load apart (the table shows "Loading…" for a moment on a busy machine): wait for its rows.
        await rows.Filter(new() { HasText = "950" }).WaitForAsync();
        (await rows.AllTextContentsAsync()).Should().HaveCount(2).And.Contain(r => r.Contains("2026-11-30") && r.Contains("Early") && r.Contains("950"));
        (await console.Page.Locator("[data-figure=good]").TextContentAsync()).Should().Be("1,650");
        await console.ScreenshotAsync("production-imported");
    }
}
