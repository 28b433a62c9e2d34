using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Infrastructure.Api;

/// <summary>
/// The not-found page is for people. API and hub requests skip it, and an error status with no body (401 from the
/// challenge, 403, routing's 404, 405 and 415) gets a ProblemDetails body, so that every API answer says what went wrong.
/// There is no catch-all API route on purpose: routing itself tells an unknown path (404) from a known one called with
/// the wrong method (405) or body type (415).
/// Non-GET page requests skip it too: re-executing a form post as the not-found page would make no sense.
/// </summary>
public sealed class ApiStatusProblems(RequestDelegate next, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var api = OpsAuthentication.IsApiRequest(context.Request);
        if ((api || !HttpMethods.IsGet(context.Request.Method)) && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false;
        }
        await next(context);
        if (api && context.Response.StatusCode >= 400 && !context.Response.HasStarted && context.Response.ContentLength is null
            && string.IsNullOrEmpty(context.Response.ContentType))
        {
            await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = context.Response.StatusCode,
                    Title = context.Response.StatusCode switch
                    {
                        StatusCodes.Status401Unauthorized => "Sign in first: send a bearer token from POST /api/auth/login.",
                        StatusCodes.Status403Forbidden => "Your role may not do this.",
                        StatusCodes.Status404NotFound when context.GetEndpoint() is null => "No such API endpoint.",
                        StatusCodes.Status405MethodNotAllowed => "This endpoint does not take that HTTP method.",
                        StatusCodes.Status415UnsupportedMediaType => "This endpoint does not take a body of that Content-Type (send application/json).",
                        _ => ReasonPhrases.GetReasonPhrase(context.Response.StatusCode),
                    },
                },
            });
        }
    }
}
