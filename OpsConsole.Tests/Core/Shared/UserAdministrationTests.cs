using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsConsole.Core;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Shared;

/// <summary>User commands straight against Core on a SQLite file: each one writes its change and its audit entry together, or nothing.</summary>
public sealed class UserAdministrationTests : IAsyncLifetime
{
    private readonly Actor _admin = new("boss", [OpsRoles.Admin]);
    private CoreHost _host = null!;

    private UserAdministration Users => _host.Get<UserAdministration>();

    public async ValueTask InitializeAsync()
    {
        _host = await CoreHost.StartAsync();
        await Users.EnsureRolesAsync();
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task<(int Users, int Audits)> CountAsync()
    {
        await using var db = await _host.DbAsync();
        return (await db.Users.CountAsync(), await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task Create_WritesUserRoleAndAuditEntry()
    {
        var result = await Users.CreateAsync(_admin, new NewUser("dock-7", "Dock seven", [OpsRoles.Operator], "dock-seven-2026"));
        result.Succeeded.Should().BeTrue(result.Describe());
        result.Value!.Roles.Should().Equal(OpsRoles.Operator);
        (await CountAsync()).Should().Be((1, 1));
    }

    [Fact]
    public async Task Create_WithAPasswordIdentityRefuses_LeavesNoUserAndNoAuditEntry()
    {
        var result = await Users.CreateAsync(_admin, new NewUser("weakling", null, [OpsRoles.Viewer], "aaaaaaaaaaaa"));
        result.Outcome.Should().Be(OpsOutcome.Invalid);
        result.Errors.Should().ContainKey("password");
        (await CountAsync()).Should().Be((0, 0));
    }

    [Fact]
    public async Task SetRoles_CannotTakeAdminAwayFromYourself()
    {
        (await Users.CreateAsync(_admin, new NewUser("boss", null, [OpsRoles.Admin], "boss-password-1"))).Succeeded.Should().BeTrue();
        var result = await Users.SetRolesAsync(_admin, "boss", [OpsRoles.Viewer]);
        result.Outcome.Should().Be(OpsOutcome.Invalid);
        (await Users.FindAsync("boss"))!.Roles.Should().Equal(OpsRoles.Admin);
    }

    [Fact]
    public async Task UnknownUser_IsNotFound()
    {
        (await Users.SetDisabledAsync(_admin, "ghost", true)).Outcome.Should().Be(OpsOutcome.NotFound);
        (await Users.ResetPasswordAsync(_admin, "ghost", "ghost-password-1")).Outcome.Should().Be(OpsOutcome.NotFound);
    }

    [Fact]
    public async Task DarkMode_IsRememberedPerUser()
    {
        await Users.CreateAsync(_admin, new NewUser("night", null, [OpsRoles.Viewer], "night-night-1"));
        (await Users.PrefersDarkModeAsync("night")).Should().BeFalse();
        await Users.SetDarkModeAsync(new Actor("night", [OpsRoles.Viewer]), true);
        (await Users.PrefersDarkModeAsync("night")).Should().BeTrue();
        (await Users.PrefersDarkModeAsync("boss")).Should().BeFalse();
    }
}
