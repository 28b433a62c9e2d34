using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using MudBlazor.Services;
using OpsConsole.Components.Layout;
using OpsConsole.Core.Shared.Identity;

namespace OpsConsole.Tests.Components;

/// <summary>bUnit with MudBlazor as MudBlazor's own tests set it up: loose JS interop, no transitions.</summary>
public abstract class ComponentTestContext : BunitContext
{
    /// <param name="time">The clock the components read (a FakeTimeProvider for tests about time).</param>
    /// <param name="services">The services the components under test inject (registered before anything is resolved).</param>
    protected ComponentTestContext(TimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        AddTheModulesShellParts();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.SnackbarConfiguration.ShowTransitionDuration = 0);
        Services.AddSingleton(time ?? TimeProvider.System);
        Services.AddScoped<OpsConsole.Components.Shared.CircuitClock>();
        services?.Invoke(Services);
        _auth = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", true));
    }

    private readonly BunitAuthorizationContext _auth;

    /// <summary>
    /// The navigation sections, tiles, panels and shortcuts the modules register in their Add&lt;M&gt;Feature, as the app
    /// composes them (OpsWeb), without the rest of what those registrations bring.
    /// </summary>
    private void AddTheModulesShellParts()
    {
        var composed = new ServiceCollection();
        var configuration = new ConfigurationBuilder().Build();
        composed.AddOpsFeatures(configuration, new HostingEnvironment { EnvironmentName = "Testing" });
        foreach (var part in composed.Where(d => d.ServiceType == typeof(ShellPart) || d.ServiceType == typeof(ShellShortcut)))
        {
            Services.Add(part);
        }
    }

    /// <summary>Signs in a fake user holding the role, with exactly the policies the table gives that role.</summary>
    protected void SignInAs(string userName, string role, params System.Security.Claims.Claim[] claims)
    {
        _auth.SetAuthorized(userName);
        _auth.SetRoles(role);
        _auth.SetPolicies([.. OpsPolicies.RolesByPolicy.Where(p => p.Value.Contains(role)).Select(p => p.Key)]);
        // Last: bUnit keeps only the claims set after the roles.
        _auth.SetClaims(claims);
    }
}
