using OpsConsole.Components.Shared;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Sync;

namespace OpsConsole.Features.Sync;

/// <summary>The plan page as its address keeps it: the action its table shows (all when none), e.g. /sync/plans/7?action=conflict.</summary>
public sealed record PlanView(SyncAction? Action) : IUrlView<PlanView>
{
    public static PlanView Default { get; } = new((SyncAction?)null);

    public static PlanView Read(QueryText query, FieldErrors errors, IServiceProvider services) =>
        new(errors.OptionalChoice<SyncAction>("action", query.Read<SyncPlanViewQuery>().Action));

    public QueryText Write() => QueryText.From(new SyncPlanViewQuery(QueryText.Text(Action)));
}
