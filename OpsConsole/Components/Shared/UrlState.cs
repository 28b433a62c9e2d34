using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Components.Shared;

/// <summary>
/// What a list page shows (filters, sort, page, page size, the selected row) as its address keeps it. A record: two
/// views are the same when their values are. ADR 0018.
/// </summary>
public interface IUrlView<TSelf> where TSelf : class, IUrlView<TSelf>
{
    /// <summary>The view at the page's bare address; parameters equal to its own are left out of the address.</summary>
    static abstract TSelf Default { get; }

    /// <summary>
    /// The view an address asks for, checked by the same Core rules as the page's API (<c>FieldErrors</c>, naming each
    /// bad parameter as the address spells it); <paramref name="services"/> for the rules that are a Core service's.
    /// </summary>
    static abstract TSelf Read(QueryText query, FieldErrors errors, IServiceProvider services);

    /// <summary>Every parameter the view owns, through the same query records: empty ones are removed from the address.</summary>
    QueryText Write();
}

/// <summary>How a change reaches the browser's history.</summary>
public enum UrlHistory
{
    /// <summary>A choice (a select, a chip, a date, a sort, a page, opening or closing a row): Back returns to the view before it.</summary>
    Push,

    /// <summary>
    /// Typing in a text field: the first change of a run pushes, the next ones replace it, so Back returns to the view
    /// before the typing, not to every prefix of the word.
    /// </summary>
    Typing,

    /// <summary>A move of the keyboard cursor, or a correction the page makes itself: no history entry.</summary>
    Replace,
}

/// <summary>
/// One page's view bound to its address through <see cref="NavigationManager"/>: read when the page starts and
/// whenever the address changes (Back, Forward, a link), written with <c>GetUriWithQueryParameters</c> and
/// <c>NavigateTo</c> (pushing or replacing, <see cref="UrlHistory"/>) whenever the page changes it. A bad parameter is
/// dropped and named once in a notice; the page shows the rest. Made by <see cref="UrlStates.Bind{TView}"/>; the
/// page calls <see cref="Rendered"/> after each render and disposes it. ADR 0018.
/// </summary>
public sealed class UrlState<TView> : IDisposable where TView : class, IUrlView<TView>
{
    private readonly NavigationManager _navigation;
    private readonly UrlStates _states;
    private readonly IServiceProvider _services;
    private readonly bool _interactive;
    private readonly Func<Task> _onAddressChanged;
    private readonly string _path;
    // Addresses this page wrote whose change notice has not come back yet: typing fast writes several before the first
    // returns, and an old one must not be taken for the operator going back.
    private readonly List<QueryText> _written = [];
    private string? _typing;
    private bool _rendered;
    private (string Address, bool Replace)? _waiting;

    internal UrlState(NavigationManager navigation, UrlStates states, IServiceProvider services, bool interactive, Func<Task> onAddressChanged)
    {
        (_navigation, _states, _services, _interactive, _onAddressChanged) = (navigation, states, services, interactive, onAddressChanged);
        _path = PathOf(navigation.Uri);
        var (view, ignored) = ReadAddress(QueryText.Parse(navigation.Uri));
        Value = view;
        if (ignored is not null)
        {
            Ignored = ignored;
            states.Notify(ignored, interactive);
            Write(view, UrlHistory.Replace, force: true);
        }
        states.Remember(_path, navigation.Uri);
        navigation.LocationChanged += OnLocationChanged;
    }

    /// <summary>The view the page shows.</summary>
    public TView Value { get; private set; }

    /// <summary>
    /// Counts the changes that came from the address rather than from the page: a key (<c>@key</c>) for parts that keep
    /// their own copy of the view, such as a table's pager and sort, so that they start again from it.
    /// </summary>
    public int Generation { get; private set; }

    /// <summary>What the address asked for that the page could not use, in Core's words; null when nothing.</summary>
    public string? Ignored { get; private set; }

