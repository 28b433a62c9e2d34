using System.Net;
using System.Text.Json;

namespace OpsConsole.Tests.TestSupport;

public static class ProblemAssertions
{
    /// <summary>The answer is a 400 ProblemDetails whose errors name the field.</summary>
    public static async Task<JsonElement> ShouldBeValidationProblemAsync(this HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Should().Contain(field);
        return problem;
    }
}
