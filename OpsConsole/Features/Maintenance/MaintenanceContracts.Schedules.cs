using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Views;

namespace OpsConsole.Features.Maintenance;

// The wire records of /api/maintenance/schedules and /api/maintenance/tickets/views (ADR 0030).

/// <summary>How far a schedule is: `used` of `interval` (days, cycles or hours), `due_at` for days only.</summary>
public sealed record ScheduleProgressResponse(double Used, int Interval, double Fraction, bool Due, DateTime? DueAt, string Text)
{
    public static ScheduleProgressResponse From(ScheduleProgress p) => new(Math.Round(p.Used, 2), p.Interval, Math.Round(p.Fraction, 4), p.Due, p.DueAt, p.Text);
}

public sealed record ScheduleResponse(int Id, int MachineId, string MachineCode, string MachineName, string Title, string? Description,
    TicketPriority Priority, ScheduleTrigger Trigger, int Interval, bool Enabled, ScheduleProgressResponse Progress, DateTime BaselineAt,
    DateTime? LastGeneratedAt, long? LastTicketId, DateTime? LastDoneAt, long? OpenTicketId, TicketStatus? OpenTicketStatus, DateTime UpdatedAt,
    string UpdatedBy, int Version)
{
    public static ScheduleResponse From(ScheduleRow r) => new(r.Schedule.Id, r.Schedule.MachineId, r.MachineCode, r.MachineName, r.Schedule.Title,
        r.Schedule.Description, r.Schedule.Priority, r.Schedule.Trigger, r.Schedule.Interval, r.Schedule.Enabled, ScheduleProgressResponse.From(r.Progress),
        r.Schedule.BaselineAt, r.Schedule.LastGeneratedAt, r.Schedule.LastTicketId, r.Schedule.LastDoneAt, r.OpenTicketId, r.OpenTicketStatus,
        r.Schedule.UpdatedAt, r.Schedule.UpdatedBy, r.Schedule.Version);
}

/// <summary>A new schedule: `trigger` is days, cycles or run_hours; `interval` is N of them.</summary>
public sealed record NewScheduleRequest(long? MachineId, string? Title, string? Description, string? Priority, string? Trigger, long? Interval, bool? Enabled)
{
    public NewSchedule ToInput() => new(MachineId, Title, Description, Priority, Trigger, Interval, Enabled);
}

/// <summary>An edit based on `version`; absent fields stay (`enabled: false` disables it). The machine does not change.</summary>
public sealed record ScheduleEditRequest(int? Version, string? Title, string? Description, string? Priority, string? Trigger, long? Interval, bool? Enabled)
{
    public ScheduleEdit ToInput() => new(Version, Title, Description, Priority, Trigger, Interval, Enabled);
}

public sealed record SchedulesQuery([FromQuery(Name = "machine_id")] string? MachineId);

/// <summary>A saved view: `query` is the list's query string (open it at `/maintenance/tickets?{query}`); `mine` says whether the caller owns it.</summary>
public sealed record SavedViewResponse(int Id, string Name, string Query, string Owner, bool Shared, bool Mine, DateTime UpdatedAt)
{
    public static SavedViewResponse From(SavedView v, Actor actor) => new(v.Id, v.Name, v.Query, v.OwnerName, v.Shared, v.OwnerId == actor.AccountId, v.UpdatedAt);
}

public sealed record SavedViewRequest(string? Name, string? Query, bool? Shared);
