using System.Net;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>"Poll now" on the hostler view and POST /api/yard/poll draw on one allowance per operator (ADR 0015).</summary>
[Collection(BrowserCollection.Name)]
public sealed class PollNowLimitE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new(settings: new Dictionary<string, string?>
    {
        ["RateLimits:UpstreamCallBurst"] = "2", ["RateLimits:UpstreamCallsPerMinute"] = "1",
    });
    private string _base = "";

    public ValueTask InitializeAsync()
    {
        _base = _app.StartKestrel();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task PollNow_PastTheAllowance_SaysSo_AndTheApiSharesIt()
    {
        using var api = await ApiClients.SignedInAsync(_base, "operator");
        (await api.PostAsync("/api/yard/poll", null)).StatusCode.Should().NotBe(HttpStatusCode.TooManyRequests);

        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("operator", OpsAppFactory.Password);
        await console.GotoAsync("/yard");
        await console.WaitUntilLiveAsync();
        var outcome = console.Page.Locator("[data-testid=poll-outcome]");
        await console.Page.ClickAsync("[data-testid=poll-now]");
        await console.Page.WaitForFunctionAsync("() => /Polled at|failed/.test(document.querySelector('[data-testid=poll-outcome]').innerText)");

        await console.Page.ClickAsync("[data-testid=poll-now]");
        await console.Page.WaitForFunctionAsync("() => document.querySelector('[data-testid=poll-outcome]').innerText.includes('Not polled')");
        (await outcome.InnerTextAsync()).Should().Contain("Try again in");
        await console.ScreenshotAsync("yard-poll-now-limited");

        (await api.PostAsync("/api/yard/poll", null)).StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "the page used the rest of the same allowance");
    }
}
