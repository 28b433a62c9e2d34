using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Infrastructure.Api;

/// <summary>
/// The one error mapping of the API: a Core <see cref="OpsResult{T}"/> becomes the endpoint's success result, or a
/// 400 whose errors name the fields, a 404 or a 409 (and a 502 for commands that go through an upstream).
/// </summary>
public static class ApiResults
{
    public const string InvalidTitle = "The request is not valid.";

    public static ValidationProblem Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ValidationProblem Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => e.Value), title: InvalidTitle);

    public static NotFoundProblem NotFound(string message) => new(message);

    public static ConflictProblem Conflict(string message) => new(message);

    /// <summary>A command's outcome: <paramref name="ok"/> with its value, or why not.</summary>
    public static Results<TOk, ValidationProblem, NotFoundProblem, ConflictProblem> ToHttp<T, TOk>(this OpsResult<T> result, Func<T, TOk> ok)
        where TOk : IResult => result.Outcome switch
    {
        OpsOutcome.Ok => ok(result.Value!),
        OpsOutcome.Invalid => Invalid(result.Errors),
        OpsOutcome.NotFound => NotFound(result.Describe()),
        OpsOutcome.Conflict => new ConflictProblem(result.Describe(), result.Details?.ToDictionary(d => d.Key, d => d.Value)),
        _ => throw new InvalidOperationException($"A command without an upstream answered {result.Outcome}: {result.Describe()}"),
    };

    /// <summary>A command's outcome with its value as the 200 body.</summary>
    public static Results<Ok<T>, ValidationProblem, NotFoundProblem, ConflictProblem> ToHttp<T>(this OpsResult<T> result) =>
        result.ToHttp(TypedResults.Ok).Result switch
        {
            Ok<T> ok => ok,
            ValidationProblem invalid => invalid,
            NotFoundProblem notFound => notFound,
            ConflictProblem conflict => conflict,
            var other => throw new InvalidOperationException($"Unexpected result {other.GetType().Name}"),
        };

    /// <summary>A command that goes through an upstream system: as <see cref="ToHttp{T, TOk}"/>, plus 502 when the upstream failed.</summary>
    public static Results<TOk, ValidationProblem, NotFoundProblem, ConflictProblem, UpstreamProblem> ToHttpThroughUpstream<T, TOk>(this OpsResult<T> result,
        Func<T, TOk> ok) where TOk : IResult => result.Outcome switch
    {
        OpsOutcome.Unavailable => new UpstreamProblem("Upstream failed", result.Describe()),
        _ => result.ToHttp(ok).Result switch
        {
            TOk value => value,
            ValidationProblem invalid => invalid,
            NotFoundProblem notFound => notFound,
            ConflictProblem conflict => conflict,
            var other => throw new InvalidOperationException($"Unexpected result {other.GetType().Name}"),
        },
    };

    /// <summary>Field errors from a Core validation, as a 400.</summary>
    public static ValidationProblem ToHttp(this FieldErrors errors) => Invalid(errors.ToResult<bool>().Errors);
}
