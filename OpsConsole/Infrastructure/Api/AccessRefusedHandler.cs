using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Shared.Identity;

namespace OpsConsole.Infrastructure.Api;

/// <summary>
/// A Core command refused the caller after the endpoint's policy let it in (the account was disabled or changed in
/// between): a 403 ProblemDetails, as the policy itself would have answered.
/// </summary>
public sealed class AccessRefusedHandler(IProblemDetailsService problems, ILogger<AccessRefusedHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not AccessRefusedException refused)
        {
            return false;
        }
        logger.LogWarning("Refused {Actor} on {Path} ({Policy}): {Reason}", refused.Actor, context.Request.Path, refused.Policy ?? "signed in", refused.Message);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "Your role may not do this.", Detail = refused.Message },
        });
    }
}
