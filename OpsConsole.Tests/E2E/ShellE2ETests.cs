using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OpsConsole.Tests.TestSupport;
using System.Net.Http.Json;

namespace OpsConsole.Tests.E2E;

/// <summary>The shell in a real Chromium, as the people who use it all shift do.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ShellE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new();
    private string _base = "";

    public ValueTask InitializeAsync()
    {
        _base = _app.StartKestrel();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    public static TheoryData<string, string[]> NavigationByUser => new()
    {
        { "viewer", ["dashboard", "alerts", "audit", "scheduler", "missing", "jobs", "files", "records", "branches", "hostlers", "suggestions", "tasks", "machines", "tickets", "schedules", "parts", "production", "codes", "analytics", "sync-connections", "sync-runs", "sync-conflicts", "sync-attention", "sync-activity", "settings", "api"] },
        { "operator", ["dashboard", "alerts", "audit", "scheduler", "missing", "jobs", "files", "records", "branches", "hostlers", "suggestions", "tasks", "machines", "tickets", "report", "schedules", "parts", "production", "codes", "analytics", "sync-connections", "sync-runs", "sync-conflicts", "sync-attention", "sync-activity", "settings", "api"] },
        { "supervisor", ["dashboard", "alerts", "audit", "scheduler", "missing", "jobs", "files", "records", "branches", "hostlers", "suggestions", "tasks", "machines", "tickets", "report", "schedules", "parts", "production", "codes", "analytics", "sync-connections", "sync-runs", "sync-conflicts", "sync-attention", "sync-activity", "settings", "api"] },
        { "admin", ["dashboard", "alerts", "audit", "scheduler", "missing", "jobs", "files", "records", "branches", "hostlers", "suggestions", "tasks", "machines", "tickets", "report", "schedules", "parts", "production", "codes", "analytics", "sync-connections", "sync-runs", "sync-conflicts", "sync-attention", "sync-activity", "users", "simulators", "settings", "api"] },
        { "worker", [] },
        { "mlengine", [] },
    };

    [Theory]
    [MemberData(nameof(NavigationByUser))]
    public async Task SignIn_AsEachDemoRole_ShowsExactlyTheNavigationItMayUse(string user, string[] expected)
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        if (expected.Length == 0)
        {
            // Service accounts hold no page policy: they are told so, signed in, on the static "not allowed" page.
            await console.SignInAsync(user, OpsAppFactory.Password, expectSuccess: false);
            await console.Page.WaitForURLAsync(url => url.Contains("/account/denied"));
            (await console.Page.TextContentAsync("[data-testid=denied-user]")).Should().Contain(user);
            (await console.Page.Locator("[data-nav]").CountAsync()).Should().Be(0);
            await console.ScreenshotAsync($"dashboard-as-{user}");
            return;
        }
        await console.SignInAsync(user, OpsAppFactory.Password);
        await console.Page.WaitForSelectorAsync("[data-testid=user-name]");
        (await console.Page.TextContentAsync("[data-testid=user-name]")).Should().Be(user);
        var nav = await console.Page.Locator("[data-nav]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.nav)");
        nav.Should().Equal(expected);
        await console.Page.WaitForSelectorAsync("[data-testid=tile-upstreams]");
        await console.ScreenshotAsync($"dashboard-as-{user}");
    }

    [Fact]
    public async Task SignIn_WithAWrongPassword_SaysSoWithoutAHint()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("operator", "not-the-password-1", expectSuccess: false);
        var error = console.Page.Locator("[data-testid=login-error]");
        await error.WaitForAsync();
        (await error.TextContentAsync()).Should().StartWith("Wrong user name or password.").And.NotContain("disabled");
        console.Page.Url.Should().Contain("/account/login");
        await console.ScreenshotAsync("sign-in-refused");
    }

    [Fact]
    public async Task DarkMode_Toggles_AndIsRememberedForTheUser()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("supervisor", OpsAppFactory.Password);
        (await console.Page.GetAttributeAsync(".ops-shell", "data-theme")).Should().Be("light");
        await console.Page.ClickAsync("[data-testid=theme-toggle]");
        await console.Page.WaitForSelectorAsync(".ops-shell[data-theme=dark]");
        await console.ScreenshotAsync("dashboard-dark");

        await console.Page.ReloadAsync();
        await console.WaitUntilLiveAsync();
        await console.Page.WaitForSelectorAsync(".ops-shell[data-theme=dark]");

        await console.Page.Keyboard.PressAsync("t");
        await console.Page.WaitForSelectorAsync(".ops-shell[data-theme=light]");
    }

    [Fact]
    public async Task QuestionMark_OpensTheShortcutSheet_AndGThenA_GoesToTheAuditLog()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("viewer", OpsAppFactory.Password);
        await console.Page.Keyboard.PressAsync("?");
        var sheet = console.Page.Locator(".mud-dialog");
        await sheet.WaitForAsync();
        (await sheet.TextContentAsync()).Should().Contain("Go to the audit log");
        await console.ScreenshotAsync("shortcut-sheet");
        await console.Page.Keyboard.PressAsync("Escape");
        await sheet.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await console.Page.Locator(".mud-dialog-container").WaitForAsync(new() { State = WaitForSelectorState.Detached });

        // Blazor navigates inside the page (no load event), and Playwright's wait for a URL sometimes missed that
        // navigation although the address had changed: ask the page for its address instead. A key pair lost on a
        // loaded machine is pressed again, as a person would; it must work within three tries.
        async Task<bool> OnAuditLog() => await console.Page.EvaluateAsync<string>("() => location.pathname") == "/audit";
        for (var attempt = 0; attempt < 3 && !await OnAuditLog(); attempt++)
        {
            await console.Page.Keyboard.PressAsync("g");
            await console.Page.Keyboard.PressAsync("a");
            try
            {
                await Until.TrueAsync(OnAuditLog, "g a to open the audit log", TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
            }
        }
        (await OnAuditLog()).Should().BeTrue("g then a opens the audit log");
        await console.Page.WaitForSelectorAsync("[data-testid=audit-table]");
    }

    [Fact]
    public async Task Dashboard_ShowsANewAuditEntryLive_WithoutAReload()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("viewer", OpsAppFactory.Password);
        await console.Page.WaitForSelectorAsync("[data-testid=tile-audit]");

        using var api = new HttpClient { BaseAddress = new Uri(_base) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", await _app.TokenAsync("admin"));
        (await api.PostAsJsonAsync("/api/users", new { user_name = "live-tile-check", roles = new[] { "viewer" }, password = "live-tile-check-1" }))
            .EnsureSuccessStatusCode();

        await console.Page.Locator("[data-testid=tile-audit]").GetByText("live-tile-check").WaitForAsync();
        await console.ScreenshotAsync("dashboard-live-audit");
    }

    [Fact]
    public async Task UnknownAddress_ShowsTheNotFoundPage()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("viewer", OpsAppFactory.Password);
        var response = await console.Page.GotoAsync(_base + "/no/such/page");
        response!.Status.Should().Be(404);
        (await console.Page.TextContentAsync("h1")).Should().Be("Page not found");
    }

    [Fact]
    public async Task SignInPage_And_Dashboard_HaveNoSeriousAccessibilityViolations()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.GotoAsync("/account/login");
        AssertNoSeriousViolations(await console.Page.RunAxe(), "sign-in page");

        await console.SignInAsync("admin", OpsAppFactory.Password);
        await console.Page.WaitForSelectorAsync("[data-testid=tile-upstreams]");
        AssertNoSeriousViolations(await console.Page.RunAxe(), "dashboard");
    }

    private static void AssertNoSeriousViolations(AxeResult result, string what)
    {
        var serious = result.Violations.Where(v => v.Impact is "critical" or "serious")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))}")
            .ToList();
        serious.Should().BeEmpty($"the {what} must have no critical or serious axe violations");
    }
}
