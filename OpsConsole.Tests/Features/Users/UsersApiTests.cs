using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Users;

public sealed class UsersApiTests(SharedApp app) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task CreateUser_WritesTheUserAndItsAuditEntry_AndTheNewUserCanSignIn()
    {
        using var admin = await app.ClientAsAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/users", new { user_name = "night-shift", display_name = "Night shift", roles = new[] { "operator" }, password = "night-shift-2026" });
        response.StatusCode.Should().Be(HttpStatusCode.Created);

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        var entry = await db.AuditEntries.SingleAsync(a => a.Action == "user.create" && a.EntityId == "night-shift");
        entry.Actor.Should().Be("admin");
        entry.After.Should().Contain("operator").And.NotContain("night-shift-2026");

        using var anonymous = app.CreateClient();
        (await anonymous.PostAsJsonAsync("/api/auth/login", new { username = "night-shift", password = "night-shift-2026" })).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("{\"user_name\":\"x1\",\"roles\":[\"pilot\"],\"password\":\"long-enough-1\"}", "roles")]
    [InlineData("{\"user_name\":\"x2\",\"roles\":[\"viewer\"],\"password\":\"short\"}", "password")]
    [InlineData("{\"user_name\":\"\",\"roles\":[\"viewer\"],\"password\":\"long-enough-1\"}", "user_name")]
    [InlineData("{\"user_name\":\"x3\",\"roles\":\"viewer\",\"password\":\"long-enough-1\"}", "roles")]
    public async Task CreateUser_WithBadInput_Is400NamingTheField_AndWritesNothing(string json, string field)
    {
        using var admin = await app.ClientAsAsync("admin");
        var response = await admin.PostAsync("/api/users", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await response.ShouldBeValidationProblemAsync(field);

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        (await db.Users.AnyAsync(u => u.UserName!.StartsWith("x") && u.UserName.Length == 2)).Should().BeFalse();
        (await db.AuditEntries.AnyAsync(a => a.EntityId == "x1" || a.EntityId == "x2" || a.EntityId == "x3")).Should().BeFalse();
    }

    [Fact]
    public async Task CreateUser_Twice_IsAConflict()
    {
        using var admin = await app.ClientAsAsync("admin");
        var body = new { user_name = "twice", roles = new[] { "viewer" }, password = "twice-twice-1" };
        (await admin.PostAsJsonAsync("/api/users", body)).StatusCode.Should().Be(HttpStatusCode.Created);
        (await admin.PostAsJsonAsync("/api/users", body)).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task SetRoles_ResetPassword_Disable_Enable_AreEachAudited()
    {
        using var admin = await app.ClientAsAsync("admin");
        (await admin.PostAsJsonAsync("/api/users", new { user_name = "rotating", roles = new[] { "viewer" }, password = "rotating-1234" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync("/api/users/rotating/roles", new { roles = new[] { "supervisor" } })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.PostAsJsonAsync("/api/users/rotating/password", new { password = "rotating-5678" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.PostAsync("/api/users/rotating/disable", null)).StatusCode.Should().Be(HttpStatusCode.OK);

        using var anonymous = app.CreateClient();
        var refused = await anonymous.PostAsJsonAsync("/api/auth/login", new { username = "rotating", password = "rotating-5678" });
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("Wrong user name or password.", "a disabled account is not told apart");
        (await admin.PostAsync("/api/users/rotating/enable", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await anonymous.PostAsJsonAsync("/api/auth/login", new { username = "rotating", password = "rotating-5678" })).StatusCode.Should().Be(HttpStatusCode.OK);

        var log = await admin.GetFromJsonAsync<JsonElement>("/api/audit?entity=User&text=rotating&page_size=50");
        log.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("action").GetString()).Should()
            .BeEquivalentTo(["user.create", "user.set-roles", "user.reset-password", "user.disable", "auth.refused", "user.enable"]);
    }

    [Fact]
    public async Task ResetPassword_ThatIsTooWeak_KeepsTheOldPassword()
    {
        using var admin = await app.ClientAsAsync("admin");
        (await admin.PostAsJsonAsync("/api/users", new { user_name = "keeper", roles = new[] { "viewer" }, password = "keeper-12345" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/users/keeper/password", new { password = "weak" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using var anonymous = app.CreateClient();
        (await anonymous.PostAsJsonAsync("/api/auth/login", new { username = "keeper", password = "keeper-12345" })).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Admin_CannotDisableThemselves()
    {
        using var admin = await app.ClientAsAsync("admin");
        (await admin.PostAsync("/api/users/admin/disable", null)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}
