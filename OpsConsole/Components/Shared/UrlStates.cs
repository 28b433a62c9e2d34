using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace OpsConsole.Components.Shared;

/// <summary>
/// The circuit's list addresses: binds a page's view to its address (<see cref="UrlState{TView}"/>), says once what
/// an address asked for that could not be used, and remembers each list's last address for the links back to it (a
/// breadcrumb on a detail page lands on the list as the operator left it). Scoped: one per circuit. ADR 0018.
/// </summary>
public sealed class UrlStates(NavigationManager navigation, ISnackbar snackbar, IServiceProvider services)
{
    private readonly Dictionary<string, string> _last = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Binds a page's view to its address. <paramref name="interactive"/> is the page's <c>RendererInfo.IsInteractive</c>
    /// (a prerender reads the address but writes nothing); <paramref name="onAddressChanged"/> runs when Back, Forward or
    /// a link changed the view, after <see cref="UrlState{TView}.Value"/> holds it. The page disposes the binding.
    /// </summary>
    public UrlState<TView> Bind<TView>(bool interactive, Func<Task> onAddressChanged) where TView : class, IUrlView<TView> =>
        new(navigation, this, services, interactive, onAddressChanged);

    /// <summary>The list's address as last shown in this circuit (filters, page, selection), or its bare path.</summary>
    public string LastAddress(string path) => _last.GetValueOrDefault(path.TrimEnd('/'), path);

    internal void Remember(string path, string address) => _last[PathOf(path)] = "/" + navigation.ToBaseRelativePath(address);

    internal void Notify(string ignored, bool interactive)
    {
        if (interactive)
        {
            snackbar.Add($"Ignored in the address: {ignored}", Severity.Info, o => o.VisibleStateDuration = 8000);
        }
    }

    private string PathOf(string absolute) => "/" + navigation.ToBaseRelativePath(absolute).TrimEnd('/');
}
