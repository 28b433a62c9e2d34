using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Users;

public sealed record RolesRequest(IReadOnlyList<string>? Roles);

public sealed record PasswordRequest(string? Password);

/// <summary>Users and their roles (admins).</summary>
public static class UsersApi
{
    public static void MapUsersApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Users").AllowedFor(OpsPolicies.Administer);
        group.MapGet("/", ListUsersAsync);
        group.MapPost("/", CreateUserAsync);
        group.MapPut("/{userName}/roles", SetUserRolesAsync);
        group.MapPost("/{userName}/password", ResetUserPasswordAsync).WithSummary("Set a new password; clears a lockout");
        group.MapPost("/{userName}/disable", DisableUserAsync).WithSummary("Disable the account; its sessions and tokens stop within Auth:AccountCheckSeconds");
        group.MapPost("/{userName}/enable", EnableUserAsync);
    }

    private static async Task<Ok<IReadOnlyList<UserSummary>>> ListUsersAsync(UserAdministration users, CancellationToken ct) =>
        TypedResults.Ok(await users.ListAsync(ct));

    private static async Task<Results<Created<UserSummary>, ValidationProblem, NotFoundProblem, ConflictProblem>> CreateUserAsync(NewUser request,
        UserAdministration users, HttpContext http, CancellationToken ct) =>
        (await users.CreateAsync(http.User.ToActor(), request, ct)).ToHttp(u => TypedResults.Created($"/api/users/{u.UserName}", u));

    private static async Task<Results<Ok<UserSummary>, ValidationProblem, NotFoundProblem, ConflictProblem>> SetUserRolesAsync(string userName,
        RolesRequest request, UserAdministration users, HttpContext http, CancellationToken ct) =>
        (await users.SetRolesAsync(http.User.ToActor(), userName, request.Roles, ct)).ToHttp();

    private static async Task<Results<Ok<UserSummary>, ValidationProblem, NotFoundProblem, ConflictProblem>> ResetUserPasswordAsync(string userName,
        PasswordRequest request, UserAdministration users, HttpContext http, CancellationToken ct) =>
        (await users.ResetPasswordAsync(http.User.ToActor(), userName, request.Password, ct)).ToHttp();

    private static async Task<Results<Ok<UserSummary>, ValidationProblem, NotFoundProblem, ConflictProblem>> DisableUserAsync(string userName,
        UserAdministration users, HttpContext http, CancellationToken ct) =>
        (await users.SetDisabledAsync(http.User.ToActor(), userName, true, ct)).ToHttp();

    private static async Task<Results<Ok<UserSummary>, ValidationProblem, NotFoundProblem, ConflictProblem>> EnableUserAsync(string userName,
        UserAdministration users, HttpContext http, CancellationToken ct) =>
        (await users.SetDisabledAsync(http.User.ToActor(), userName, false, ct)).ToHttp();
}
