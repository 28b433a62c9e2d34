using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Infrastructure.Auth;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Auth;

/// <summary>Bearer tickets remembered between requests: decrypted once, copied per request, never past their expiry.</summary>
public sealed class RememberedBearerTokensTests(SharedApp app) : IClassFixture<SharedApp>
{
    private sealed class CountingFormat(Func<string, AuthenticationTicket?> unprotect) : ISecureDataFormat<AuthenticationTicket>
    {
        public int Calls;
        public string Protect(AuthenticationTicket data) => throw new NotSupportedException();
        public string Protect(AuthenticationTicket data, string? purpose) => throw new NotSupportedException();
        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
        {
            Interlocked.Increment(ref Calls);
            return unprotect(protectedText!);
        }
    }

    private static AuthenticationTicket Ticket(string user, DateTimeOffset expires) => new(
        new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user), new Claim(ClaimTypes.Role, "worker")], "Bearer")),
        new AuthenticationProperties { ExpiresUtc = expires }, IdentityConstants.BearerScheme);

    [Fact]
    public void AToken_IsDecryptedOnce_AndEachRequestGetsItsOwnCopy()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var inner = new CountingFormat(token => token == "good" ? Ticket("w1", clock.GetUtcNow().AddHours(8)) : null);
        var tokens = new RememberedBearerTokens(inner, clock);

        var first = tokens.Unprotect("good")!;
        var second = tokens.Unprotect("good")!;

        inner.Calls.Should().Be(1);
        second.Principal.Should().NotBeSameAs(first.Principal, "a claims transformation on one request must not reach another");
        second.Principal.Identity!.Name.Should().Be("w1");
        second.Properties.ExpiresUtc.Should().Be(first.Properties.ExpiresUtc);
        ((ClaimsIdentity)first.Principal.Identity!).AddClaim(new Claim("extra", "1"));
        tokens.Unprotect("good")!.Principal.HasClaim("extra", "1").Should().BeFalse();
    }

    [Fact]
    public void ATokenThatDoesNotDecrypt_IsNotRemembered()
    {
        var inner = new CountingFormat(_ => null);
        var tokens = new RememberedBearerTokens(inner, TimeProvider.System);
        tokens.Unprotect("forged").Should().BeNull();
        tokens.Unprotect("forged").Should().BeNull();
        tokens.Unprotect("").Should().BeNull();
        inner.Calls.Should().Be(2, "every forged token is tried again; an empty one is not tried at all");
    }

    [Fact]
    public void AnExpiredTicket_IsNotRemembered()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var inner = new CountingFormat(_ => Ticket("w1", clock.GetUtcNow().AddMinutes(-1)));
        var tokens = new RememberedBearerTokens(inner, clock);
        tokens.Unprotect("old");
        tokens.Unprotect("old");
        inner.Calls.Should().Be(2);
    }

    [Fact]
    public async Task TheConsole_RemembersItsBearerTokens_AndStillRefusesForgedOnes()
    {
        var options = app.Services.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(IdentityConstants.BearerScheme);
        options.BearerTokenProtector.Should().BeOfType<RememberedBearerTokens>();

        var token = await app.TokenAsync("viewer");
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        for (var i = 0; i < 3; i++)
        {
            (await client.GetAsync("/api/me", TestContext.Current.CancellationToken)).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token[..^4] + "AAAA");
        (await client.GetAsync("/api/me", TestContext.Current.CancellationToken)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
