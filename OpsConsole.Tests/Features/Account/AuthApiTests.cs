using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Account;

public sealed class AuthApiTests(SharedApp app) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task Login_WithTheDemoPassword_GivesATokenThatEveryApiEndpointAccepts()
    {
        using var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { username = "operator", password = OpsAppFactory.Password });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("token").GetString();
        token.Should().NotBeNullOrEmpty();

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");
        me.GetProperty("name").GetString().Should().Be("operator");
        me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Should().Equal("operator");
    }

    [Fact]
    public async Task Login_WithAWrongPasswordOrUnknownUser_SaysTheSameWithoutAHint()
    {
        using var client = app.CreateClient();
        var wrongPassword = await client.PostAsJsonAsync("/api/auth/login", new { username = "viewer", password = "not-the-password1" });
        var unknownUser = await client.PostAsJsonAsync("/api/auth/login", new { username = "nobody-here", password = "not-the-password1" });
        wrongPassword.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        unknownUser.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var a = await wrongPassword.Content.ReadFromJsonAsync<JsonElement>();
        var b = await unknownUser.Content.ReadFromJsonAsync<JsonElement>();
        a.GetProperty("detail").GetString().Should().Be("Wrong user name or password.").And.Be(b.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Login_AfterFiveFailures_LocksTheAccountEvenForTheRightPassword()
    {
        await using var own = new OpsAppFactory();
        using var client = own.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            (await client.PostAsJsonAsync("/api/auth/login", new { username = "supervisor", password = "wrong-password-" + i }))
                .StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
        var locked = await client.PostAsJsonAsync("/api/auth/login", new { username = "supervisor", password = OpsAppFactory.Password });
        locked.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()
            .Should().Be("Wrong user name or password.", "the caller is not told the account exists and is locked");
        using var admin = await own.ClientAsAsync("admin");
        var log = await admin.GetFromJsonAsync<JsonElement>("/api/audit?text=supervisor&entity=User");
        log.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("action").GetString()).Should().ContainSingle(a => a == "auth.lockout");
    }

    [Theory]
    [InlineData("Bearer not-a-token")]
    [InlineData("Bearer CfDJ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task ForgedToken_Is401(string header)
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("Authorization", header);
        (await client.GetAsync("/api/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ExpiredToken_Is401()
    {
        // Only the bearer handler's clock is moved on. Replacing the app's TimeProvider would stop every timer of the
        // console too (the resilience pipelines' retry delays among them): a poll stuck on one never let it stop.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var own = new OpsAppFactory().WithServices(s =>
            s.PostConfigure<BearerTokenOptions>(IdentityConstants.BearerScheme, o => o.TimeProvider = clock));
        using var client = await own.ClientAsAsync("viewer");
        (await client.GetAsync("/api/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        clock.Advance(TimeSpan.FromHours(9));
        (await client.GetAsync("/api/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_SurvivesARestart_AndIsValidOnAnotherInstance()
    {
        var database = TestDatabases.NewSqlite();
        string token;
        await using (var first = new OpsAppFactory(database))
        {
            token = await first.TokenAsync("viewer");
        }
        await using var second = new OpsAppFactory(database);
        using var client = second.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await client.GetAsync("/api/me")).StatusCode.Should().Be(HttpStatusCode.OK, "the key ring is kept in the database");
    }

    [Fact]
    public async Task TokenOfADisabledUser_StopsWorking()
    {
        await using var own = new OpsAppFactory(null, settings: new Dictionary<string, string?> { ["Auth:AccountCheckSeconds"] = "0.5" });
        using var viewer = await own.ClientAsAsync("viewer");
        (await viewer.GetAsync("/api/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        using var admin = await own.ClientAsAsync("admin");
        (await admin.PostAsync("/api/users/viewer/disable", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the account check is cached briefly
        (await viewer.GetAsync("/api/audit")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("{\"username\": 5, \"password\": \"x\"}", "username")]
    [InlineData("{\"username\": \"admin\", \"password\": [1]}", "password")]
    [InlineData("{\"username\": \"admin\", ", "body")]
    [InlineData("{}", "username")]
    public async Task MalformedOrWrongTypes_Are400NamingTheField(string json, string field)
    {
        using var client = app.CreateClient();
        var response = await client.PostAsync("/api/auth/login", new StringContent(json, Encoding.UTF8, "application/json"));
        await response.ShouldBeValidationProblemAsync(field);
    }

    [Fact]
    public async Task OverLongUserName_Is400NamingTheField()
    {
        using var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { username = new string('a', 5000), password = "x" });
        await response.ShouldBeValidationProblemAsync("username");
    }

    [Fact]
    public async Task UnknownApiRoute_IsAProblemDetails404()
    {
        using var client = await app.ClientAsAsync("viewer");
        var response = await client.GetAsync("/api/no/such/thing");
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task SignInFormPost_WithoutItsAntiforgeryToken_IsRefused()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["Input.UserName"] = "admin", ["Input.Password"] = OpsAppFactory.Password,
        }));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Headers.Contains("Set-Cookie").Should().BeFalse();
    }

    [Fact]
    public async Task UnknownPage_ShowsTheNotFoundPage()
    {
        using var client = app.CreateClient();
        var response = await client.GetAsync("/definitely/not/a/page");
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Anonymous_PageRequest_IsSentToSignIn()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var response = await client.GetAsync("/audit");
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Contain("/account/login");
    }
}
