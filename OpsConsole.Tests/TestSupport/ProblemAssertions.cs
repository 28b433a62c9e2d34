using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OpsConsole.Tests.TestSupport;

public static class ProblemAssertions
{
    /// <summary>The answer is a 400 ProblemDetails whose errors name the field.</summary>
    public static async Task ShouldBeValidationProblemAsync(this HttpResponseMessage response, string field)
    {
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Should().Contain(field);
    }
}
