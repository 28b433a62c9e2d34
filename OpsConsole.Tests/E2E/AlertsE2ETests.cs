using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// An operator with the inbox open when the yard system goes down: the alert arrives in the top bar's badge and the inbox
/// without a reload, acknowledging it is audited, and it resolves by itself when the yard system is back.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AlertsE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new(settings: new Dictionary<string, string?> { ["Simulators:Yard:Invalid"] = "false" });
    private string _base = "";

    public async ValueTask InitializeAsync()
    {
        _base = _app.StartKestrel();
        using var admin = await ApiClients.SignedInAsync(_base, "admin");
        (await admin.PostAsJsonAsync("/sim/yard/world", new { hostlers = 4, workbasket_tasks = 6, frozen = true, invalid = false })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync("/api/yard/settings", new { interval_seconds = 1 })).EnsureSuccessStatusCode();
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static Task<HttpResponseMessage> FaultAsync(HttpClient admin, bool outage) =>
        admin.PutAsJsonAsync("/api/simulators/yard/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage });

    [Fact]
    public async Task AYardOutage_ArrivesInTheBadgeAndTheInboxLive_IsAcknowledgedWithAnAuditLine_AndResolvesWhenTheYardIsBack()
    {
        using var admin = await ApiClients.SignedInAsync(_base, "admin");
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("operator", OpsAppFactory.Password);
        await console.GotoAsync("/alerts");
        await console.WaitUntilLiveAsync();
        var badge = console.Page.Locator("[data-testid=alerts-badge]");
        await console.Page.Locator("[data-testid=alerts-table]").GetByText("No alerts match").WaitForAsync();
        (await badge.GetAttributeAsync("data-count")).Should().Be("0");

        (await FaultAsync(admin, outage: true)).EnsureSuccessStatusCode();
        var row = console.Page.Locator("[data-testid=alerts-table] tbody tr").Filter(new() { Has = console.Page.Locator("td[data-alert=stale]") });
        await row.WaitForAsync(new() { Timeout = 20_000 });
        await console.Page.Locator("[data-testid=alerts-badge][data-count='1']").WaitForAsync();
        (await row.InnerTextAsync()).Should().Contain("Yard data is stale").And.Contain("critical").And.Contain("outage");
        (await row.Locator("[data-testid=alert-act]").GetAttributeAsync("href")).Should().Be("/yard");
        await console.ScreenshotAsync("alerts-inbox-yard-outage");

        await row.Locator("[data-testid=acknowledge]").ClickAsync();
        await row.Locator("td[data-state=acknowledged]").WaitForAsync();
        (await row.InnerTextAsync()).Should().Contain("by operator");
        await console.Page.Locator("[data-testid=alerts-badge][data-count='0']").WaitForAsync();
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/audit?entity=Alert");
        audit.GetProperty("items").EnumerateArray().Should().ContainSingle(e => e.GetProperty("action").GetString() == "alert.acknowledge"
            && e.GetProperty("actor").GetString() == "operator" && e.GetProperty("module").GetString() == "yard");

        (await FaultAsync(admin, outage: false)).EnsureSuccessStatusCode();
        await row.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 20_000 });
        var resolved = await admin.GetFromJsonAsync<JsonElement>("/api/alerts?module=yard&state=resolved");
        resolved.GetProperty("items").EnumerateArray().Should().ContainSingle(a => a.GetProperty("key").GetString() == "stale"
            && a.GetProperty("acknowledged_by").GetString() == "operator");
        await console.ScreenshotAsync("alerts-inbox-resolved");
    }

    [Fact]
    public async Task TheBadge_LinksToTheInbox_AndTheInboxAndTheDashboardTile_HaveNoSeriousAccessibilityFindings()
    {
        using var admin = await ApiClients.SignedInAsync(_base, "admin");
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("viewer", OpsAppFactory.Password);
        await console.Page.Locator("[data-testid=tile-alerts]").WaitForAsync();
        AxeAssert.NoSeriousViolations(await console.Page.RunAxe(), "dashboard with the alerts tile");

        await console.Page.Locator("[data-testid=alerts-badge]").ClickAsync();
        await console.Page.WaitForURLAsync("**/alerts");
        await console.Page.Locator("[data-testid=alerts-table]").WaitForAsync();
        (await console.Page.Locator("[data-testid=acknowledge-selected]").CountAsync()).Should().Be(0, "a viewer reads the inbox; operators acknowledge");
        AxeAssert.NoSeriousViolations(await console.Page.RunAxe(), "alerts inbox");
    }
}

internal static class AxeAssert
{
    public static void NoSeriousViolations(Deque.AxeCore.Commons.AxeResult result, string what)
    {
        var serious = result.Violations.Where(v => v.Impact is "critical" or "serious")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))}")
            .ToList();
        serious.Should().BeEmpty($"the {what} must have no critical or serious axe violations");
    }
}
