using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using OpsConsole.Core.Shared.Identity;

namespace OpsConsole.Features.Account;

public static class AccountEndpoints
{
    /// <summary>
    /// Sign-out is a form post with its antiforgery token, checked here: a page elsewhere cannot sign people out, and a
    /// post without the token (or with an old one) signs nobody out.
    /// </summary>
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", SignOutAsync).ExcludeFromDescription();
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> SignOutAsync(HttpContext http, IAntiforgery antiforgery,
        SignInManager<OpsUser> signIn)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return TypedResults.Content(
                """<!doctype html><meta charset="utf-8"><title>Sign out · OpsConsole</title><p>This sign-out form has expired or did not come from the console. <a href="/">Go back</a>, reload the page and sign out again.</p>""",
                "text/html", statusCode: StatusCodes.Status400BadRequest);
        }
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect("/account/login");
    }
}
