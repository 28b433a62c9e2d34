using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Identity;

namespace OpsConsole.Infrastructure.Auth;

public static class OpsAuthentication
{
    /// <summary>Picks the bearer token when the request carries one, else the Identity cookie.</summary>
    public const string CookieOrBearer = "CookieOrBearer";

    public static IServiceCollection AddOpsAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieOrBearer;
                o.DefaultChallengeScheme = CookieOrBearer;
            })
            .AddPolicyScheme(CookieOrBearer, "Cookie or bearer token", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || HubToken(ctx.Request) is not null
                    ? IdentityConstants.BearerScheme
                    : IdentityConstants.ApplicationScheme)
            .AddBearerToken(IdentityConstants.BearerScheme, o =>
            {
                o.BearerTokenExpiration = TimeSpan.FromHours(configuration.GetValue("Auth:TokenHours", 8.0));
                // The scheme name is case-insensitive (RFC 9110), which Identity's handler does not allow for. Browsers
                // cannot set headers on WebSockets, so SignalR sends the token in the query string there.
                o.Events.OnMessageReceived = ctx =>
                {
                    ctx.Token ??= BearerToken(ctx.Request) ?? HubToken(ctx.Request);
                    return Task.CompletedTask;
                };
            })
            .AddIdentityCookies();
        services.AddOptions<BearerTokenOptions>(IdentityConstants.BearerScheme)
            .PostConfigure<TimeProvider>((o, time) => o.BearerTokenProtector = new RememberedBearerTokens(o.BearerTokenProtector, time));

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "OpsConsole.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            o.ExpireTimeSpan = TimeSpan.FromHours(configuration.GetValue("Auth:CookieHours", 12.0));
            o.SlidingExpiration = true;
            // API and hub callers get status codes, people get the sign-in page.
            o.Events.OnRedirectToLogin = ctx => StatusOrRedirect(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => StatusOrRedirect(ctx, StatusCodes.Status403Forbidden);
            o.Events.OnRedirectToReturnUrl = ctx =>
            {
                ctx.Response.Redirect(LocalReturnUrl.From(ctx.RedirectUri));
                return Task.CompletedTask;
            };
        });
        // Cookies are re-checked against the account as often as pages and tokens are (Auth:AccountCheckSeconds).
        services.AddOptions<SecurityStampValidatorOptions>().Configure<AccountCheckOptions>((o, check) => o.ValidationInterval = check.CheckEvery);

        new IdentityBuilder(typeof(OpsUser), typeof(IdentityRole), services).AddSignInManager<OpsSignInManager>();

        services.AddSingleton<IAuthorizationHandler, ActiveAccountHandler>();
        services.AddAuthorization(o =>
        {
            foreach (var (policy, roles) in OpsPolicies.RolesByPolicy)
            {
                o.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles).AddRequirements(ActiveAccountRequirement.Instance));
            }
            // [Authorize] without a policy (and RequireAuthorization()) also refuses a disabled or changed account.
            o.DefaultPolicy = o.GetPolicy(OpsPolicies.SignedIn)!;
        });
        services.AddCascadingAuthenticationState();
        services.AddScoped<CircuitAccountCheck>();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>(sp => sp.GetRequiredService<CircuitAccountCheck>());
        services.AddScoped<ApiTokenIssuer>();
        services.AddScoped<PasswordSignIn>();
        return services;
    }

    private static string? BearerToken(HttpRequest request) =>
        System.Net.Http.Headers.AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
        && header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && header.Parameter is { Length: > 0 } token
            ? token
            : null;

    private static string? HubToken(HttpRequest request) =>
        request.Path.StartsWithSegments("/hubs") && request.Query.TryGetValue("access_token", out var token) && token.Count > 0 ? token[0] : null;

    public static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hubs");

    private static Task StatusOrRedirect(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        if (IsApiRequest(ctx.Request))
        {
            ctx.Response.StatusCode = status;
        }
        else
        {
            ctx.Response.Redirect(ctx.RedirectUri);
        }
        return Task.CompletedTask;
    }

    private static readonly ClaimsIdentityOptions IdentityClaims = new();

    /// <summary>The signed-in caller as Core sees it: name, roles, and the account and stamp that Core re-checks before it acts.</summary>
    public static Actor ToActor(this ClaimsPrincipal principal) => principal.Identity?.IsAuthenticated == true
        ? new(principal.Identity.Name ?? "unnamed", principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList())
        {
            AccountId = principal.FindFirstValue(IdentityClaims.UserIdClaimType) ?? "",
            SecurityStamp = principal.FindFirstValue(IdentityClaims.SecurityStampClaimType),
        }
        : Actor.Anonymous;
}

/// <summary>Refuses sign-in to disabled users (the result is NotAllowed).</summary>
public sealed class OpsSignInManager(UserManager<OpsUser> users, IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<OpsUser> claimsFactory, IOptions<IdentityOptions> options, ILogger<SignInManager<OpsUser>> logger,
    IAuthenticationSchemeProvider schemes, IUserConfirmation<OpsUser> confirmation)
    : SignInManager<OpsUser>(users, contextAccessor, claimsFactory, options, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(OpsUser user) => !user.IsDisabled && await base.CanSignInAsync(user);
}

public sealed class ActiveAccountRequirement : IAuthorizationRequirement
{
    public static readonly ActiveAccountRequirement Instance = new();
}

/// <summary>
/// Cookies are re-validated by Identity's security-stamp validator; bearer tokens are not. This handler checks, through
/// <see cref="AccountGate"/>, that the account behind any principal is still enabled and its stamp unchanged, so
/// disabling a user or changing their roles ends their tokens too.
/// </summary>
public sealed class ActiveAccountHandler(AccountGate gate) : AuthorizationHandler<ActiveAccountRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ActiveAccountRequirement requirement)
    {
        var actor = context.User.ToActor();
        if (!actor.IsInternal && await gate.IsCurrentAsync(actor.AccountId!, actor.SecurityStamp))
        {
            context.Succeed(requirement);
        }
    }
}

/// <summary>Issues the bearer token of `POST /api/auth/login`: Identity's own protected ticket, with an expiry.</summary>
public sealed class ApiTokenIssuer(SignInManager<OpsUser> signIn, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider time)
{
    public async Task<(string Token, DateTimeOffset ExpiresAt)> IssueAsync(OpsUser user)
    {
        var principal = await signIn.CreateUserPrincipalAsync(user);
        var options = bearer.Get(IdentityConstants.BearerScheme);
        var expires = time.GetUtcNow() + options.BearerTokenExpiration;
        var ticket = new AuthenticationTicket(principal, new AuthenticationProperties { ExpiresUtc = expires }, IdentityConstants.BearerScheme);
        return (options.BearerTokenProtector.Protect(ticket), expires);
    }
}
