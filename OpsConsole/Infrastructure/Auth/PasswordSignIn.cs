using Microsoft.AspNetCore.Identity;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Telemetry;

namespace OpsConsole.Infrastructure.Auth;

/// <summary>
/// The one check of a user name and password, for the sign-in page and for `POST /api/auth/login`. Whatever went
/// wrong (no such user, a wrong password, a locked or disabled account) the caller learns only <see cref="Refusal"/>,
/// and every refusal costs one password hash, so neither the answer nor its time tells which accounts exist or what
/// state they are in. The audit log keeps the real reason for locked and disabled accounts.
/// </summary>
public sealed class PasswordSignIn(UserManager<OpsUser> users, SignInManager<OpsUser> signIn, IPasswordHasher<OpsUser> hasher,
    OpsMetrics metrics, AuditLog audit)
{
    public const string Refusal = "Wrong user name or password.";

    /// <summary>What a person on the sign-in page is told; the same for every refusal.</summary>
    public const string RefusalForPeople =
        "Wrong user name or password. After five failed tries an account is locked for 15 minutes; an admin can reset it.";

    private static readonly OpsUser Nobody = new() { UserName = "nobody" };
    private static string? _nobodysHash;

    /// <summary>The account, or null when the sign-in is refused; <paramref name="where"/> names the door in the audit log.</summary>
    public async Task<OpsUser?> CheckAsync(string userName, string password, string where, CancellationToken ct = default)
    {
        var user = await users.FindByNameAsync(userName.Trim());
        if (user is null)
        {
            SpendOneHash(password);
            metrics.SignInFailures.Add(1);
            return null;
        }
        var wasLocked = await users.IsLockedOutAsync(user);
        // Identity refuses a disabled or already locked account before it hashes the password.
        var hashed = !wasLocked && await signIn.CanSignInAsync(user);
        var check = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (check.Succeeded)
        {
            return user;
        }
        if (!hashed)
        {
            SpendOneHash(password);
        }
        metrics.SignInFailures.Add(1);
        var reason = check.IsNotAllowed ? "the account is disabled"
            : check.IsLockedOut && wasLocked ? "the account is locked"
            : null;
        if (check.IsLockedOut && !wasLocked)
        {
            await audit.RecordLockoutAsync(user.UserName!, where, ct);
        }
        else if (reason is not null)
        {
            await audit.RecordAsync(new Actor(user.UserName!, []), OpsModules.Shared, "auth.refused", "User", user.UserName, null,
                $"sign-in refused ({where}): {reason}", ct);
        }
        return null;
    }

    private void SpendOneHash(string password)
    {
        _nobodysHash ??= hasher.HashPassword(Nobody, Guid.NewGuid().ToString("N"));
        hasher.VerifyHashedPassword(Nobody, _nobodysHash, password);
    }
}
