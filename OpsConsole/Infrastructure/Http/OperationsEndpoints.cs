using System.Security.Cryptography;
using System.Text;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Infrastructure.Auth;
using Scalar.AspNetCore;

namespace OpsConsole.Infrastructure.Http;

/// <summary>Who may read <c>/metrics</c>.</summary>
public enum MetricsAccess
{
    /// <summary>Anyone who can reach the port (Development's default).</summary>
    Anonymous,

    /// <summary>A scraper that sends <c>Authorization: Bearer {Operations:MetricsToken}</c>.</summary>
    Token,

    /// <summary>Not served (the default elsewhere unless a token is configured).</summary>
    Off,
}

/// <summary>Who may read the OpenAPI document and the API reference page.</summary>
public enum ApiDocsAccess
{
    Anonymous,

    /// <summary>Any signed-in account, by cookie or bearer token (the default outside Development).</summary>
    SignedIn,
    Off,
}

/// <summary>`Operations:*`: what the console tells about itself, and to whom.</summary>
public sealed record OperationsAccess(MetricsAccess Metrics, string? MetricsToken, ApiDocsAccess ApiDocs)
{
    /// <summary>Reads the section with the environment's defaults; a bad value stops the start, naming the key.</summary>
    public static OperationsAccess Read(IConfiguration configuration, IHostEnvironment environment)
    {
        var token = configuration["Operations:MetricsToken"] is { Length: > 0 } t ? t : null;
        var metrics = Parse(configuration, "Operations:Metrics",
            environment.IsDevelopment() ? MetricsAccess.Anonymous : token is null ? MetricsAccess.Off : MetricsAccess.Token);
        if (metrics == MetricsAccess.Token && (token is null || token.Length < 16))
        {
            throw new InvalidOperationException("Operations:MetricsToken must be set (at least 16 characters) when Operations:Metrics is Token.");
        }
        var docs = Parse(configuration, "Operations:ApiDocs", environment.IsDevelopment() ? ApiDocsAccess.Anonymous : ApiDocsAccess.SignedIn);
        return new OperationsAccess(metrics, token, docs);
    }

    private static T Parse<T>(IConfiguration configuration, string key, T fallback) where T : struct, Enum =>
        configuration[key] is not { Length: > 0 } text ? fallback
        : Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) ? value
        : throw new InvalidOperationException($"{key} must be one of {string.Join(", ", Enum.GetNames<T>())}; '{text}' is not.");
}

public static class OperationsEndpoints
{
    /// <summary>Prometheus' `/metrics`, the OpenAPI document and the API reference, each as `Operations:*` allows.</summary>
    public static void MapOperationsEndpoints(this WebApplication app)
    {
        var access = app.Services.GetRequiredService<OperationsAccess>();
        if (access.Metrics == MetricsAccess.Token)
        {
            var expected = Encoding.UTF8.GetBytes(access.MetricsToken!);
            app.UseWhen(ctx => ctx.Request.Path.StartsWithSegments("/metrics"), branch => branch.Use(async (ctx, next) =>
            {
                var sent = ctx.Request.Headers.Authorization.ToString();
                var token = sent.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8.GetBytes(sent[7..].Trim()) : [];
                if (!CryptographicOperations.FixedTimeEquals(token, expected))
                {
                    ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"metrics\"";
                    return;
                }
                await next(ctx);
            }));
        }
        if (access.Metrics != MetricsAccess.Off)
        {
            app.MapPrometheusScrapingEndpoint("/metrics").DisableHttpMetrics();
        }
        if (access.ApiDocs == ApiDocsAccess.Off)
        {
            return;
        }
        var document = app.MapOpenApi();
        // Offline-friendly: no web fonts, no hosted AI agent or client generator buttons.
        var reference = app.MapScalarApiReference(SecurityHeaders.ApiReferencePath,
            o => o.WithTitle("OpsConsole API").DisableDefaultFonts().DisableAgent().HideClientButton().HideDeveloperTools());
        if (access.ApiDocs == ApiDocsAccess.SignedIn)
        {
            document.RequireAuthorization(OpsPolicies.SignedIn);
            reference.RequireAuthorization(OpsPolicies.SignedIn);
        }
    }
}
