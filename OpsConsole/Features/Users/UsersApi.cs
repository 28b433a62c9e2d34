using OpsConsole.Core.Shared.Identity;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Users;

public sealed record RolesRequest(IReadOnlyList<string>? Roles);
public sealed record PasswordRequest(string? Password);

public static class UsersApi
{
    public static void MapUsersApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Users").RequireAuthorization(OpsPolicies.Administer);
        group.MapGet("/", async (UserAdministration users, CancellationToken ct) => TypedResults.Ok(await users.ListAsync(ct)));
        group.MapPost("/", async (NewUser request, UserAdministration users, HttpContext http, CancellationToken ct) =>
            (await users.CreateAsync(http.User.ToActor(), request, ct)).ToHttp(u => TypedResults.Created($"/api/users/{u.UserName}", u)));
        group.MapPut("/{userName}/roles", async (string userName, RolesRequest request, UserAdministration users, HttpContext http, CancellationToken ct) =>
            (await users.SetRolesAsync(http.User.ToActor(), userName, request.Roles, ct)).ToHttp());
        group.MapPost("/{userName}/password", async (string userName, PasswordRequest request, UserAdministration users, HttpContext http, CancellationToken ct) =>
            (await users.ResetPasswordAsync(http.User.ToActor(), userName, request.Password, ct)).ToHttp());
        group.MapPost("/{userName}/disable", async (string userName, UserAdministration users, HttpContext http, CancellationToken ct) =>
            (await users.SetDisabledAsync(http.User.ToActor(), userName, true, ct)).ToHttp());
        group.MapPost("/{userName}/enable", async (string userName, UserAdministration users, HttpContext http, CancellationToken ct) =>
            (await users.SetDisabledAsync(http.User.ToActor(), userName, false, ct)).ToHttp());
    }
}
