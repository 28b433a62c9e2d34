using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace OpsConsole.Infrastructure.Api;

/// <summary>
/// Malformed JSON, wrong types and bad route or query values become a 400 ProblemDetails whose `errors` name the
/// field (from the JSON path), instead of an empty 400 or a 500.
/// </summary>
public sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }
        var (field, message) = Describe(bad);
        context.Response.StatusCode = bad.StatusCode;
        var details = new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = bad.StatusCode,
            Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request is not valid.",
            Detail = message,
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception });
    }

    private static (string Field, string Message) Describe(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
            var message = json.Message.Split(" Path:")[0];
            if (message.Contains("could not be converted", StringComparison.Ordinal))
            {
                message = $"{field} has the wrong type or format.";
            }
            return (field, $"{field}: {message}");
        }
        // "Failed to bind parameter \"int id\" from \"abc\"." / "Required parameter \"LoginRequest request\" was not provided from body."
        var text = bad.Message;
        var quoted = text.Split('"');
        var field2 = quoted.Length > 1 ? quoted[1].Split(' ').Last() : "body";
        if (text.Contains("was not provided from body", StringComparison.Ordinal) || text.Contains("Implicit body", StringComparison.Ordinal))
        {
            return ("body", "A JSON body is required.");
        }
        if (text.Contains("Expected a supported JSON media type", StringComparison.Ordinal))
        {
            return ("body", "The body must be JSON (Content-Type: application/json).");
        }
        if (text.StartsWith("Failed to bind parameter", StringComparison.Ordinal) && quoted.Length > 3)
        {
            var kind = quoted[1].Split(' ')[0] switch
            {
                "Guid" => "an id like 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
                "int" or "long" or "Int32" or "Int64" => "a whole number",
                var other => $"a {other}",
            };
            return (field2, $"{field2} must be {kind}; '{quoted[3]}' is not.");
        }
        return (field2, text);
    }
}
