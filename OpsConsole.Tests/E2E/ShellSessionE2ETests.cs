using System.Net.Http.Json;
using Microsoft.Playwright;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// The shift's beginning and end on a shared PC: every role signs out from the user menu, by mouse and by keyboard,
/// and Back then shows the sign-in page, not a console; relative times on the dashboard move on by themselves.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ShellSessionE2ETests(BrowserFixture browser, SharedKestrelApp app) : IClassFixture<SharedKestrelApp>
{
    public static TheoryData<string, bool> RolesAndInput => new()
    {
        { "viewer", false }, { "viewer", true },
        { "operator", false }, { "operator", true },
        { "supervisor", false }, { "supervisor", true },
        { "admin", false }, { "admin", true },
    };

    [Theory]
    [MemberData(nameof(RolesAndInput))]
    public async Task SignOut_FromTheUserMenu_LandsOnTheSignInPage_AndBackShowsNoConsole(string user, bool byKeyboard)
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync(user, OpsAppFactory.Password);
        var audit = await console.Page.GotoAsync(app.BaseUrl + "/audit");
        (await audit!.HeaderValueAsync("cache-control")).Should().Contain("no-store", "a console page is never kept for Back to show");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("[data-testid=audit-table]").WaitForAsync();
        var page = console.Page;
        var list = page.Locator("[data-testid=user-menu-list]");

        if (byKeyboard)
        {
            await TabToAsync(page, "user-menu");
            await page.Keyboard.PressAsync("Enter");
            await list.WaitForAsync();
            (await FocusedTextAsync(page)).Should().Be("Settings", "opening from the keyboard puts the focus on the first item");
            await page.Keyboard.PressAsync("ArrowDown");
            (await FocusedTextAsync(page)).Should().Be("Sign out");
            await console.ScreenshotAsync($"user-menu-keyboard-{user}");
            await page.Keyboard.PressAsync("Enter");
        }
        else
        {
            await page.ClickAsync("[data-testid=user-menu]");
            await list.WaitForAsync();
            await page.ClickAsync("[data-testid=sign-out]");
        }

        await page.WaitForURLAsync(url => url.Contains("/account/login"));
        await page.Locator("#username").WaitForAsync();
        using (var cookieless = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(app.BaseUrl) })
        {
            var cookies = await page.Context.CookiesAsync();
            cookieless.DefaultRequestHeaders.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}")));
            (await cookieless.GetAsync("/api/me", TestContext.Current.CancellationToken)).StatusCode.Should().Be(System.Net.HttpStatusCode.Unauthorized,
                "the browser's cookies sign nobody in any more");
        }

        await page.GoBackAsync();
        await page.WaitForURLAsync(url => url.Contains("/account/login"));
        (await page.Locator("[data-testid=user-name]").CountAsync()).Should().Be(0, "Back shows the sign-in page, not the console it left");
        (await page.Locator("[data-testid=audit-table]").CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task UserMenu_SpaceOpensIt_TabReachesSignOut_AndEscClosesItBackToTheButton()
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync("admin", OpsAppFactory.Password);
        var page = console.Page;
        var list = page.Locator("[data-testid=user-menu-list]");

        await TabToAsync(page, "user-menu");
        await page.Keyboard.PressAsync(" ");
        await list.WaitForAsync();
        (await page.GetAttributeAsync("[data-testid=user-menu]", "aria-expanded")).Should().Be("true");
        await page.Keyboard.PressAsync("Tab");
        (await FocusedTextAsync(page)).Should().Be("Sign out");
        await page.Keyboard.PressAsync("Escape");
        await list.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        (await page.EvaluateAsync<string?>("() => document.activeElement?.dataset.testid")).Should().Be("user-menu");
        (await page.GetAttributeAsync("[data-testid=user-menu]", "aria-expanded")).Should().Be("false");
    }

    [Fact]
    public async Task Dashboard_RelativeTimes_MoveOnWithoutANewEntry()
    {
        using (var admin = await ApiClients.SignedInAsync(app.BaseUrl, "admin"))
        {
            (await admin.PostAsJsonAsync("/api/users", new { user_name = "clock-check", roles = new[] { "viewer" }, password = "clock-check-2026" },
                TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        }
        await using var console = await ConsolePage.OpenAsync(browser.Browser, app.BaseUrl);
        await console.SignInAsync("viewer", OpsAppFactory.Password);
        var row = console.Page.Locator("[data-testid=tile-audit] tr", new() { HasText = "clock-check" }).Locator("time").First;
        await row.WaitForAsync();
        var first = await row.InnerTextAsync();

        // Nothing new is written: the text changes only because the circuit's clock ticks.
        await Until.TrueAsync(async () => await row.InnerTextAsync() != first, $"'{first}' on the dashboard to move on", TimeSpan.FromSeconds(10));
        (await row.InnerTextAsync()).Should().MatchRegex(@"^\d+ s ago$");
    }

    private static async Task TabToAsync(IPage page, string testId)
    {
        await page.EvaluateAsync("() => { document.activeElement?.blur(); window.getSelection()?.removeAllRanges(); }");
        for (var presses = 0; presses < 40; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<string?>("() => document.activeElement?.dataset.testid") == testId)
            {
                return;
            }
        }
        throw new InvalidOperationException($"Tab never reached [data-testid={testId}]");
    }

    private static Task<string?> FocusedTextAsync(IPage page) => page.EvaluateAsync<string?>("() => document.activeElement?.textContent?.trim()");
}
