using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using OpsConsole.Core.Shared.Identity;

namespace OpsConsole.Tests.Components;

/// <summary>bUnit with MudBlazor as MudBlazor's own tests set it up: loose JS interop, no transitions.</summary>
public abstract class ComponentTestContext : BunitContext
{
    protected ComponentTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.SnackbarConfiguration.ShowTransitionDuration = 0);
        Services.AddSingleton(TimeProvider.System);
        _auth = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", true));
    }

    private readonly BunitAuthorizationContext _auth;

    /// <summary>Signs in a fake user holding the role, with exactly the policies the table gives that role.</summary>
    protected void SignInAs(string userName, string role)
    {
        _auth.SetAuthorized(userName);
        _auth.SetRoles(role);
        _auth.SetPolicies([.. OpsPolicies.RolesByPolicy.Where(p => p.Value.Contains(role)).Select(p => p.Key)]);
    }
}
