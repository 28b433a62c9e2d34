using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Shared.Identity;

/// <summary>An account as it stands now: its stamp and roles. Disabled and deleted accounts have none.</summary>
public sealed record AccountStanding(string AccountId, string UserName, string? SecurityStamp, IReadOnlyList<string> Roles)
{
    public bool Allows(string policy) => Roles.Any(role => OpsPolicies.Allows(policy, role));
}

public sealed class AccountCheckOptions
{
    /// <summary>`Auth:AccountCheckSeconds`: how long an account's standing is cached, and how often open pages and hub connections re-check it.</summary>
    public double AccountCheckSeconds { get; set; } = 15;

    public TimeSpan CheckEvery => TimeSpan.FromSeconds(AccountCheckSeconds);
}

/// <summary>
/// The one place that says whether an account may still act: enabled, the same security stamp as when it signed in,
/// and a role the policy admits, read from the database (cached for <see cref="AccountCheckOptions.CheckEvery"/>,
/// forgotten at once on this instance when an admin changes the account). Every Core command that changes something
/// calls <see cref="EnsureAsync"/> at the moment it runs, so a page opened before a user was disabled or demoted
/// cannot act for them afterwards; the API's policies and the circuits' revalidation use the same standing.
/// </summary>
public sealed class AccountGate(IServiceScopeFactory scopes, IMemoryCache cache, AccountCheckOptions options)
{
    public TimeSpan CheckEvery => options.CheckEvery;

    /// <summary>The account's standing now, or null when it is disabled or gone; <paramref name="fresh"/> reads past the cache.</summary>
    public async Task<AccountStanding?> StandingAsync(string accountId, CancellationToken ct = default, bool fresh = false)
    {
        if (accountId.Length == 0)
        {
            return null;
        }
        if (fresh)
        {
            Forget(accountId);
        }
        return await cache.GetOrCreateAsync(Key(accountId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = options.CheckEvery;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OpsDbContext>();
            var user = await db.Users.AsNoTracking().Where(u => u.Id == accountId)
                .Select(u => new { u.Id, u.UserName, u.SecurityStamp, u.IsDisabled }).FirstOrDefaultAsync(ct);
            if (user is null || user.IsDisabled)
            {
                return null;
            }
            var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == accountId select r.Name!)
                .AsNoTracking().ToListAsync(ct);
            return new AccountStanding(user.Id, user.UserName!, user.SecurityStamp, roles);
        });
    }

    /// <summary>Whether a sign-in made with <paramref name="stamp"/> still holds (enabled, stamp unchanged).</summary>
    public async Task<bool> IsCurrentAsync(string accountId, string? stamp, CancellationToken ct = default, bool fresh = false) =>
        await StandingAsync(accountId, ct, fresh) is { } standing && (stamp is null || stamp == standing.SecurityStamp);

    /// <summary>Drops the cached standing, so this instance sees an admin's change at once.</summary>
    public void Forget(string accountId) => cache.Remove(Key(accountId));

    /// <summary>Why the actor may not act under <paramref name="policy"/> now, or null when it may (null policy: any signed-in account).</summary>
    public async Task<string?> RefusalAsync(Actor actor, string? policy, CancellationToken ct = default)
    {
        if (actor.IsInternal)
        {
            return null;
        }
        var standing = await StandingAsync(actor.AccountId!, ct);
        if (standing is null)
        {
            return actor.AccountId!.Length == 0 ? "You are not signed in." : "Your account is disabled or no longer exists. Sign in again.";
        }
        if (actor.SecurityStamp is not null && actor.SecurityStamp != standing.SecurityStamp)
        {
            return "Your account was changed since you signed in (its roles or password). Sign in again.";
        }
        return policy is null || standing.Allows(policy) ? null : "Your role may not do this.";
    }

    /// <summary>Refuses (with <see cref="AccessRefusedException"/>) an actor that may not act under the policy now.</summary>
    public async Task EnsureAsync(Actor actor, string? policy, CancellationToken ct = default)
    {
        if (await RefusalAsync(actor, policy, ct) is { } reason)
        {
            throw new AccessRefusedException(actor.Name, policy, reason);
        }
    }

    private static string Key(string accountId) => "account-standing:" + accountId;
}

/// <summary>
/// A Core command refused its caller: the account was disabled, changed or lacks the role since the page or token was
/// issued. The API answers 403; the console's pages show that the user was signed out.
/// </summary>
public sealed class AccessRefusedException(string actor, string? policy, string reason) : Exception(reason)
{
    public string Actor { get; } = actor;
    public string? Policy { get; } = policy;
}
