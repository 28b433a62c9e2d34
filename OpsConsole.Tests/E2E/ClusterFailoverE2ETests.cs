using Microsoft.Playwright;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// A browser through HAProxy (cookie affinity) in front of two clustered console processes (issue 20 items 8 and 9): a
/// change made on the other instance reaches its page; when the instance holding its circuit is killed, the page
/// reconnects through the proxy to the other instance, which has no such circuit and says so; the page reloads there,
/// still signed in (one key ring in the database), on the same address, so its page, filters and selection are as
/// they were.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ClusterFailoverE2ETests(BrowserFixture browser)
{
    private static async Task<string> NodeAsync(ConsolePage console) =>
        (await console.Page.Context.CookiesAsync()).SingleOrDefault(c => c.Name == "OPSNODE")?.Value ?? "";

    [Fact]
    public async Task ASessionThroughTheProxy_SurvivesTheKillOfItsInstance_OnTheSamePageWithItsFilters()
    {
        // Development: the build output serves its static assets (blazor.web.js, MudBlazor's) only there; a published
        // console (deploy/Dockerfile) serves them in Production. The dispatch simulation stays off.
        await using var cluster = await ConsoleCluster.StartAsync(TestRedis.Shared(), new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Dispatch__Simulation__Enabled"] = "false", ["AUTO_SYNC_ENABLED"] = "false",
        });
        await using var proxy = await TestHaProxy.StartAsync(new Dictionary<string, int> { ["a"] = cluster.PortOf("a"), ["b"] = cluster.PortOf("b") });
        using (var admin = await ApiClients.SignedInAsync(proxy.BaseUrl, "admin"))
        {
            var code = new StringContent("""[{"kind": "reason", "code": "failover1", "label": "Failover test"}]""", System.Text.Encoding.UTF8, "application/json");
            (await admin.PutAsync("/api/maintenance/codes", code)).EnsureSuccessStatusCode();
        }
        await using var console = await ConsolePage.OpenAsync(browser.Browser, proxy.BaseUrl);
        await console.SignInAsync("admin", OpsAppFactory.Password);
        const string path = "/audit?module=maintenance&text=failover1";
        await console.GotoAsync(path);
        await console.WaitUntilLiveAsync();
        var text = console.Page.Locator("[data-testid=filter-text] input, input[data-testid=filter-text]").First;
        await Assertions.Expect(text).ToHaveValueAsync("failover1");
        var rows = console.Page.Locator("[data-testid=audit-table] tbody tr", new() { HasTextString = "failover1" });
        await rows.First.WaitForAsync();
        var node = await NodeAsync(console);
        node.Should().BeOneOf("a", "b");
        var other = node == "a" ? "b" : "a";

        // A change made on the other instance reaches this page through the event bridge: it offers the new line (one
        // that matches its filter).
        using (var adminOnOther = await ApiClients.SignedInAsync(cluster[other].BaseUrl, "admin"))
        {
            var code = new StringContent("""[{"kind": "reason", "code": "failover1-b", "label": "Made on the other instance"}]""", System.Text.Encoding.UTF8, "application/json");
            (await adminOnOther.PutAsync("/api/maintenance/codes", code)).EnsureSuccessStatusCode();
        }
        await console.Page.Locator("[data-testid=audit-new]").WaitForAsync(new() { Timeout = 20_000 });

        await console.Page.EvaluateAsync("() => window.beforeTheKill = true");
        await cluster[node].KillAsync();
        // The circuit's instance is gone: the page says it is reconnecting, then reloads on the other instance.
        await Until.TrueAsync(async () => await NodeAsync(console) == other, $"the browser to be sent to instance {other}", TimeSpan.FromSeconds(60));
        await Until.TrueAsync(async () =>
        {
            try
            {
                return await console.Page.EvaluateAsync<bool>("() => window.beforeTheKill !== true && document.documentElement.dataset.circuit === 'live'");
            }
            catch (PlaywrightException)
            {
                return false; // the reload under way
            }
        }, "the page reloaded and live again", TimeSpan.FromSeconds(30));
        await console.Page.Locator("#ops-connection.ops-connection--live").WaitForAsync(new() { Timeout = 30_000 });
        new Uri(console.Page.Url).PathAndQuery.Should().Be(path, "the page and its filters live in the address");
        await Assertions.Expect(text).ToHaveValueAsync("failover1");
        await rows.First.WaitForAsync(new() { Timeout = 30_000 });
        (await console.Page.Locator("form[action*='login'], [data-testid=sign-in]").CountAsync()).Should().Be(0, "the sign-in holds on the other instance");
        await console.ScreenshotAsync("cluster-failover-after-kill");
    }
}
