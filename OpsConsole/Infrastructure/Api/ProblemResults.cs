using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace OpsConsole.Infrastructure.Api;

/// <summary>
/// A ProblemDetails answer as a typed result: it writes <c>application/problem+json</c> through the problem-details
/// service (so it carries the trace id like every other error), and each status has its own type, so that a handler's
/// <c>Results&lt;…&gt;</c> tells the OpenAPI document which errors it gives.
/// </summary>
public abstract class ProblemResult : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>, IContentTypeHttpResult
{
    protected ProblemResult(int status, string title, string detail, IDictionary<string, object?>? extensions)
    {
        Value = new ProblemDetails { Status = status, Title = title, Detail = detail };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            Value.Extensions[key] = value;
        }
    }

    public ProblemDetails Value { get; }
    object? IValueHttpResult.Value => Value;
    public int StatusCode => Value.Status!.Value;
    int? IStatusCodeHttpResult.StatusCode => StatusCode;
    public string ContentType => "application/problem+json";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCode;
        AddHeaders(httpContext.Response.Headers);
        var problems = httpContext.RequestServices.GetService<IProblemDetailsService>();
        if (problems is null || !await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = Value }))
        {
            await httpContext.Response.WriteAsJsonAsync(Value, Value.GetType(), options: null, contentType: ContentType);
        }
    }

    protected virtual void AddHeaders(IHeaderDictionary headers)
    {
    }

    protected static void Describe(EndpointBuilder builder, int status) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
}

/// <summary>404: the thing named in the route does not exist.</summary>
public sealed class NotFoundProblem(string detail) : ProblemResult(StatusCodes.Status404NotFound, "Not found", detail, null), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status404NotFound);
}

/// <summary>409: the request is well formed but the thing is not in a state that allows it (the detail says which states do).</summary>
public sealed class ConflictProblem(string detail, IDictionary<string, object?>? extensions = null)
    : ProblemResult(StatusCodes.Status409Conflict, "Conflict", detail, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status409Conflict);
}

/// <summary>An upload that is not read: 413 when it is larger than the endpoint takes, 429 (with Retry-After) when too many wait.</summary>
public sealed class UploadRefusedProblem : ProblemResult, IEndpointMetadataProvider
{
    private readonly int? _retryAfterSeconds;

    private UploadRefusedProblem(int status, string title, string detail, int? retryAfterSeconds) : base(status, title, detail, null) =>
        _retryAfterSeconds = retryAfterSeconds;

    public static UploadRefusedProblem TooLarge(long maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, "The request body is too large.", $"The file is larger than {maxBytes / 1024 / 1024} MB.", null);

    public static UploadRefusedProblem TooMany(int retryAfterSeconds) =>
        new(StatusCodes.Status429TooManyRequests, "Too many requests.",
            $"Too many uploads are being read or waiting their turn. Try again in {retryAfterSeconds} s.", retryAfterSeconds);

    protected override void AddHeaders(IHeaderDictionary headers)
    {
        if (_retryAfterSeconds is { } seconds)
        {
            headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Describe(builder, StatusCodes.Status413PayloadTooLarge);
        Describe(builder, StatusCodes.Status429TooManyRequests);
    }
}

/// <summary>502: the upstream system this request needed failed or refused; nothing was changed here.</summary>
public sealed class UpstreamProblem(string title, string detail, IDictionary<string, object?>? extensions = null)
    : ProblemResult(StatusCodes.Status502BadGateway, title, detail, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status502BadGateway);
}

/// <summary>503: the upstream system this request needed cannot be reached (not configured, refused, or its breaker open).</summary>
public sealed class UpstreamUnavailableProblem(string title, string detail, IDictionary<string, object?>? extensions = null)
    : ProblemResult(StatusCodes.Status503ServiceUnavailable, title, detail, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status503ServiceUnavailable);
}

/// <summary>504: the upstream system this request needed did not answer in time.</summary>
public sealed class UpstreamTimeoutProblem(string title, string detail, IDictionary<string, object?>? extensions = null)
    : ProblemResult(StatusCodes.Status504GatewayTimeout, title, detail, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status504GatewayTimeout);
}

/// <summary>403 from inside a handler: the caller's role may do the endpoint but not this variant of it (a forced rerun).</summary>
public sealed class ForbiddenProblem(string detail) : ProblemResult(StatusCodes.Status403Forbidden, "Forbidden", detail, null), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status403Forbidden);
}
