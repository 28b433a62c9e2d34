using Microsoft.AspNetCore.Components;

namespace OpsConsole.Components.Layout;

/// <summary>Where in the shell a module's component appears.</summary>
public enum ShellPlace
{
    /// <summary>A section of the navigation (a <c>&lt;M&gt;Nav</c> component).</summary>
    Navigation,
    /// <summary>A tile on the dashboard.</summary>
    Dashboard,
    /// <summary>A panel on the admin Simulators page.</summary>
    SimulatorControls,
    /// <summary>A module's section of the Settings page (its runtime settings, usually a <c>RuntimeSettingsForm</c>).</summary>
    Settings,
}

/// <summary>A component a module adds to the shell, and its order among its place's parts.</summary>
public sealed record ShellPart(ShellPlace Place, Type Component, int Order);

/// <summary>
/// A keyboard shortcut for the sheet; one with an address ("g j") goes there. One with a policy is listed and followed
/// only for the roles that policy admits (the admin pages).
/// </summary>
public sealed record ShellShortcut(string Keys, string What, string? Href = null, string? Policy = null);

/// <summary>
/// How a module's <c>Add&lt;M&gt;Feature</c> puts its navigation, tiles, panels and shortcuts into the shell: the
/// layout, the dashboard and the simulators page render what was registered, so they name no module.
/// </summary>
public static class ShellParts
{
    public static IServiceCollection AddShellPart<TComponent>(this IServiceCollection services, ShellPlace place, int order)
        where TComponent : IComponent =>
        services.AddSingleton(new ShellPart(place, typeof(TComponent), order));

    public static IServiceCollection AddShellShortcut(this IServiceCollection services, string keys, string what, string? href = null, string? policy = null) =>
        services.AddSingleton(new ShellShortcut(keys, what, href, policy));
}
