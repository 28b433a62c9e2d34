using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using OpsConsole.Core.Shared.Identity;

namespace OpsConsole.Infrastructure.Auth;

/// <summary>
/// The authentication state of a Blazor circuit, re-checked every `Auth:AccountCheckSeconds` against the account
/// (enabled, same security stamp). A page left open by a user who was since disabled, demoted or given a new password
/// turns signed out: every page and menu sees an anonymous user and the router sends them to the sign-in page, which
/// says why. A Core command that refuses the circuit's user (<see cref="AccessRefusedException"/>) ends it the same way.
/// </summary>
public sealed class CircuitAccountCheck(ILoggerFactory loggers, AccountGate gate) : RevalidatingServerAuthenticationStateProvider(loggers)
{
    /// <summary>The sign-in page's `ended` value: this circuit's session ended because the account changed.</summary>
    public const string AccountChanged = "account-changed";

    private readonly ILogger _logger = loggers.CreateLogger<CircuitAccountCheck>();

    protected override TimeSpan RevalidationInterval => gate.CheckEvery;

    /// <summary>Why the session on this circuit ended, or null while it holds.</summary>
    public string? EndedBecause { get; private set; }

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        var actor = state.User.ToActor();
        if (state.User.Identity?.IsAuthenticated != true || actor.IsInternal)
        {
            return true;
        }
        var current = await gate.IsCurrentAsync(actor.AccountId!, actor.SecurityStamp, ct, fresh: true);
        if (!current)
        {
            _logger.LogInformation("The session of {User} on an open page ended: the account was disabled or changed", actor.Name);
            EndedBecause = AccountChanged;
        }
        return current;
    }

    /// <summary>Signs the circuit out now (a Core command refused its user).</summary>
    public void EndSession()
    {
        EndedBecause = AccountChanged;
        SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
    }
}
