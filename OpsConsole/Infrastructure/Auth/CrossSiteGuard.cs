using Microsoft.AspNetCore.Mvc;

namespace OpsConsole.Infrastructure.Auth;

/// <summary>
/// Requests a browser makes for another site's page carry the console's cookie too (SameSite=Lax admits a page on
/// another port of the same host). So cookie-authenticated requests that act — unsafe API calls — and every hub and
/// circuit connection (which stream events and run pages) must come from the console's own origin: a browser's
/// `Sec-Fetch-Site` must say `same-origin`, or, where a browser does not send it, its `Origin` must be the console's
/// (or one of `Auth:AllowedOrigins`). Bearer-token callers are not cookie-authenticated and are not checked; clients
/// that send neither header are not browsers and pass. Forms are covered by antiforgery tokens instead.
/// </summary>
public sealed class CrossSiteGuard(RequestDelegate next, IProblemDetailsService problems, IConfiguration configuration, ILogger<CrossSiteGuard> logger)
{
    private readonly HashSet<string> _allowedOrigins = new(
        (configuration["Auth:AllowedOrigins"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(o => o.TrimEnd('/')),
        StringComparer.OrdinalIgnoreCase);

    public async Task InvokeAsync(HttpContext context)
    {
        if (IsGuarded(context.Request) && CrossSiteReason(context.Request) is { } reason)
        {
            logger.LogWarning("Refused a cross-site {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, reason);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "Cross-site request refused.",
                    Detail = $"{reason} Signed-in browser requests must come from the console's own pages; other clients send a bearer token.",
                },
            });
            return;
        }
        await next(context);
    }

    private static bool IsGuarded(HttpRequest request)
    {
        if (request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (request.Path.StartsWithSegments("/hubs") || request.Path.StartsWithSegments("/_blazor"))
        {
            return !request.Query.ContainsKey("access_token");
        }
        return request.Path.StartsWithSegments("/api")
            && !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
    }

    /// <summary>Why the request is not from the console's own origin, or null when it is (or is no browser's).</summary>
    public string? CrossSiteReason(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && !site.Equals("same-origin", StringComparison.OrdinalIgnoreCase) && !site.Equals("none", StringComparison.OrdinalIgnoreCase)
            && !IsOwnOrigin(request, request.Headers.Origin.ToString()))
        {
            return $"The browser says it came from a {site} page.";
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsOwnOrigin(request, origin))
        {
            return $"It came from {origin}.";
        }
        return null;
    }

    private bool IsOwnOrigin(HttpRequest request, string origin) =>
        origin.Length > 0 && (_allowedOrigins.Contains(origin.TrimEnd('/'))
            || string.Equals(origin.TrimEnd('/'), $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase));
}
