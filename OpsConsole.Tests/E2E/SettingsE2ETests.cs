using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>The Settings page: admins change runtime settings (checked, applied, audited); everyone else reads them and keeps their own preferences.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SettingsE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new();
    private string _base = "";

    public ValueTask InitializeAsync()
    {
        _base = _app.StartKestrel();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static ILocator Field(IPage page, string key) => page.Locator($"[data-setting={key}] input");

    [Fact]
    public async Task AnAdmin_SeesEveryBadValueNamedAtOnce_ThenSavesAChange_WhichTakesEffect_AndIsInTheAuditLog()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("admin", OpsAppFactory.Password);
        await console.GotoAsync("/settings");
        await console.WaitUntilLiveAsync();
        var yard = console.Page.Locator("[data-settings=yard]");
        await yard.Locator("[data-rule=stale-task]").WaitForAsync();
        (await console.Page.Locator("[data-settings]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.settings)"))
            .Should().Equal("account", "etl", "yard", "dispatch", "maintenance");

        await Field(console.Page, "interval_seconds").FillAsync("0");
        await Field(console.Page, "deletion_cap").FillAsync("ten");
        await yard.Locator("[data-testid=save-settings]").ClickAsync();
        await yard.Locator("[data-testid=settings-errors]").WaitForAsync();
        (await yard.Locator("[data-setting=interval_seconds]").InnerTextAsync()).Should().Contain("Poll interval must be a whole number from 1 to 3600 seconds.");
        (await yard.Locator("[data-setting=deletion_cap]").InnerTextAsync()).Should().Contain("Deletion cap per cycle must be a whole number from 0 to 10000 tasks.");
        await console.ScreenshotAsync("settings-errors");
        AxeAssert.NoSeriousViolations(await console.Page.RunAxe(), "settings page with errors");

        await Field(console.Page, "interval_seconds").FillAsync("7");
        await Field(console.Page, "deletion_cap").FillAsync("10");
        await Field(console.Page, "interval_seconds").PressAsync("Enter");
        await console.Page.GetByText("Yard poller: 1 setting(s) saved.").WaitForAsync();
        await yard.Locator("[data-testid=settings-errors]").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        (await yard.InnerTextAsync()).Should().Contain("Last changed by admin");

        await console.GotoAsync("/yard");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("[data-testid=yard-status]").GetByText("every 7 s").WaitForAsync();

        await console.GotoAsync("/audit");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("input[data-testid=filter-text], [data-testid=filter-text] input").First.FillAsync("settings.update");
        var entry = console.Page.Locator("[data-testid=audit-table] tbody tr").Filter(new() { HasText = "settings.update" });
        await entry.WaitForAsync();
        (await entry.InnerTextAsync()).Should().Contain("admin").And.Contain("{\"interval_seconds\":5}").And.Contain("{\"interval_seconds\":7}");
        await console.ScreenshotAsync("settings-audited");
    }

    [Fact]
    public async Task AViewer_SeesTheSettingsReadOnly_AndStillChangesTheirOwnDarkMode()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("viewer", OpsAppFactory.Password);
        await console.GotoAsync("/settings");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("[data-testid=settings-read-only]").WaitForAsync();
        await console.Page.Locator("[data-settings=yard] [data-rule=stale-task]").WaitForAsync();

        (await console.Page.Locator("[data-testid=save-settings]").CountAsync()).Should().Be(0);
        (await Field(console.Page, "interval_seconds").GetAttributeAsync("readonly")).Should().NotBeNull();
        (await Field(console.Page, "alert_missing_days").InputValueAsync()).Should().Be("3");
        (await console.Page.Locator("[data-settings=yard] [data-rule=stale-task] [data-switch=enabled]").InnerTextAsync()).Should().Be("on");
        (await console.Page.Locator("[data-settings=yard] [data-rule=stale-task] input").CountAsync()).Should().Be(0, "a viewer reads the rules' switches");
        (await console.Page.Locator("[data-setting=dry_run]").InnerTextAsync()).Should().Contain("off");
        (await console.Page.Locator("input[data-testid=dark-mode]").IsDisabledAsync()).Should().BeFalse();
        await console.ScreenshotAsync("settings-viewer");
        AxeAssert.NoSeriousViolations(await console.Page.RunAxe(), "settings page (viewer)");

        await console.Page.Locator("input[data-testid=dark-mode]").ClickAsync();
        await console.Page.Locator(".ops-shell[data-theme=dark]").WaitForAsync();
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("[data-settings=yard] [data-rule=stale-task]").WaitForAsync();
        await console.ScreenshotAsync("settings-viewer-dark");
        AxeAssert.NoSeriousViolations(await console.Page.RunAxe(), "settings page (viewer, dark)");
    }
}
