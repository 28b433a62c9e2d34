using System.Net;
using System.Net.Http.Headers;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Http;

/// <summary>
/// Outside Development, /metrics and the API description are closed unless configuration opens them; behind a proxy
/// the console believes X-Forwarded-Proto only from the proxies it knows.
/// </summary>
public sealed class OperationsAccessTests
{
    private static OpsAppFactory Console(params (string Key, string? Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["Operations:Metrics"] = null, ["Operations:ApiDocs"] = null };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }
        return new OpsAppFactory(null, values);
    }

    [Fact]
    public async Task OutsideDevelopment_MetricsAreOff_AndTheApiDescriptionNeedsASignIn()
    {
        await using var app = Console();
        using var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });
        (await anonymous.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await anonymous.GetAsync("/openapi/v1.json")).StatusCode.Should().BeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.Redirect);
        (await anonymous.GetAsync("/api-docs")).StatusCode.Should().Be(HttpStatusCode.Redirect, "a person is sent to sign in");
        using var viewer = await app.ClientAsAsync("viewer");
        (await viewer.GetAsync("/openapi/v1.json")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task MetricsWithAToken_AnswerOnlyTheScraperThatSendsIt()
    {
        const string token = "scrape-token-0123456789";
        await using var app = Console(("Operations:MetricsToken", token), ("Operations:ApiDocs", "Off"));
        using var client = app.CreateClient();
        (await client.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-token-0123456789");
        (await client.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var scrape = await client.GetAsync("/metrics");
        scrape.StatusCode.Should().Be(HttpStatusCode.OK);
        (await scrape.Content.ReadAsStringAsync()).Should().Contain("dotnet_gc_");
        using var viewer = await app.ClientAsAsync("viewer");
        (await viewer.GetAsync("/openapi/v1.json")).StatusCode.Should().Be(HttpStatusCode.NotFound, "Operations:ApiDocs is Off");
    }

    [Theory]
    [InlineData("Operations:Metrics", "Token", "Operations:MetricsToken")]
    [InlineData("Operations:Metrics", "sometimes", "Operations:Metrics")]
    [InlineData("Operations:ApiDocs", "public", "Operations:ApiDocs")]
    [InlineData("Proxy:KnownProxies", "not-an-ip", "Proxy:KnownProxies")]
    [InlineData("RateLimits:UpstreamCallsPerMinute", "0", "RateLimits:UpstreamCallsPerMinute")]
    public async Task ABadSetting_StopsTheStart_NamingTheKey(string key, string value, string named)
    {
        await using var app = Console((key, value));
        var start = () => app.Services;
        start.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain(named);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("10.1.2.3", false)]
    public async Task ForwardedProto_FromAKnownProxy_MakesTheSignInCookieSecure(string? knownProxies, bool secure)
    {
        await using var app = Console(("Proxy:KnownProxies", knownProxies));
        var address = app.StartKestrel();
        // Cookies by hand: a cookie marked Secure would not be sent back over plain HTTP by a cookie container.
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        var form = await client.GetAsync("/account/login");
        var token = System.Text.RegularExpressions.Regex.Match(await form.Content.ReadAsStringAsync(),
            "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login", ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["Input.UserName"] = "viewer",
                ["Input.Password"] = OpsAppFactory.Password,
            }),
        };
        post.Headers.Add("Cookie", string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
        var response = await client.SendAsync(post);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("OpsConsole.Auth="));
        cookie.Contains("secure", StringComparison.OrdinalIgnoreCase).Should().Be(secure,
            secure ? "the proxy on loopback says the browser used HTTPS" : "only the configured proxy is believed");
    }
}
