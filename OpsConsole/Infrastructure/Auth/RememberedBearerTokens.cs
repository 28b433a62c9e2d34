using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;

namespace OpsConsole.Infrastructure.Auth;

/// <summary>
/// Identity's bearer-token format with the tickets of recently seen tokens remembered: a phone or a service calls the
/// API all day with one token, and decrypting it (key derivation, AES, HMAC) was a tenth of the server's time per
/// dispatch claim. A token is remembered for at most <see cref="RememberFor"/> and never past its own expiry; the
/// bearer handler still checks the expiry on every request, and <see cref="ActiveAccountHandler"/> still checks the
/// account. Each request gets its own copy of the ticket (claims transformations may add to a principal). Tokens
/// that do not decrypt are not remembered. Issuing a token goes straight to the inner format.
/// </summary>
public sealed class RememberedBearerTokens(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider time) : ISecureDataFormat<AuthenticationTicket>
{
    public static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(5);

    /// <summary>Tokens remembered at most at once; beyond it, the oldest are dropped.</summary>
    public const int Capacity = 10_000;

    private readonly MemoryCache _tickets = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (string.IsNullOrEmpty(protectedText))
        {
            return null;
        }
        var key = purpose is null ? protectedText : purpose + "\n" + protectedText;
        if (!_tickets.TryGetValue(key, out AuthenticationTicket? ticket) || ticket is null)
        {
            ticket = inner.Unprotect(protectedText, purpose);
            var now = time.GetUtcNow();
            if (ticket?.Properties.ExpiresUtc is { } expires && expires > now)
            {
                var until = now + RememberFor;
                _tickets.Set(key, ticket, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expires < until ? expires : until });
            }
        }
        // ClaimsPrincipal.Clone shares its identities; each identity is cloned so that nothing added on one request shows on another.
        return ticket is null
            ? null
            : new AuthenticationTicket(new ClaimsPrincipal(ticket.Principal.Identities.Select(i => i.Clone())), ticket.Properties.Clone(), ticket.AuthenticationScheme);
    }
}
