using OpsConsole.Components.Shared;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Features.Dispatch;

/// <summary>The approval list as its address keeps it: filters, order and the highlighted suggestion (SuggestionsViewQuery).</summary>
public sealed record SuggestionsView(SuggestionFilter Filter, SuggestionOrder Order, long? SuggestionId) : IUrlView<SuggestionsView>
{
    public static SuggestionsView Default { get; } = new(new SuggestionFilter(), SuggestionOrder.Oldest, null);

    public static SuggestionsView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var text = query.Read<SuggestionsViewQuery>();
        var filter = SuggestionFilter.Read(errors, new SuggestionFilterInput(StationId: text.StationId, MinQty: text.MinQty, MaxQty: text.MaxQty,
            OlderThanMinutes: text.OlderThanMinutes));
        return new SuggestionsView(filter, errors.OptionalChoice<SuggestionOrder>("sort", text.Sort) ?? SuggestionOrder.Oldest,
            errors.OptionalId("suggestion_id", text.SuggestionId));
    }

    public QueryText Write() => QueryText.From(new SuggestionsViewQuery(QueryText.Text(Filter.StationId), QueryText.Text(Filter.MinQty),
        QueryText.Text(Filter.MaxQty), QueryText.Text(Filter.OlderThanMinutes), QueryText.Text<SuggestionOrder>(Order), QueryText.Text(SuggestionId)));
}
