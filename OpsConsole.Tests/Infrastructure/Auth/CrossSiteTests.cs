using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Auth;

/// <summary>
/// A page on another port of the same host is same-site, so the browser sends the console's cookie with its requests.
/// Cookie-authenticated requests that act, and hub connections, are refused unless they come from the console's own
/// origin; bearer callers are unaffected. Headers are set as Chromium sets them.
/// </summary>
public sealed class CrossSiteTests(SharedApp app) : IClassFixture<SharedApp>
{
    private static HttpRequestMessage Post(string path, string? site, string? origin, object? body = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (site is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
        }
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        return request;
    }

    [Theory]
    [InlineData("same-site", "http://localhost:5999")]
    [InlineData("cross-site", "http://evil.example")]
    [InlineData(null, "http://localhost:5999")]
    public async Task CookieCall_FromAnotherOrigin_IsRefused_AndChangesNothing(string? site, string? origin)
    {
        using var admin = await app.SignedInWithCookieAsync("admin");
        var response = await admin.SendAsync(Post("/api/users/operator/disable", site, origin));
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Be("Cross-site request refused.");

        var yardPoll = await admin.SendAsync(Post("/api/yard/poll", site, origin));
        yardPoll.StatusCode.Should().Be(HttpStatusCode.Forbidden);

        using var bearer = await app.ClientAsAsync("admin");
        var users = await bearer.GetFromJsonAsync<JsonElement>("/api/users");
        users.EnumerateArray().Single(u => u.GetProperty("user_name").GetString() == "operator").GetProperty("is_disabled").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task CookieCall_FromTheConsolesOwnPages_Works()
    {
        using var admin = await app.SignedInWithCookieAsync("admin");
        var response = await admin.SendAsync(Post("/api/users/operator/enable", "same-origin", "http://localhost"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.SendAsync(Post("/api/users/operator/enable", null, "http://localhost"))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.SendAsync(Post("/api/users/operator/enable", null, null))).StatusCode.Should().Be(HttpStatusCode.OK, "a client that is no browser sends neither header");
    }

    [Fact]
    public async Task CookieReads_FromAnotherOrigin_StillWork_ButTheHubIsRefused()
    {
        using var viewer = await app.SignedInWithCookieAsync("viewer");
        var read = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        read.Headers.Add("Sec-Fetch-Site", "same-site");
        (await viewer.SendAsync(read)).StatusCode.Should().Be(HttpStatusCode.OK, "a cross-site read cannot see the answer (no CORS)");

        var negotiate = Post("/hubs/ops/negotiate?negotiateVersion=1", "same-site", "http://localhost:5999");
        (await viewer.SendAsync(negotiate)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var own = Post("/hubs/ops/negotiate?negotiateVersion=1", "same-origin", "http://localhost");
        (await viewer.SendAsync(own)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task BearerCall_FromAnyOrigin_IsNotAffected()
    {
        using var admin = await app.ClientAsAsync("admin");
        var response = await admin.SendAsync(Post("/api/users/operator/enable", "cross-site", "http://evil.example"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SignOut_WithoutItsAntiforgeryToken_SignsNobodyOut_WithIt_SignsOut()
    {
        using var viewer = await app.SignedInWithCookieAsync("viewer");
        var forged = await viewer.PostAsync("/account/logout", new FormUrlEncodedContent([]));
        forged.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await viewer.GetAsync("/api/me")).StatusCode.Should().Be(HttpStatusCode.OK, "the forged sign-out changed nothing");

        var token = await CookieSessions.FormTokenAsync(viewer);
        var signOut = await viewer.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        signOut.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await viewer.GetAsync("/api/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
