using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Auth;

/// <summary>
/// Nobody learns from the sign-in which accounts exist or what state they are in: an unknown user, a wrong password, a
/// locked and a disabled account get the same answer and cost one password hash each (an unknown user cost 3 ms against
/// 133 ms for a wrong password); the audit log keeps the real reason.
/// </summary>
public sealed class PasswordSignInTests : IAsyncLifetime
{
    private readonly CountingHasher _hasher = new();
    private readonly OpsAppFactory _app;

    public PasswordSignInTests() => _app = new OpsAppFactory().WithServices(s =>
    {
        s.RemoveAll<IPasswordHasher<OpsUser>>();
        s.AddSingleton<IPasswordHasher<OpsUser>>(_hasher);
    });

    public async ValueTask InitializeAsync()
    {
        using var admin = await _app.ClientAsAsync("admin");
        (await admin.PostAsync("/api/users/viewer/disable", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        for (var i = 0; i < 5; i++)
        {
            await SignInAsync("supervisor", "wrong-password-" + i);
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Theory]
    [InlineData("nobody-at-all", "not-the-password1")]
    [InlineData("operator", "not-the-password1")]
    [InlineData("viewer", OpsAppFactory.Password)]
    [InlineData("supervisor", OpsAppFactory.Password)]
    public async Task EveryRefusal_SaysTheSame_AndCostsOnePasswordHash(string user, string password)
    {
        var before = _hasher.Verifications;
        var response = await SignInAsync(user, password);
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Be("Wrong user name or password.");
        (_hasher.Verifications - before).Should().Be(1, "an unknown, locked or disabled account must cost what a wrong password costs");
    }

    [Fact]
    public async Task TheAuditLog_KeepsTheRealReason()
    {
        await SignInAsync("viewer", OpsAppFactory.Password);
        await SignInAsync("supervisor", OpsAppFactory.Password);
        using var admin = await _app.ClientAsAsync("admin");
        var log = await admin.GetFromJsonAsync<JsonElement>("/api/audit?entity=User&page_size=200");
        var lines = log.GetProperty("items").EnumerateArray()
            .Select(i => (Action: i.GetProperty("action").GetString(), Id: i.GetProperty("entity_id").GetString(), After: i.GetProperty("after").GetString()))
            .ToList();
        lines.Should().Contain(l => l.Action == "auth.refused" && l.Id == "viewer" && l.After!.Contains("disabled"));
        lines.Should().Contain(l => l.Action == "auth.refused" && l.Id == "supervisor" && l.After!.Contains("locked"));
        lines.Should().Contain(l => l.Action == "auth.lockout" && l.Id == "supervisor");
    }

    [Fact]
    public async Task TheSignInPage_SaysTheSameForALockedAccount_AsForAWrongPassword()
    {
        var locked = await PageSignInAsync("supervisor", OpsAppFactory.Password);
        var wrong = await PageSignInAsync("operator", "not-the-password1");
        var unknown = await PageSignInAsync("nobody-at-all", "not-the-password1");
        locked.Should().Be(wrong).And.Be(unknown).And.Contain("Wrong user name or password.");
    }

    private async Task<HttpResponseMessage> SignInAsync(string user, string password)
    {
        using var client = _app.CreateClient();
        return await client.PostAsJsonAsync("/api/auth/login", new { username = user, password });
    }

    private async Task<string> PageSignInAsync(string user, string password)
    {
        using var client = _app.CreateClient(new() { HandleCookies = true, AllowAutoRedirect = false });
        var token = await CookieSessions.FormTokenAsync(client);
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.UserName"] = user, ["Input.Password"] = password,
        }));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var page = await response.Content.ReadAsStringAsync();
        return System.Text.RegularExpressions.Regex.Match(page, "data-testid=\"login-error\">([^<]*)<").Groups[1].Value;
    }

    /// <summary>Identity's own hasher, counting how often a sign-in verified a password.</summary>
    private sealed class CountingHasher : IPasswordHasher<OpsUser>
    {
        private readonly PasswordHasher<OpsUser> _inner = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public string HashPassword(OpsUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(OpsUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
