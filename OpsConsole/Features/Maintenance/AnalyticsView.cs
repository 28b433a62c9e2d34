using OpsConsole.Components.Shared;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Features.Maintenance;

/// <summary>
/// The analytics page as its address keeps it, under the API's names: <c>from</c> and <c>to</c> (plant-local dates,
/// <c>to</c> not included: the address is the API's query), <c>machine_id</c>, <c>area</c>. Nothing: the last 30 days.
/// </summary>
public sealed record AnalyticsView(DateOnly? From, DateOnly? To, int? MachineId, int? Area) : IUrlView<AnalyticsView>
{
    public static AnalyticsView Default { get; } = new(null, null, null, null);

    public static AnalyticsView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var q = query.Read<AnalyticsQueryParameters>();
        return new(errors.OptionalDate("from", q.From), errors.OptionalDate("to", q.To), errors.OptionalInt("machine_id", q.MachineId, 1, int.MaxValue),
            errors.OptionalInt("area", q.Area, 1, int.MaxValue));
    }

    public AnalyticsQueryParameters ToQuery() => new(QueryText.Text(From), QueryText.Text(To), QueryText.Text(MachineId), QueryText.Text(Area));

    public QueryText Write() => QueryText.From(ToQuery());

    public AnalyticsFilterInput ToInput() => ToQuery().ToInput();
}
