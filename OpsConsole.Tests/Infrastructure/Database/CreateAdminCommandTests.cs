using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Database;

/// <summary>`dotnet run --project OpsConsole -- create-admin NAME` outside Development: the first admin, no default passwords.</summary>
public sealed class CreateAdminCommandTests
{
    private static async Task<(int Exit, string Output)> RunAsync(DatabaseOptions database, string? password, params string[] args)
    {
        var start = ConsoleProcess.StartInfo(database, new Dictionary<string, string> { ["OPSCONSOLE_ADMIN_PASSWORD"] = password ?? "" }, args);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    [Fact]
    public async Task CreateAdmin_MakesTheFirstAdmin_AndCreatesNoDemoUsersOutsideDevelopment()
    {
        var database = TestDatabases.NewSqlite();
        var (exit, output) = await RunAsync(database, "first-admin-2026", "create-admin", "chief");
        exit.Should().Be(0, output);
        output.Should().Contain("Admin 'chief' created.");

        await using var db = OpsDatabase.Create(database);
        var users = await db.Users.Select(u => u.UserName).ToListAsync();
        users.Should().Equal("chief");
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select r.Name).ToListAsync();
        roles.Should().Equal("admin");
        (await db.AuditEntries.SingleAsync()).Action.Should().Be("user.create");
    }

    [Fact]
    public async Task CreateAdmin_WithAWeakPasswordOrNoName_FailsClearly()
    {
        var database = TestDatabases.NewSqlite();
        var (exit, output) = await RunAsync(database, "short", "create-admin", "chief");
        exit.Should().Be(1);
        output.Should().Contain("create-admin failed").And.Contain("Passwords must be at least 10 characters");

        (exit, output) = await RunAsync(database, "first-admin-2026", "create-admin");
        exit.Should().Be(2);
        output.Should().Contain("usage:");
    }
}
