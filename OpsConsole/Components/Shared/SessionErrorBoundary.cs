using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Components.Shared;

/// <summary>
/// Around the shell: a Core command that refused the signed-in user (<see cref="AccessRefusedException"/>: the account
/// was disabled or changed after the page opened) signs the circuit out, which sends the user to the sign-in page;
/// any other error a page did not handle shows in place of the page instead of ending the circuit.
/// </summary>
public sealed class SessionErrorBoundary : ErrorBoundary
{
    [Inject] private AuthenticationStateProvider AuthenticationState { get; set; } = default!;
    [Inject] private ILogger<SessionErrorBoundary> Logger { get; set; } = default!;

    protected override Task OnErrorAsync(Exception exception)
    {
        if (exception is AccessRefusedException refused && AuthenticationState is CircuitAccountCheck circuit)
        {
            Logger.LogWarning("A page's command was refused for {User}: {Reason}", refused.Actor, refused.Message);
            circuit.EndSession();
            return Task.CompletedTask;
        }
        Logger.LogError(exception, "A page failed");
        return Task.CompletedTask;
    }
}
