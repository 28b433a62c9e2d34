using System.Security.Cryptography;

namespace OpsConsole.Infrastructure.Http;

/// <summary>
/// The headers every response carries: no MIME sniffing, no referrer outside the console, and a content security
/// policy that lets the pages run only the console's own scripts (the import map is inline, so it carries this
/// request's nonce), connect only back to the console (the circuit's WebSocket, the hub) and be framed only by it.
/// MudBlazor sets inline styles, so styles may be inline; scripts may not.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    private const string NonceKey = "ops-csp-nonce";

    /// <summary>The API reference page (Scalar) configures itself with an inline script of its own making.</summary>
    public const string ApiReferencePath = "/api-docs";

    public static string Nonce(HttpContext http) => http.Items[NonceKey] as string ?? "";

    public Task InvokeAsync(HttpContext http)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        http.Items[NonceKey] = nonce;
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "geolocation=(), microphone=(), payment=(), usb=()";
            var scripts = http.Request.Path.StartsWithSegments(ApiReferencePath) ? "'self' 'unsafe-inline'" : $"'self' 'nonce-{nonce}'";
            headers.ContentSecurityPolicy =
                $"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
                "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";
            return Task.CompletedTask;
        });
        return next(http);
    }
}
