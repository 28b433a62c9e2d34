using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Api;

/// <summary>
/// The OpenAPI document describes the whole API: every /api endpoint of the route table is in it, with an
/// operationId, the bearer scheme where a sign-in is needed, its real status codes, and a schema for every request
/// body and every response that has a body. A new endpoint whose handler returns an untyped IResult fails here.
/// </summary>
public sealed class OpenApiDocumentTests(SharedApp app) : IClassFixture<SharedApp>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private async Task<JsonElement> DocumentAsync()
    {
        using var client = app.CreateClient();
        return await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);
    }

    private IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(op => Methods.Contains(op.Name))
            .Select(op => (path.Name, op.Name.ToUpperInvariant(), op.Value)));

    [Fact]
    public async Task EveryApiEndpoint_IsInTheDocument()
    {
        var document = await DocumentAsync();
        var documented = Operations(document).Select(o => $"{o.Method} {o.Path}").ToHashSet();
        var routes = app.Services.GetRequiredService<IEnumerable<EndpointDataSource>>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true && !e.RoutePattern.RawText.Contains("{**"))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(m => $"{m} {System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText!.TrimEnd('/'), @"\{([^}:]+)(:[^}]+)?\}", "{$1}")}"))
            .ToList();
        routes.Should().NotBeEmpty();
        routes.Where(r => !documented.Contains(r)).Should().BeEmpty("every API endpoint is described");
        document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString().Should().Be("bearer");
    }

    [Fact]
    public async Task EveryOperation_HasAnId_ItsStatusCodes_AndASchemaForEachBody()
    {
        var document = await DocumentAsync();
        var problems = new List<string>();
        var ids = new HashSet<string>();
        foreach (var (path, method, op) in Operations(document))
        {
            var name = $"{method} {path}";
            if (!op.TryGetProperty("operationId", out var id) || string.IsNullOrEmpty(id.GetString()))
            {
                problems.Add($"{name}: no operationId (map it to a named handler)");
            }
            else if (!ids.Add(id.GetString()!))
            {
                problems.Add($"{name}: operationId {id.GetString()} is used twice");
            }
            var responses = op.GetProperty("responses").EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
            if (!responses.Keys.Any(code => code.StartsWith('2')))
            {
                problems.Add($"{name}: no success status");
            }
            foreach (var (code, response) in responses.Where(r => r.Key != "204"))
            {
                if (!response.TryGetProperty("content", out var content) || !content.EnumerateObject().Any()
                    || content.EnumerateObject().Any(c => !c.Value.TryGetProperty("schema", out _)))
                {
                    problems.Add($"{name}: response {code} has no schema (return a typed result)");
                }
            }
            var secured = op.TryGetProperty("security", out var security) && security.GetArrayLength() > 0;
            if (path is not ("/api/auth/login" or "/api/health" or "/api/sync/connections/{id}/webhook") && !secured)
            {
                problems.Add($"{name}: no bearer security requirement");
            }
            if (secured && !responses.ContainsKey("401"))
            {
                problems.Add($"{name}: no 401");
            }
            var takesInput = op.TryGetProperty("requestBody", out var body) || (op.TryGetProperty("parameters", out var parameters) && parameters.GetArrayLength() > 0);
            if (takesInput && !responses.ContainsKey("400"))
            {
                problems.Add($"{name}: takes input but lists no 400");
            }
            if (method is "POST" or "PUT" or "PATCH" && op.TryGetProperty("requestBody", out body)
                && body.GetProperty("content").EnumerateObject().Any(c => !c.Value.TryGetProperty("schema", out _)))
            {
                problems.Add($"{name}: its request body has no schema");
            }
        }
        problems.Should().BeEmpty();
    }

    [Theory]
    [InlineData("/api/suggestions", "post", "201")]
    [InlineData("/api/task/approve", "post", "409")]
    [InlineData("/api/dispatch/next", "post", "404")]
    [InlineData("/api/suggestions/import", "post", "413")]
    [InlineData("/api/users", "post", "403")]
    [InlineData("/api/alerts/{id}/acknowledge", "post", "409")]
    [InlineData("/api/alerts", "get", "400")]
    [InlineData("/api/settings/{module}", "put", "404")]
    public async Task AnOperation_ListsTheStatusItReallyAnswers(string path, string method, string status)
    {
        var document = await DocumentAsync();
        document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses").TryGetProperty(status, out _)
            .Should().BeTrue($"{method.ToUpperInvariant()} {path} answers {status}");
    }

    [Fact]
    public async Task HandlersThatReadTheirOwnBody_DescribeIt()
    {
        var document = await DocumentAsync();
        JsonElement Body(string path) => document.GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Body("/api/suggestions").TryGetProperty("application/json", out _).Should().BeTrue();
        Body("/api/suggestions/import").EnumerateObject().Select(c => c.Name).Should().Contain(["multipart/form-data", "text/csv"]);
        Body("/api/task/{id}/complete").TryGetProperty("application/json", out _).Should().BeTrue("the optional worker body is described");
    }
}
