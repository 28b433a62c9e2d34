using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Shared.Identity;

public sealed record UserSummary(string Id, string UserName, string? DisplayName, IReadOnlyList<string> Roles, bool IsDisabled,
    bool IsLockedOut, DateTime CreatedAt);

public sealed record NewUser(string? UserName, string? DisplayName, IReadOnlyList<string>? Roles, string? Password);

/// <summary>
/// Users and roles for the admin page and the API. Each command runs in its own scope and transaction, with its
/// audit entry, so it is safe from a long-lived Blazor circuit.
/// </summary>
public sealed class UserAdministration(IServiceScopeFactory scopes, TimeProvider time, AccountGate gate)
{
    public const int MaxUserNameLength = 64;
    public const int MaxDisplayNameLength = 128;

    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OpsDbContext>();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name })
            .AsNoTracking().ToListAsync(ct);
        var now = time.GetUtcNow();
        return users.Select(u => ToSummary(u, roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order().ToList(), now)).ToList();
    }

    public async Task<UserSummary?> FindAsync(string userName, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<UserManager<OpsUser>>();
        var user = await manager.FindByNameAsync(userName);
        return user is null ? null : ToSummary(user, [.. await manager.GetRolesAsync(user)], time.GetUtcNow());
    }

    public Task<OpsResult<UserSummary>> CreateAsync(Actor actor, NewUser request, CancellationToken ct = default)
    {
        var errors = new FieldErrors()
            .Required("user_name", request.UserName, MaxUserNameLength)
            .MaxLength("display_name", request.DisplayName, MaxDisplayNameLength)
            .Required("password", request.Password, 128);
        ValidateRoles(errors, request.Roles);
        if (errors.Any)
        {
            return Task.FromResult(errors.ToResult<UserSummary>());
        }
        return InTransactionAsync(actor, OpsPolicies.Administer, async (manager, db) =>
        {
            var user = new OpsUser
            {
                UserName = request.UserName!.Trim(),
                DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? null : request.DisplayName.Trim(),
                CreatedAt = time.GetUtcNow().UtcDateTime,
            };
            if (await manager.FindByNameAsync(user.UserName) is not null)
            {
                return OpsResult<UserSummary>.Conflict($"A user named '{user.UserName}' already exists.");
            }
            var created = await manager.CreateAsync(user, request.Password!);
            if (!created.Succeeded)
            {
                return IdentityErrors<UserSummary>(created, "password");
            }
            var roles = request.Roles!.Distinct().ToList();
            var added = await manager.AddToRolesAsync(user, roles);
            if (!added.Succeeded)
            {
                return IdentityErrors<UserSummary>(added, "roles");
            }
            db.Audit(actor, time.GetUtcNow(), OpsModules.Shared, "user.create", "User", user.UserName, null,
                new { user.UserName, user.DisplayName, Roles = roles });
            await db.SaveChangesAsync(ct);
            return OpsResult<UserSummary>.Ok(ToSummary(user, roles, time.GetUtcNow()));
        }, ct);
    }

    public Task<OpsResult<UserSummary>> SetRolesAsync(Actor actor, string userName, IReadOnlyList<string>? roles, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        ValidateRoles(errors, roles);
        if (errors.Any)
        {
            return Task.FromResult(errors.ToResult<UserSummary>());
        }
        return WithUserAsync(actor, OpsPolicies.Administer, userName, async (manager, db, user) =>
        {
            var current = await manager.GetRolesAsync(user);
            var wanted = roles!.Distinct().ToList();
            if (user.UserName == actor.Name && current.Contains(OpsRoles.Admin) && !wanted.Contains(OpsRoles.Admin))
            {
                return OpsResult<UserSummary>.Invalid("roles", "You cannot remove the admin role from yourself.");
            }
            var removed = await manager.RemoveFromRolesAsync(user, current.Except(wanted));
            var added = await manager.AddToRolesAsync(user, wanted.Except(current));
            if (!removed.Succeeded || !added.Succeeded)
            {
                return IdentityErrors<UserSummary>(removed.Succeeded ? added : removed, "roles");
            }
            await manager.UpdateSecurityStampAsync(user);
            db.Audit(actor, time.GetUtcNow(), OpsModules.Shared, "user.set-roles", "User", user.UserName,
                new { Roles = current.Order() }, new { Roles = wanted.Order() });
            await db.SaveChangesAsync(ct);
            return OpsResult<UserSummary>.Ok(ToSummary(user, wanted, time.GetUtcNow()));
        }, ct);
    }

    public Task<OpsResult<UserSummary>> ResetPasswordAsync(Actor actor, string userName, string? newPassword, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(newPassword) || newPassword.Length > 128)
        {
            return Task.FromResult(OpsResult<UserSummary>.Invalid("password", "password is required (at most 128 characters)."));
        }
        return WithUserAsync(actor, OpsPolicies.Administer, userName, async (manager, db, user) =>
        {
            // Validate first so that a refused password leaves the old one in place (the transaction covers the rest).
            var errors = new List<IdentityError>();
            foreach (var validator in manager.PasswordValidators)
            {
                var check = await validator.ValidateAsync(manager, user, newPassword);
                errors.AddRange(check.Errors);
            }
            var reset = errors.Count > 0 ? IdentityResult.Failed([.. errors]) : await manager.RemovePasswordAsync(user);
            if (reset.Succeeded)
            {
                reset = await manager.AddPasswordAsync(user, newPassword);
            }
            if (!reset.Succeeded)
            {
                return IdentityErrors<UserSummary>(reset, "password");
            }
            await manager.SetLockoutEndDateAsync(user, null);
            await manager.ResetAccessFailedCountAsync(user);
            db.Audit(actor, time.GetUtcNow(), OpsModules.Shared, "user.reset-password", "User", user.UserName, null, "password reset, lockout cleared");
            await db.SaveChangesAsync(ct);
            return OpsResult<UserSummary>.Ok(ToSummary(user, [.. await manager.GetRolesAsync(user)], time.GetUtcNow()));
        }, ct);
    }

    public Task<OpsResult<UserSummary>> SetDisabledAsync(Actor actor, string userName, bool disabled, CancellationToken ct = default) =>
        WithUserAsync(actor, OpsPolicies.Administer, userName, async (manager, db, user) =>
        {
            if (disabled && user.UserName == actor.Name)
            {
                return OpsResult<UserSummary>.Invalid("user_name", "You cannot disable yourself.");
            }
            var before = user.IsDisabled;
            user.IsDisabled = disabled;
            await manager.UpdateAsync(user);
            // A new stamp ends the user's cookie sessions and bearer tokens at their next validation.
            await manager.UpdateSecurityStampAsync(user);
            db.Audit(actor, time.GetUtcNow(), OpsModules.Shared, disabled ? "user.disable" : "user.enable", "User", user.UserName,
                new { IsDisabled = before }, new { IsDisabled = disabled });
            await db.SaveChangesAsync(ct);
            return OpsResult<UserSummary>.Ok(ToSummary(user, [.. await manager.GetRolesAsync(user)], time.GetUtcNow()));
        }, ct);

    public Task<OpsResult<UserSummary>> SetDarkModeAsync(Actor actor, bool darkMode, CancellationToken ct = default) =>
        WithUserAsync(actor, null, actor.Name, async (manager, db, user) =>
        {
            if (user.PrefersDarkMode != darkMode)
            {
                user.PrefersDarkMode = darkMode;
                await manager.UpdateAsync(user);
                db.Audit(actor, time.GetUtcNow(), OpsModules.Shared, "user.preferences", "User", user.UserName,
                    new { PrefersDarkMode = !darkMode }, new { PrefersDarkMode = darkMode });
                await db.SaveChangesAsync(ct);
            }
            return OpsResult<UserSummary>.Ok(ToSummary(user, [], time.GetUtcNow()));
        }, ct);

    public async Task<bool> PrefersDarkModeAsync(string userName, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OpsDbContext>();
        return await db.Users.Where(u => u.UserName == userName).Select(u => u.PrefersDarkMode).FirstOrDefaultAsync(ct);
    }

    /// <summary>Creates the roles, then the user with the given role if it does not exist yet (start-up seeding, create-admin).</summary>
    public async Task<OpsResult<UserSummary>> EnsureUserAsync(Actor actor, string userName, string role, string password, CancellationToken ct = default)
    {
        await EnsureRolesAsync(ct);
        var existing = await FindAsync(userName, ct);
        return existing is not null
            ? OpsResult<UserSummary>.Ok(existing)
            : await CreateAsync(actor, new NewUser(userName, null, [role], password), ct);
    }

    public async Task EnsureRolesAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in OpsRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
    }

    private static void ValidateRoles(FieldErrors errors, IReadOnlyList<string>? roles)
    {
        if (roles is null || roles.Count == 0)
        {
            errors.Add("roles", "roles must name at least one role.");
            return;
        }
        foreach (var role in roles.Where(r => !OpsRoles.IsKnown(r)))
        {
            errors.Add("roles", $"'{role}' is not a role. Roles: {string.Join(", ", OpsRoles.All)}.");
        }
    }

    /// <summary>A command on one user; on success the user's cached standing is dropped, so their sessions see it at once.</summary>
    private async Task<OpsResult<UserSummary>> WithUserAsync(Actor actor, string? policy, string userName,
        Func<UserManager<OpsUser>, OpsDbContext, OpsUser, Task<OpsResult<UserSummary>>> work, CancellationToken ct)
    {
        string? changed = null;
        var result = await InTransactionAsync(actor, policy, async (manager, db) =>
        {
            var user = await manager.FindByNameAsync(userName);
            changed = user?.Id;
            return user is null ? OpsResult<UserSummary>.NotFound($"No user named '{userName}'.") : await work(manager, db, user);
        }, ct);
        if (result.Succeeded && changed is not null)
        {
            gate.Forget(changed);
        }
        return result;
    }

    /// <summary>Checks that the actor may act now, then runs the command in its own scope and transaction.</summary>
    private async Task<OpsResult<T>> InTransactionAsync<T>(Actor actor, string? policy, Func<UserManager<OpsUser>, OpsDbContext, Task<OpsResult<T>>> work,
        CancellationToken ct)
    {
        await gate.EnsureAsync(actor, policy, ct);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OpsDbContext>();
        var manager = scope.ServiceProvider.GetRequiredService<UserManager<OpsUser>>();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var result = await work(manager, db);
            if (result.Succeeded)
            {
                await tx.CommitAsync(ct);
            }
            else
            {
                await tx.RollbackAsync(ct);
            }
            return result;
        });
    }

    /// <summary>
    /// Identity's refusals under the field each one is about (a bad user name under user_name, not under the field the
    /// call was about), in words a person knows.
    /// </summary>
    private static OpsResult<T> IdentityErrors<T>(IdentityResult result, string field) =>
        OpsResult<T>.Invalid(result.Errors
            .Select(e => e.Code switch
            {
                nameof(IdentityErrorDescriber.InvalidUserName) =>
                    ("user_name", "user_name may contain only letters, digits and - . _ @ + (no spaces)."),
                nameof(IdentityErrorDescriber.DuplicateUserName) => ("user_name", "user_name is taken by another user."),
                _ when e.Code.StartsWith("Password", StringComparison.Ordinal) => ("password", e.Description),
                _ => (field, e.Description),
            })
            .GroupBy(e => e.Item1, e => e.Item2)
            .ToDictionary(g => g.Key, g => g.Distinct().ToArray()));

    private static UserSummary ToSummary(OpsUser user, IReadOnlyList<string> roles, DateTimeOffset now) =>
        new(user.Id, user.UserName!, user.DisplayName, roles, user.IsDisabled, user.LockoutEnd > now, user.CreatedAt);
}
