using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Infrastructure.Auth;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Auth;

/// <summary>
/// A page keeps the principal it was opened with. Core commands check the account at the moment they run, so a
/// user disabled or demoted after the page opened cannot act through it, however long the page stays open.
/// </summary>
public sealed class RevocationTests : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new();
    private static readonly Actor Admin = new("admin", [OpsRoles.Admin]);

    public ValueTask InitializeAsync()
    {
        _ = _app.Services;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>The principal a page opened by <paramref name="user"/> holds (what the sign-in cookie carries).</summary>
    private async Task<ClaimsPrincipal> PrincipalOfAsync(string user)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<OpsUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<OpsUser>>();
        return await factory.CreateAsync((await users.FindByNameAsync(user))!);
    }

    private async Task<long> SuggestAsync()
    {
        var stored = await Get<DispatchService>().SubmitAsync(Admin, [new NewSuggestion(1, 2, 3, "dock full")]);
        return stored.Value!.Single().Id;
    }

    private async Task<SuggestionStatus> StatusOfAsync(long id)
    {
        await using var db = await Get<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        return (await db.Suggestions.SingleAsync(s => s.Id == id)).Status;
    }

    [Fact]
    public async Task ASupervisorsOpenPage_CannotApprove_AfterTheSupervisorIsDemoted()
    {
        var page = (await PrincipalOfAsync("supervisor")).ToActor();
        var id = await SuggestAsync();
        (await Get<UserAdministration>().SetRolesAsync(Admin, "supervisor", [OpsRoles.Viewer])).Succeeded.Should().BeTrue();

        var approve = () => Get<DispatchService>().ApproveAsync(page, id);
        (await approve.Should().ThrowAsync<AccessRefusedException>()).Which.Message.Should().Contain("changed since you signed in");
        (await StatusOfAsync(id)).Should().Be(SuggestionStatus.Pending);
    }

    [Fact]
    public async Task ADisabledUsersOpenPage_CannotAct_InAnyModule()
    {
        var page = (await PrincipalOfAsync("admin")).ToActor();
        (await Get<UserAdministration>().CreateAsync(Admin, new NewUser("second-admin", null, [OpsRoles.Admin], "second-admin-1"))).Succeeded.Should().BeTrue();
        (await Get<UserAdministration>().SetDisabledAsync(new Actor("second-admin", [OpsRoles.Admin]), "admin", true)).Succeeded.Should().BeTrue();

        var fetch = () => Get<EtlService>().FetchAsync(page, new FetchInput("B001", 1, "2026-11-02"));
        await fetch.Should().ThrowAsync<AccessRefusedException>();
        var enable = () => Get<UserAdministration>().SetDisabledAsync(page, "operator", false);
        (await enable.Should().ThrowAsync<AccessRefusedException>()).Which.Message.Should().Contain("disabled");
        var stations = () => Get<StationDirectory>().UpsertAsync(page, [new Station { Id = 1, Name = "Quay" }]);
        await stations.Should().ThrowAsync<AccessRefusedException>();
    }

    [Fact]
    public async Task AnUnchangedUser_Acts_AndARoleTheyNeverHad_IsRefusedInCoreToo()
    {
        var supervisor = (await PrincipalOfAsync("supervisor")).ToActor();
        var id = await SuggestAsync();
        (await Get<DispatchService>().ApproveAsync(supervisor, id)).Succeeded.Should().BeTrue();
        (await StatusOfAsync(id)).Should().Be(SuggestionStatus.Approved);

        var viewer = (await PrincipalOfAsync("viewer")).ToActor();
        var another = await SuggestAsync();
        var approve = () => Get<DispatchService>().ApproveAsync(viewer, another);
        (await approve.Should().ThrowAsync<AccessRefusedException>()).Which.Message.Should().Be("Your role may not do this.");
        var anonymous = () => Get<DispatchService>().ApproveAsync(new ClaimsPrincipal(new ClaimsIdentity()).ToActor(), another);
        await anonymous.Should().ThrowAsync<AccessRefusedException>();
    }
}
