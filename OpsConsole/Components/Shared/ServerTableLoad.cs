using MudBlazor;
using OpsConsole.Core.Shared.Auditing;

namespace OpsConsole.Components.Shared;

/// <summary>
/// A MudTable's ServerData load as the page around it needs it: the rows for the table, or an error message for the
/// page to show instead of breaking the circuit. The table renders itself after its load; the page that shows the
/// total or the error outside the table must render again itself when they change.
/// </summary>
public static class ServerTableLoad
{
    public static async Task<(TableData<T> Data, string? Error)> RunAsync<T>(Func<Task<Page<T>>> load)
    {
        try
        {
            var page = await load();
            return (new TableData<T> { Items = page.Items, TotalItems = page.Total }, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (new TableData<T> { Items = [], TotalItems = 0 }, ex.Message);
        }
    }
}
