using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Infrastructure.Api;

public static class ApiResults
{
    /// <summary>Ok → 200 with the value; Invalid → 400 naming the fields; NotFound → 404; Conflict → 409; Unavailable → 502.</summary>
    public static IResult ToHttp<T>(this OpsResult<T> result, Func<T, IResult>? ok = null) => result.Outcome switch
    {
        OpsOutcome.Ok => ok is null ? TypedResults.Ok(result.Value) : ok(result.Value!),
        OpsOutcome.Invalid => TypedResults.ValidationProblem(result.Errors.ToDictionary(e => e.Key, e => e.Value),
            title: "The request is not valid."),
        OpsOutcome.NotFound => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
        OpsOutcome.Unavailable => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status502BadGateway, title: "Upstream failed"),
        _ => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status409Conflict, title: "Conflict"),
    };

    public static IResult Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is not valid.");
}
