using Microsoft.Playwright;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>An admin's pages in a real browser: users, scheduler, simulators, audit log, with their bad inputs.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminPagesE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new();
    private string _base = "";

    public ValueTask InitializeAsync()
    {
        _base = _app.StartKestrel();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static ILocator Input(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;

    [Fact]
    public async Task Users_CreateWithAWeakPasswordShowsWhy_ThenCreates_AndTheAuditLogFindsIt()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("admin", OpsAppFactory.Password);
        await console.GotoAsync("/admin/users");
        await console.WaitUntilLiveAsync();
        await console.Page.ClickAsync("[data-testid=new-user]");
        await Input(console.Page, "new-user-name").FillAsync("e2e-made");
        await Input(console.Page, "new-user-password").FillAsync("short");
        await console.Page.ClickAsync("[data-testid=new-user-create]");
        await console.Page.GetByText("Passwords must be at least 10 characters").WaitForAsync();
        await console.ScreenshotAsync("users-weak-password");

        await Input(console.Page, "new-user-password").FillAsync("e2e-made-2026");
        await console.Page.ClickAsync("[data-testid=new-user-create]");
        await console.Page.Locator("[data-user=e2e-made]").WaitForAsync();

        await console.GotoAsync("/audit");
        await console.WaitUntilLiveAsync();
        await Input(console.Page, "filter-text").FillAsync("e2e-made");
        await console.Page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=audit-table] tbody tr').length === 1");
        (await console.Page.TextContentAsync("[data-testid=audit-table] tbody tr")).Should().Contain("user.create").And.Contain("e2e-made");
        await console.ScreenshotAsync("audit-filtered");
    }

    [Fact]
    public async Task Scheduler_RefusesABadCronWithAMessage_AndAppliesAGoodOne()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("admin", OpsAppFactory.Password);
        await console.GotoAsync("/scheduler");
        await console.WaitUntilLiveAsync();
        var row = console.Page.Locator("[data-job='shared.upstream-probe']");
        var cron = row.Locator("input").First;
        await cron.FillAsync("every minute");
        await cron.PressAsync("Enter");
        await row.GetByText("is not a valid Quartz cron expression").WaitForAsync();

        await cron.FillAsync("0 0 5 * * ?");
        await cron.PressAsync("Enter");
        await console.Page.GetByText("now runs on 0 0 5 * * ?").WaitForAsync();
        await console.ScreenshotAsync("scheduler-rescheduled");
    }

    [Fact]
    public async Task Scheduler_IsReadOnlyForAViewer()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("viewer", OpsAppFactory.Password);
        await console.GotoAsync("/scheduler");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("[data-job='shared.upstream-probe']").WaitForAsync();
        (await console.Page.Locator("[data-job='shared.upstream-probe'] input").CountAsync()).Should().Be(0);
        (await console.Page.Locator("[data-testid=run-now]").CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Simulators_AnOutageShowsAsDownOnTheDashboard()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("admin", OpsAppFactory.Password);
        await console.Page.Locator("[data-upstream=yard] [data-status=Up]").WaitForAsync();

        await console.GotoAsync("/admin/simulators");
        await console.WaitUntilLiveAsync();
        var row = console.Page.Locator("[data-simulator=yard]");
        await row.Locator("input[type=checkbox]").Nth(1).CheckAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await console.Page.GetByText("yard simulator updated").WaitForAsync();

        await console.GotoAsync("/");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("[data-upstream=yard] [data-status=Down]").WaitForAsync();
        await console.ScreenshotAsync("dashboard-yard-down");
    }
}
