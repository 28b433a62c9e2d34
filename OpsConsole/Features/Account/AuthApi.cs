using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Identity;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Account;

public sealed record LoginRequest(string? Username, string? Password);

public sealed record LoginResponse(string Token, DateTimeOffset ExpiresAt, IReadOnlyList<string> Roles);

public sealed record MeResponse(string Name, IReadOnlyList<string> Roles);

public static class AuthApi
{
    public static void MapAuthApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/auth/login", LoginAsync).AllowAnonymous().WithTags("Auth").WithSummary("Exchange a user name and password for a bearer token");
        api.MapGet("/me", Me).SignedIn().WithTags("Auth").WithSummary("Who the caller is");
    }

    private static Ok<MeResponse> Me(HttpContext http) => TypedResults.Ok(new MeResponse(http.User.Identity!.Name!, http.User.ToActor().Roles));

    private static async Task<Results<Ok<LoginResponse>, ValidationProblem, SignInRefused>> LoginAsync(LoginRequest request, UserManager<OpsUser> users,
        PasswordSignIn passwords, ApiTokenIssuer tokens, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Username) || request.Username.Length > UserAdministration.MaxUserNameLength)
        {
            return ApiResults.Invalid("username", $"username is required (at most {UserAdministration.MaxUserNameLength} characters).");
        }
        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > 128)
        {
            return ApiResults.Invalid("password", "password is required (at most 128 characters).");
        }
        if (await passwords.CheckAsync(request.Username, request.Password, "api", ct) is not { } user)
        {
            return new SignInRefused(PasswordSignIn.Refusal);
        }
        var (token, expires) = await tokens.IssueAsync(user);
        return TypedResults.Ok(new LoginResponse(token, expires, [.. await users.GetRolesAsync(user)]));
    }

}

/// <summary>401 from the sign-in itself, the same for a wrong name or password and a locked or disabled account.</summary>
public sealed class SignInRefused(string detail) : ProblemResult(StatusCodes.Status401Unauthorized, "Sign-in refused", detail, null), IEndpointMetadataProvider
{
    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status401Unauthorized);
}
