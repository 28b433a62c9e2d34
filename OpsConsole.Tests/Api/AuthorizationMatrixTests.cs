using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Api;

/// <summary>
/// Every /api endpoint, found from the app's own route table, is called anonymously (401) and with each demo
/// role's token: 403 for the roles its policy refuses, anything but 401/403 for the roles it admits. The expected
/// roles come from <see cref="OpsPolicies.RolesByPolicy"/>, so a new endpoint is covered without new test code.
/// </summary>
public sealed class AuthorizationMatrixTests(SharedApp app) : IClassFixture<SharedApp>
{
    /// <summary>The only /api endpoints that may be called without signing in.</summary>
    private static readonly string[] Anonymous =
    [
        "POST /api/auth/login",
        // A task system's webhook: authenticated by its HMAC signature, not by an account (ADR 0036).
        "POST /api/sync/connections/{id}/webhook",
        // The seed's health check: counts only, no names.
        "GET /api/health",
    ];

    [Fact]
    public void EveryApiEndpoint_NamesAPolicyOrIsKnownAnonymous()
    {
        var endpoints = ApiEndpoints();
        endpoints.Should().NotBeEmpty();
        foreach (var e in endpoints)
        {
            if (e.AllowAnonymous)
            {
                Anonymous.Should().Contain(e.Name, "only the listed endpoints may skip authorization");
            }
            else
            {
                e.Authorize.Should().NotBeEmpty($"{e.Name} must require authorization");
                // A named policy must be one of the table; no policy at all means "any signed-in caller" (GET /api/me).
                e.Authorize.All(a => a.Policy is null || OpsPolicies.RolesByPolicy.ContainsKey(a.Policy)).Should()
                    .BeTrue($"{e.Name} must use a policy of the table");
                e.Authorize.All(a => a.Roles is null).Should().BeTrue($"{e.Name} must name a policy, not roles");
            }
        }
    }

    [Fact]
    public async Task EveryProtectedEndpoint_Answers401ToAnonymousAnd403ToRolesItRefuses()
    {
        var failures = new List<string>();
        using var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });
        foreach (var e in ApiEndpoints().Where(e => !e.AllowAnonymous))
        {
            var status = await SendAsync(anonymous, e);
            if (status != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{e.Name} anonymous: {(int)status}, expected 401");
            }
            foreach (var (user, role) in DemoUsers.RoleOf)
            {
                using var client = await app.ClientAsAsync(user);
                status = await SendAsync(client, e);
                var allowed = e.Admits(role);
                if (allowed && status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    failures.Add($"{e.Name} as {role}: {(int)status}, expected to be let in");
                }
                if (!allowed && status != HttpStatusCode.Forbidden)
                {
                    failures.Add($"{e.Name} as {role}: {(int)status}, expected 403");
                }
            }
        }
        failures.Should().BeEmpty();
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, ApiEndpoint e)
    {
        using var request = new HttpRequestMessage(new HttpMethod(e.Method), e.SampleUrl);
        if (e.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private List<ApiEndpoint> ApiEndpoints()
    {
        var sources = app.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        return sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => new ApiEndpoint(
                m, e.RoutePattern.RawText!, e.Metadata.GetMetadata<IAllowAnonymous>() is not null,
                e.Metadata.GetOrderedMetadata<IAuthorizeData>().ToList())))
            .ToList();
    }

    private sealed record ApiEndpoint(string Method, string Pattern, bool AllowAnonymous, IReadOnlyList<IAuthorizeData> Authorize)
    {
        public string Name => $"{Method} {Pattern}";

        public string SampleUrl => Regex.Replace(Pattern, @"\{([^}:]+)(:[^}]+)?\}", m =>
            m.Groups[2].Value.Contains("int") || m.Groups[2].Value.Contains("long") ? "987654" :
            m.Groups[2].Value.Contains("guid") ? Guid.Empty.ToString() : "no-such-thing");

        public bool Admits(string role) =>
            Authorize.Where(a => a.Policy is not null).All(a => OpsPolicies.Allows(a.Policy!, role))
            && Authorize.Where(a => a.Roles is not null).All(a => a.Roles!.Split(',').Contains(role));
    }
}
