using MudBlazor;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Components.Shared;

/// <summary>
/// A MudTable's ServerData load as the page around it needs it: the rows of the page its view (and address) asks for,
/// or an error message for the page to show instead of breaking the circuit. The table renders itself after its load;
/// the page that shows the total or the error outside the table must render again itself when they change.
/// </summary>
public static class ServerTableLoad
{
    public static async Task<(TableData<T> Data, string? Error)> RunAsync<T>(PageRequest page, Func<PageRequest, Task<Page<T>>> load)
    {
        try
        {
            var rows = await load(page);
            return (new TableData<T> { Items = rows.Items, TotalItems = rows.Total }, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (new TableData<T> { Items = [], TotalItems = 0 }, ex.Message);
        }
    }

    /// <summary>
    /// A page past the end of the list (an old link, or rows gone since): the table turns back to its first page, and
    /// the page corrects its address without a history entry, so that Back does not lead past the end again.
    /// </summary>
    public static bool IsPastTheEnd(PageRequest page, int total) => page.Page > 1 && page.Skip >= total;
}
