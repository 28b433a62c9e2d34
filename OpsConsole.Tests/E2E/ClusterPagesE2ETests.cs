using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// A page open on instance B while an admin works on instance A (ADR 0039), on a redis-server of the test's own: the
/// page updates live; with Redis stopped B says live updates are degraded (shell and /health/ready), and when Redis
/// is back the page shows what changed meanwhile. The degraded timer is set long, so only the resync can show it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ClusterPagesE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private OwnRedis _redis = default!;
    private TwoInstances _cluster = default!;
    private string _a = "", _b = "";

    public async ValueTask InitializeAsync()
    {
        _redis = new OwnRedis();
        await _redis.StartAsync();
        _cluster = new TwoInstances(_redis.Address, new Dictionary<string, string?> { ["Cluster:DegradedRefreshSeconds"] = "600" });
        _a = _cluster.A.StartKestrel();
        _b = _cluster.B.StartKestrel();
    }

    public async ValueTask DisposeAsync()
    {
        await (_cluster?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (_redis?.DisposeAsync() ?? ValueTask.CompletedTask);
    }

    private static async Task AddCodeAsync(HttpClient admin, string code)
    {
        var body = new StringContent($$"""[{"kind": "reason", "code": "{{code}}", "label": "Label {{code}}"}]""", Encoding.UTF8, "application/json");
        (await admin.PutAsync("/api/maintenance/codes", body)).EnsureSuccessStatusCode();
    }

    private static async Task<string> LiveUpdatesHealthAsync(HttpClient client)
    {
        var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready");
        return ready.GetProperty("checks").GetProperty("live-updates").GetProperty("status").GetString()!;
    }

    [Fact]
    public async Task APageOnB_UpdatesWhenAChanges_SaysDegradedWhileRedisIsDown_AndShowsWhatChangedMeanwhileWhenItIsBack()
    {
        using var adminOnA = await ApiClients.SignedInAsync(_a, "admin");
        using var anonymousOnB = new HttpClient { BaseAddress = new Uri(_b) };
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _b);
        await console.SignInAsync("supervisor", OpsAppFactory.Password);
        await console.GotoAsync("/maintenance/codes");
        await console.WaitUntilLiveAsync();
        await console.Page.Locator("[data-testid=codes]").Or(console.Page.GetByText("No codes")).First.WaitForAsync();

        await AddCodeAsync(adminOnA, "clu1");
        await console.Page.Locator("tr[data-code='reason:clu1']").WaitForAsync(new() { Timeout = 20_000 });

        _redis.Stop();
        await Until.TrueAsync(async () => await LiveUpdatesHealthAsync(anonymousOnB) == "Degraded", "B's /health/ready to say Degraded", TimeSpan.FromSeconds(20));
        var notice = console.Page.Locator("[data-testid=live-degraded]");
        await notice.WaitForAsync(new() { Timeout = 20_000 });
        (await notice.InnerTextAsync()).Should().Contain("Live updates degraded").And.Contain("10 s".Replace("10", "600"));
        await console.ScreenshotAsync("cluster-live-updates-degraded");
        await AddCodeAsync(adminOnA, "clu2"); // its event is lost: Redis is down

        await _redis.StartAsync();
        await notice.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 30_000 });
        await console.Page.Locator("tr[data-code='reason:clu2']").WaitForAsync(new() { Timeout = 20_000 });
        (await LiveUpdatesHealthAsync(anonymousOnB)).Should().Be("Healthy");
    }
}
