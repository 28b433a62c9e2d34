using OpsConsole.Components.Shared;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Yard;

namespace OpsConsole.Features.Yard;

/// <summary>The hostler view as its address keeps it (HostlersViewQuery): /yard?status=busy&amp;q=TRL-1&amp;page=2&amp;task_id=T-17.</summary>
public sealed record HostlersView(YardViewFilter Filter, int Page, string? TaskId) : IUrlView<HostlersView>
{
    public const int MaxTaskIdLength = 64;

    public static HostlersView Default { get; } = new(new YardViewFilter(null, null), 1, null);

    public static HostlersView Read(QueryText query, FieldErrors errors, IServiceProvider services)
    {
        var text = query.Read<HostlersViewQuery>();
        return new HostlersView(YardViewFilter.Read(errors, text.Status, text.Q), errors.OptionalInt("page", text.Page, 1, PageRequest.MaxPage) ?? 1,
            errors.OptionalText("task_id", text.TaskId, MaxTaskIdLength));
    }

    public QueryText Write() => QueryText.From(new HostlersViewQuery(Filter.Status, Filter.Search, QueryText.Text(Page), TaskId));

    /// <summary>Another status or search starts the workbasket at its first page.</summary>
    public HostlersView Filtered(string? status, string? search) =>
        this with { Filter = new YardViewFilter(string.IsNullOrEmpty(status) ? null : status, search), Page = 1 };
}