    /// <summary>
    /// Call from the page's <c>OnAfterRender</c>. An address written before the page's first interactive render would
    /// reach the browser before the router has taken over navigation, which then reloads the page instead; such a
    /// write (a bad parameter dropped, a selection no longer there) waits for this.
    /// </summary>
    public void Rendered()
    {
        if (_rendered || !_interactive)
        {
            return;
        }
        _rendered = true;
        if (_waiting is { } waiting)
        {
            _waiting = null;
            Navigate(waiting.Address, waiting.Replace);
        }
    }

    /// <summary>Shows another view and writes it to the address; the page reloads what it shows itself.</summary>
    public void Set(TView next, UrlHistory history = UrlHistory.Push)
    {
        if (next.Equals(Value))
        {
            return;
        }
        Value = next;
        Ignored = null;
        Write(next, history, force: false);
    }

    /// <summary>The address of a view of this page: its parameters that differ from the default view's, the others removed.</summary>
    public string AddressOf(TView view)
    {
        var defaults = TView.Default.Write();
        var parameters = view.Write().Values.ToDictionary(p => p.Key,
            p => (object?)(p.Value is { } text && text != defaults[p.Key] ? text : null));
        return _navigation.GetUriWithQueryParameters(parameters);
    }

    private void Write(TView view, UrlHistory history, bool force)
    {
        var replace = history == UrlHistory.Replace || (history == UrlHistory.Typing && _typing is not null);
        _typing = history == UrlHistory.Typing ? "typing" : null;
        var address = AddressOf(view);
        _states.Remember(_path, address);
        // Before the circuit is interactive (prerendering) there is no browser history to write to; the interactive
        // render reads the same address again and writes then.
        if (!_interactive || (!force && address == _navigation.Uri))
        {
            return;
        }
        if (!_rendered)
        {
            _waiting = (address, replace && (_waiting?.Replace ?? true));
            return;
        }
        Navigate(address, replace);
    }

    private void Navigate(string address, bool replace)
    {
        _written.Add(QueryText.Parse(address));
        _navigation.NavigateTo(address, new NavigationOptions { ReplaceHistoryEntry = replace });
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e) => _ = FollowAddressAsync(e.Location);

    private async Task FollowAddressAsync(string location)
    {
        if (PathOf(location) != _path)
        {
            return;
        }
        var query = QueryText.Parse(location);
        var mine = _written.FindIndex(w => w.Equals(query));
        if (mine >= 0)
        {
            _written.RemoveRange(0, mine + 1);
            return;
        }
        _typing = null;
        _states.Remember(_path, location);
        var (view, ignored) = ReadAddress(query);
        if (ignored is not null)
        {
            _states.Notify(ignored, _interactive);
        }
        if (view.Equals(Value))
        {
            return;
        }
        (Value, Ignored) = (view, ignored);
        Generation++;
        try
        {
            await _onAddressChanged();
        }
        catch (Exception ex)
        {
            // An event handler has nobody to throw to: the page's own error display is the place, and this is its last resort.
            _states.Notify($"This view could not be shown: {ex.Message}", _interactive);
        }
    }

    /// <summary>Reads the view; parameters Core names as bad are dropped and the view read again without them.</summary>
    private (TView View, string? Ignored) ReadAddress(QueryText query)
    {
        var errors = new FieldErrors();
        var view = TView.Read(query, errors, _services);
        if (!errors.Any)
        {
            return (view, null);
        }
        var retry = new FieldErrors();
        var clean = TView.Read(query.Without(errors.Fields), retry, _services);
        return (retry.Any ? TView.Default : clean, errors.Describe());
    }

    private static string PathOf(string address)
    {
        var end = address.IndexOfAny(['?', '#']);
        return (end >= 0 ? address[..end] : address).TrimEnd('/');
    }

    public void Dispose() => _navigation.LocationChanged -= OnLocationChanged;
}
