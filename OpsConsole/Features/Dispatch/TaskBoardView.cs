using OpsConsole.Components.Shared;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Features.Dispatch;

/// <summary>The task board as its address keeps it: the selected worker, whose assigned and completed tasks it lists.</summary>
public sealed record TaskBoardView(string? WorkerId) : IUrlView<TaskBoardView>
{
    public static TaskBoardView Default { get; } = new((string?)null);

    public static TaskBoardView Read(QueryText query, FieldErrors errors, IServiceProvider services) =>
        new(errors.OptionalText("worker_id", query.Read<TaskBoardViewQuery>().WorkerId, DispatchService.MaxWorkerIdLength));

    public QueryText Write() => QueryText.From(new TaskBoardViewQuery(WorkerId));
}
