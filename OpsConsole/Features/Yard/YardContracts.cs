using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Yard;

namespace OpsConsole.Features.Yard;

// The wire records of the yard API. Field names are snake_case through the API's one JSON style (ApiJson), like the
// yard system's own API (hostler_id, trailer_id, last_polled_at …). The view's own records (YardHostlerCard,
// YardTaskRow, YardTask, YardCycleResult, YardRuleView) are immutable and already the shape the API answers, so they go
// out as they are: a copy of thousands of task rows per snapshot would buy nothing. Request fields have defaults so
// that the OpenAPI document shows them as optional: every one of them may be left out.

/// <summary>The unified view and the poller's status (GET /api/yard/snapshot).</summary>
public sealed record YardSnapshotResponse(long Version, DateTime? TakenAt, bool Stale, YardStatusResponse Status,
    IReadOnlyList<YardHostlerCard> Hostlers, IReadOnlyList<YardTaskRow> Workbasket)
{
    public static YardSnapshotResponse From(YardView view, YardStatus status, DateTime now) =>
        new(view.Version, view.Version == 0 ? null : view.TakenAt, status.IsStale(now), YardStatusResponse.From(status), view.Hostlers, view.Workbasket);
}

/// <summary>
/// The poller's status. <c>last_polled_at</c> is the last GOOD poll (as the hostler view says "Last polled"), the same
/// as <c>last_success_at</c>; <c>last_attempt_at</c> is the last poll of either kind and <c>last_error</c> its error
/// when it failed (ADR 0019).
/// </summary>
public sealed record YardStatusResponse(YardPollerHealth Health, bool Paused, int IntervalSeconds, bool DryRun, DateTime? LastPolledAt,
    DateTime? LastSuccessAt, DateTime? LastAttemptAt, string? LastError, int ConsecutiveFailures, DateTime? NextPollAt, YardCapAlert? CapAlert,
    IReadOnlyList<string> FailingRules, YardCycleResult? LastCycle)
{
    public static YardStatusResponse From(YardStatus s) => new(s.Health, s.Settings.Paused, s.Settings.IntervalSeconds, s.Settings.DryRun,
        s.LastSuccessAt, s.LastSuccessAt, s.LastAttemptAt, s.LastError, s.ConsecutiveFailures, s.NextPollAt, s.CapAlert, s.FailingRules, s.LastCycle);
}

public sealed record YardSettingsResponse(int IntervalSeconds, bool Paused, bool DryRun, int DeletionCap, int StaleTaskHours, DateTime UpdatedAt,
    string UpdatedBy)
{
    public static YardSettingsResponse From(YardSettings s) =>
        new(s.IntervalSeconds, s.Paused, s.DryRun, s.DeletionCap, s.StaleTaskHours, s.UpdatedAt, s.UpdatedBy);
}

/// <summary>A change to the poller's settings (PUT /api/yard/settings); fields left out stay as they are.</summary>
public sealed record YardSettingsRequest(int? IntervalSeconds = null, bool? Paused = null, bool? DryRun = null, int? DeletionCap = null,
    int? StaleTaskHours = null)
{
    public YardSettingsInput ToInput() => new(IntervalSeconds, Paused, DryRun, DeletionCap, StaleTaskHours);
}

/// <summary>A rule's switches (PUT /api/yard/rules/{name}); at least one.</summary>
public sealed record YardRuleRequest(bool? Enabled = null, bool? DryRun = null);

/// <summary>
/// The fields PATCH /api/yard/tasks/{id} may change, for the OpenAPI document: the handler reads the body as a JSON
/// object itself, because a field sent as null (hostler_id: null, back to the workbasket) differs from one left out.
/// </summary>
public sealed record YardTaskPatchRequest(int? Priority = null, string? HostlerId = null, string? Destination = null, string? Origin = null,
    string? Notes = null);

/// <summary>Why a task is deleted (DELETE /api/yard/tasks/{id}), when it is not given as ?reason=.</summary>
public sealed record YardTaskDeleteRequest(string? Reason = null);

public sealed record YardTaskDeleteQuery([FromQuery(Name = "reason")] string? Reason);

/// <summary>
/// The hostler view's address: the hostler status shown (status), the search (q, as the ETL jobs list names its
/// search), the workbasket's page (page, from 1) and the open task (task_id).
/// </summary>
public sealed record HostlersViewQuery([FromQuery(Name = "status")] string? Status, [FromQuery(Name = "q")] string? Q,
    [FromQuery(Name = "page")] string? Page, [FromQuery(Name = "task_id")] string? TaskId);
