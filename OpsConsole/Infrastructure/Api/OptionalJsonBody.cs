using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace OpsConsole.Infrastructure.Api;

/// <summary>
/// A JSON body a caller may leave out (the seed completes a task with no body at all): read by the handler itself,
/// whatever the Content-Type of an empty request; a body that is there but malformed is a 400 naming "body".
/// </summary>
public static class OptionalJsonBody
{
    public static async Task<(T? Value, ValidationProblem? Invalid)> ReadAsync<T>(HttpRequest request, string example, CancellationToken ct) where T : class
    {
        if (request.ContentLength is null or 0 && !request.Headers.TransferEncoding.Any())
        {
            return (null, null);
        }
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return (await JsonSerializer.DeserializeAsync<T>(request.Body, options, ct), null);
        }
        catch (JsonException)
        {
            return (null, ApiResults.Invalid("body", $"The body must be JSON like {example}, or empty."));
        }
    }
}
