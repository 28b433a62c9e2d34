using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Http;

/// <summary>Issue 16's hardening, answer by answer: headers on every response, closed operations endpoints, plain errors.</summary>
public sealed partial class HttpHardeningTests(SharedApp app) : IClassFixture<SharedApp>
{
    [Theory]
    [InlineData("/account/login")]
    [InlineData("/api/me")]
    [InlineData("/health/live")]
    [InlineData("/favicon.svg")]
    [InlineData("/no/such/page")]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string path)
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var response = await client.GetAsync(path);
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.GetValues("Referrer-Policy").Should().Equal("same-origin");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.Should().Contain("default-src 'self'").And.Contain("frame-ancestors 'self'").And.Contain("object-src 'none'")
            .And.NotContain("unsafe-eval");
        Regex.Match(csp, "script-src ([^;]*)").Groups[1].Value.Should().NotContain("unsafe-inline", "scripts run only from the console's files and the nonce");
    }

    [Fact]
    public async Task ThePagesInlineImportMap_CarriesThisResponsesNonce()
    {
        using var client = app.CreateClient();
        var response = await client.GetAsync("/account/login");
        var nonce = Regex.Match(response.Headers.GetValues("Content-Security-Policy").Single(), "'nonce-([^']+)'").Groups[1].Value;
        nonce.Should().NotBeEmpty();
        var page = await response.Content.ReadAsStringAsync();
        WebUtility.HtmlDecode(ImportMap().Match(page).Groups[1].Value).Should().Be(nonce);
        var second = await client.GetAsync("/account/login");
        second.Headers.GetValues("Content-Security-Policy").Single().Should().NotContain(nonce, "a nonce is used once");
    }

    [Fact]
    public async Task SignIn_WithANonAsciiReturnUrl_RedirectsThere_Encoded()
    {
        using var client = app.CreateClient(new() { HandleCookies = true, AllowAutoRedirect = false });
        var token = await CookieSessions.FormTokenAsync(client);
        var response = await client.PostAsync("/account/login?ReturnUrl=%2Fetl%2Fjobs%3Fbranch%3D%C3%A9t%C3%A9", new FormUrlEncodedContent(
            new Dictionary<string, string>
            {
                ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.UserName"] = "viewer", ["Input.Password"] = OpsAppFactory.Password,
            }));
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, "this was the only 500 the review found");
        response.Headers.NonValidated["Location"].ToString().Should().EndWith("/etl/jobs?branch=%C3%A9t%C3%A9");
    }

    [Theory]
    [InlineData("/%C3%A9t%C3%A9", "/%C3%A9t%C3%A9")]
    [InlineData("/etl/jobs?status=failed", "/etl/jobs?status=failed")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("/account/logout", "/")]
    [InlineData("", "/")]
    [InlineData(null, "/")]
    public void ReturnUrl_StaysInTheConsole(string? asked, string expected)
    {
        var decoded = asked is null ? null : Uri.UnescapeDataString(asked);
        OpsConsole.Infrastructure.Auth.LocalReturnUrl.From(decoded).Should().Be(expected);
    }

    [Theory]
    [InlineData("/api/jobs/not-a-guid", "id")]
    [InlineData("/api/files/123/download", "id")]
    public async Task AMalformedRouteId_Is400NamingIt(string path, string field)
    {
        using var viewer = await app.ClientAsAsync("viewer");
        await (await viewer.GetAsync(path)).ShouldBeValidationProblemAsync(field);
    }

    [Fact]
    public async Task AMalformedRouteId_OnAPost_Is400NamingIt()
    {
        using var supervisor = await app.ClientAsAsync("supervisor");
        await (await supervisor.PostAsync("/api/task/abc/unassign", null)).ShouldBeValidationProblemAsync("id");
    }

    [Fact]
    public async Task AWrongContentType_Is415_AndAnUnknownRouteStill404_AndAWrongMethod405()
    {
        using var op = await app.ClientAsAsync("operator");
        var wrongType = await op.PostAsync("/api/jobs/fetch", new StringContent("branch=B001", Encoding.UTF8, "text/plain"));
        wrongType.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        wrongType.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await wrongType.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Contain("application/json");

        var unknown = await op.GetAsync("/api/no/such/thing");
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Be("No such API endpoint.");

        var wrongMethod = await op.DeleteAsync("/api/jobs");
        wrongMethod.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        wrongMethod.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Theory]
    [InlineData("/api/jobs?page=2147483647")]
    [InlineData("/api/audit?page=2147483648")]
    [InlineData("/api/jobs?page=-1")]
    public async Task AnOutOfRangePage_Is400NamingPage(string path)
    {
        using var viewer = await app.ClientAsAsync("viewer");
        await (await viewer.GetAsync(path)).ShouldBeValidationProblemAsync("page");
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    [InlineData("Bearer")]
    public async Task TheBearerScheme_IsAcceptedInAnyCase(string scheme)
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, await app.TokenAsync("viewer"));
        (await client.GetAsync("/api/me")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ABadUserName_IsReportedUnderUserName_NotPassword()
    {
        using var admin = await app.ClientAsAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/users", new { user_name = "two words/é", password = "long-enough-pass-1", roles = new[] { "viewer" } });
        var problem = await response.ShouldBeValidationProblemAsync("user_name");
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Should().NotContain("password");
        problem.GetProperty("errors").GetProperty("user_name")[0].GetString().Should().Contain("letters, digits");
    }

    [Fact]
    public async Task ADisabledUsersToken_IsRefusedOnMeToo()
    {
        await using var own = new OpsAppFactory(null, new Dictionary<string, string?> { ["Auth:AccountCheckSeconds"] = "0.2" });
        using var viewer = await own.ClientAsAsync("viewer");
        (await viewer.GetAsync("/api/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        using var admin = await own.ClientAsAsync("admin");
        (await admin.PostAsync("/api/users/viewer/disable", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        await Until.TrueAsync(async () => (await viewer.GetAsync("/api/me")).StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized,
            "the disabled viewer's token is refused on /api/me", TimeSpan.FromSeconds(10));
    }

    [GeneratedRegex("<script type=\"importmap\" nonce=\"([^\"]+)\"")]
    private static partial Regex ImportMap();
}
