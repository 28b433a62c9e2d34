using MudBlazor;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Components.Shared;

/// <summary>
/// A MudTable's ServerData load as the page around it needs it: the rows for the table, or an error message for the
/// page to show instead of breaking the circuit. The table counts pages from 0, Core from 1; this is where one turns
/// into the other. The table renders itself after its load; the page that shows the total or the error outside the
/// table must render again itself when they change.
/// </summary>
public static class ServerTableLoad
{
    public static async Task<(TableData<T> Data, string? Error)> RunAsync<T>(TableState state, Func<PageRequest, Task<Page<T>>> load)
    {
        try
        {
            var page = await load(new PageRequest(state.Page + 1, state.PageSize));
            return (new TableData<T> { Items = page.Items, TotalItems = page.Total }, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (new TableData<T> { Items = [], TotalItems = 0 }, ex.Message);
        }
    }
}
