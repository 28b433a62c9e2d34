using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.E2E;

/// <summary>Revocation that reaches an open page, and a hostile page on another port of the same host, in a real Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SecurityE2ETests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new(null, new Dictionary<string, string?> { ["Auth:AccountCheckSeconds"] = "1" });
    private string _base = "";

    public ValueTask InitializeAsync()
    {
        _base = _app.StartKestrel();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Theory]
    [InlineData("disable")]
    [InlineData("demote")]
    public async Task AnOpenPage_OfAUserWhoIsDisabledOrDemoted_IsSignedOut_AndSaysWhy(string change)
    {
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("supervisor", OpsAppFactory.Password);
        await console.GotoAsync("/dispatch/suggestions");
        await console.WaitUntilLiveAsync();

        using var admin = await ApiClients.SignedInAsync(_base, "admin");
        var response = change == "disable"
            ? await admin.PostAsync("/api/users/supervisor/disable", null)
            : await admin.PutAsJsonAsync("/api/users/supervisor/roles", new { roles = new[] { "viewer" } });
        response.EnsureSuccessStatusCode();

        await console.Page.WaitForURLAsync(url => url.Contains("/account/login") && url.Contains("ended=account-changed"), new() { Timeout = 15_000 });
        await console.Page.Locator("[data-testid=session-ended]").WaitForAsync();
        await console.ScreenshotAsync("session-ended-" + change);
        (await console.Page.Locator("[data-testid=session-ended]").InnerTextAsync()).Should().Contain("You were signed out");
    }

    [Fact]
    public async Task APageOnAnotherPort_CannotUseTheAdminsCookie_ToActOrToListen()
    {
        await using var evil = await HostileSiteAsync(_base);
        await using var console = await ConsolePage.OpenAsync(browser.Browser, _base);
        await console.SignInAsync("admin", OpsAppFactory.Password);

        await console.Page.GotoAsync(evil.Url);
        var outcome = await console.Page.WaitForFunctionAsync("() => window.attackDone && window.attackResults");
        var results = JsonSerializer.Deserialize<Dictionary<string, string>>(await outcome.JsonValueAsync<string>())!;
        results["hub"].Should().NotBe("200", "the hub refuses a negotiation from another origin");

        using var api = await ApiClients.SignedInAsync(_base, "admin");
        var users = await api.GetFromJsonAsync<JsonElement>("/api/users");
        users.EnumerateArray().Single(u => u.GetProperty("user_name").GetString() == "viewer").GetProperty("is_disabled").GetBoolean()
            .Should().BeFalse("the hostile page's POST with the admin's cookie was refused");
        var log = await api.GetFromJsonAsync<JsonElement>("/api/audit?entity=User&text=viewer");
        log.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("action").GetString()).Should().NotContain("user.disable");
    }

    private sealed class HostileSite(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }

    /// <summary>A page on another port of 127.0.0.1 (same site, another origin) that calls the console with the visitor's cookie.</summary>
    private static async Task<HostileSite> HostileSiteAsync(string console)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var html = $$"""
            <!doctype html><title>Win a prize</title>
            <script>
            (async () => {
              const results = {};
              try { const r = await fetch('{{console}}/api/users/viewer/disable', { method: 'POST', credentials: 'include', mode: 'no-cors' }); results.disable = String(r.status); }
              catch (e) { results.disable = 'error'; }
              try { const r = await fetch('{{console}}/hubs/ops/negotiate?negotiateVersion=1', { method: 'POST', credentials: 'include' }); results.hub = String(r.status); }
              catch (e) { results.hub = 'error'; }
              window.attackResults = JSON.stringify(results);
              window.attackDone = true;
            })();
            </script>
            """;
        app.MapGet("/", () => Results.Content(html, "text/html"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HostileSite(app, address);
    }
}
