using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

[Collection(BrowserCollection.Name)]
public sealed class ConnectionE2ETests(BrowserFixture browser)
{
    [Fact]
    public async Task Indicator_TurnsToReconnectingOrOffline_WhenTheServerGoesAway()
    {
        var app = new OpsAppFactory();
        var baseUrl = app.StartKestrel();
        await using var console = await ConsolePage.OpenAsync(browser.Browser, baseUrl);
        await console.SignInAsync("operator", OpsAppFactory.Password);
        var indicator = console.Page.Locator("#ops-connection");
        (await indicator.TextContentAsync())!.Trim().Should().Be("Live");

        await app.DisposeAsync();

        await console.Page.WaitForSelectorAsync("#ops-connection[data-state=reconnecting], #ops-connection[data-state=offline]",
            new() { Timeout = 30_000 });
        (await indicator.TextContentAsync()).Should().MatchRegex("Reconnecting|Offline");
        (await console.Page.IsVisibleAsync("#ops-offline-banner")).Should().BeTrue();
        await console.ScreenshotAsync("connection-lost");
    }
}
