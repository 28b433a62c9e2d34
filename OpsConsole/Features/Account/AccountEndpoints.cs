using Microsoft.AspNetCore.Identity;
using OpsConsole.Core.Shared.Identity;

namespace OpsConsole.Features.Account;

public static class AccountEndpoints
{
    /// <summary>Sign-out is a form post (with its antiforgery token) so that a link elsewhere cannot sign people out.</summary>
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (SignInManager<OpsUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login");
        }).ExcludeFromDescription();
    }
}
