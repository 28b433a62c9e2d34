using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// The hostler view through an outage (ADR 0019): "Last polled" keeps the last good poll with the failed attempt
/// beside it, "Poll now" against the open circuit breaker says so, and the view recovers within an interval of the
/// yard system's return.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class YardRecoveryE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new(settings: new Dictionary<string, string?> { ["Simulators:Yard:Invalid"] = "false" });
    private string _base = "";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _base = _app.StartKestrel();
        using var admin = await ApiClients.SignedInAsync(_base, "admin");
        (await admin.PostAsJsonAsync("/sim/yard/world", new { hostlers = 4, workbasket_tasks = 6, frozen = true, invalid = false })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync("/api/yard/settings", new { interval_seconds = 1 })).EnsureSuccessStatusCode();
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Outage_LastPolledStaysTheLastGoodPoll_PollNowSaysTheBreakerIsOpen_AndTheViewRecoversWithinAnInterval()
    {
        using var admin = await ApiClients.SignedInAsync(_base, "admin");
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("operator", OpsAppFactory.Password);
        await console.GotoAsync("/yard");
        await console.WaitUntilLiveAsync();
        var page = console.Page;
        await page.Locator("[data-hostler]").First.WaitForAsync();
        var lastGood = page.Locator("[data-testid=last-good-poll] time");
        await lastGood.WaitForAsync();

        await SetOutageAsync(admin, true);
        await page.Locator("[data-testid=stale-banner]").WaitForAsync(new() { Timeout = 15_000 });
        var status = await StatusAsync(admin);
        var lastSuccess = status.GetProperty("last_success_at").GetDateTime();
        status.GetProperty("last_polled_at").GetDateTime().Should().Be(lastSuccess, "the API's last_polled_at is the last good poll too");
        DateTime.Parse(await lastGood.GetAttributeAsync("datetime") ?? "", null, System.Globalization.DateTimeStyles.RoundtripKind)
            .Should().Be(lastSuccess, "'Last polled' on the page is the last good poll");
        // Failed attempts go on every second; "Last polled" keeps counting from the last good one, as the stale banner does.
        await Until.TrueAsync(async () => await SecondsAgoAsync(lastGood) >= 5, "'Last polled' to count on through the failed attempts", TimeSpan.FromSeconds(10));
        (await page.Locator("[data-testid=last-attempt]").InnerTextAsync()).Should().Contain("failed").And.Contain("503");

        // The breaker opens after the failures pile up; then a poll is one probe, and "Poll now" says what stopped it.
        await Until.TrueAsync(async () => (await StatusAsync(admin)).GetProperty("last_error").GetString()?.Contains("Circuit breaker open") == true,
            "the yard client's circuit breaker to open", TimeSpan.FromSeconds(30));
        await page.ClickAsync("[data-testid=poll-now]");
        var outcome = page.Locator("[data-testid=poll-outcome]");
        await outcome.Filter(new() { HasText = "failed" }).WaitForAsync();
        (await outcome.InnerTextAsync()).Should().Contain("Circuit breaker open").And.Contain("503");
        await console.ScreenshotAsync("yard-breaker-open");

        // Back: within one interval (1 s) plus a cycle the view is fresh again, although the breaker's own break is 15 s.
        await SetOutageAsync(admin, false);
        await page.Locator("[data-testid=stale-banner]").WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 6_000 });
        await page.Locator("[data-testid=last-attempt]").WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 2_000 });
        (await SecondsAgoAsync(lastGood)).Should().BeLessThan(3);
        await console.ScreenshotAsync("yard-recovered");
    }

    private static async Task SetOutageAsync(HttpClient admin, bool outage) =>
        (await admin.PutAsJsonAsync("/api/simulators/yard/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage }, Ct)).EnsureSuccessStatusCode();

    private static async Task<JsonElement> StatusAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/yard/snapshot", Ct)).GetProperty("status");

    private static async Task<int> SecondsAgoAsync(ILocator time)
    {
        var text = await time.InnerTextAsync();
        var match = System.Text.RegularExpressions.Regex.Match(text, @"^(\d+) (s|min|h|d) ago$");
        match.Success.Should().BeTrue($"'{text}' reads as a relative time");
        var n = int.Parse(match.Groups[1].Value);
        return match.Groups[2].Value switch { "s" => n, "min" => n * 60, "h" => n * 3600, _ => n * 86400 };
    }
}
