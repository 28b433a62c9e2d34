using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Maintenance;

namespace OpsConsole.Features.Maintenance;

// The wire records of /api/maintenance. Field names are snake_case through the API's one JSON style (ApiJson), statuses
// and other enums their lower-case words (in_progress, on_hold).

public sealed record MachineResponse(int Id, string Code, string Name, int AreaId, string Area, Criticality Criticality, double? IdealCycleSeconds,
    int? CalendarId, bool OpenTicketOnDown, StateFeed Feed, MachineState State, StateSource StateSource, DateTime StateSince, DateTime? LastDataAt,
    DowntimePeriodResponse? OpenPeriod, int OpenTickets, long? FailureTicketId, int Version)
{
    public static MachineResponse From(MachineTile t) => new(t.Machine.Id, t.Machine.Code, t.Machine.Name, t.Machine.AreaId, t.AreaName, t.Machine.Criticality,
        t.Machine.IdealCycleSeconds, t.Machine.CalendarId, t.Machine.OpenTicketOnDown, t.Machine.Feed, t.Machine.State, t.Machine.StateSource, t.Machine.StateSince,
        t.Machine.LastDataAt, t.OpenPeriod is null ? null : DowntimePeriodResponse.From(t.OpenPeriod), t.OpenTickets, t.FailureTicketId, t.Machine.Version);
}

public sealed record MachineEditRequest(int? Version, string? Name, long? AreaId, string? Criticality, double? IdealCycleSeconds, long? CalendarId,
    bool? OpenTicketOnDown, string? Feed, bool? ClearCalendar, bool? ClearIdealCycle)
{
    public MachineEdit ToInput() => new(Version, Name, AreaId, Criticality, IdealCycleSeconds, CalendarId, OpenTicketOnDown, Feed, ClearCalendar == true,
        ClearIdealCycle == true);
}

public sealed record MachineStateRequest(string? State, string? Note);

public sealed record StateChangeResponse(int MachineId, MachineState State, bool Changed, string? Ignored, IReadOnlyList<long> PeriodsOpened,
    IReadOnlyList<long> PeriodsClosed, IReadOnlyList<long> Tickets)
{
    public static StateChangeResponse From(StateChange c) => new(c.MachineId, c.State, c.Changed, c.Ignored, c.PeriodsOpened, c.PeriodsClosed, c.Tickets);
}

public sealed record MachinesQuery([FromQuery(Name = "area")] string? Area, [FromQuery(Name = "state")] string? State);

public sealed record DowntimePeriodResponse(long Id, int MachineId, DateTime StartAt, DateTime? EndAt, double? DurationSeconds, DowntimeKind Kind,
    string? ReasonCode, string? Note, long? TicketId, DowntimeOrigin Origin, bool MicroStop, string? UpdatedBy)
{
    public static DowntimePeriodResponse From(DowntimePeriod p) => new(p.Id, p.MachineId, p.StartAt, p.EndAt, (p.EndAt - p.StartAt)?.TotalSeconds, p.Kind,
        p.ReasonCode, p.Note, p.TicketId, p.Origin, p.MicroStop, p.UpdatedBy);
}

public sealed record DowntimeQuery([FromQuery(Name = "from")] string? From, [FromQuery(Name = "to")] string? To);

public sealed record NewDowntimeRequest(string? StartAt, string? EndAt, string? Kind, string? ReasonCode, string? Note, long? TicketId)
{
    public NewDowntime ToInput() => new(StartAt, EndAt, Kind, ReasonCode, Note, TicketId);
}

public sealed record DowntimeCorrectionRequest(string? Kind, string? ReasonCode, string? Note, long? TicketId, bool? ClearTicket)
{
    public DowntimeCorrection ToInput() => new(Kind, ReasonCode, Note, TicketId, ClearTicket == true);
}

public sealed record TicketResponse(long Id, string Title, string? Description, int MachineId, string? MachineCode, string? MachineName, TicketKind Kind,
    TicketPriority Priority, TicketStatus Status, TicketOrigin Origin, string ReportedBy, string? AssignedTo, DateTime? DueAt, string? StatusReason,
    string? ProblemCode, string? CauseCode, string? RemedyCode, DateTime CreatedAt, DateTime UpdatedAt, DateTime? FirstStartedAt, DateTime? ResolvedAt,
    DateTime? ClosedAt, DateTime? CancelledAt, int Reopened, int Version)
{
    public static TicketResponse From(Ticket t, string? code = null, string? name = null) => new(t.Id, t.Title, t.Description, t.MachineId, code, name, t.Kind,
        t.Priority, t.Status, t.Origin, t.ReportedBy, t.AssignedTo, t.DueAt, t.StatusReason, t.ProblemCode, t.CauseCode, t.RemedyCode, t.CreatedAt, t.UpdatedAt,
        t.FirstStartedAt, t.ResolvedAt, t.ClosedAt, t.CancelledAt, t.Reopened, t.Version);

    public static TicketResponse From(TicketRow r) => From(r.Ticket, r.MachineCode, r.MachineName);
}

public sealed record TicketHistoryResponse(long Id, DateTime At, string Actor, string Action, string? Field, string? Before, string? After, int Version);

public sealed record CommentResponse(long Id, string Author, string Body, DateTime CreatedAt)
{
    public static CommentResponse From(TicketComment c) => new(c.Id, c.Author, c.Body, c.CreatedAt);
}

public sealed record PhotoResponse(long Id, long? CommentId, string? FileName, int Width, int Height, long SizeBytes, string UploadedBy, DateTime UploadedAt,
    string Url, string ThumbnailUrl)
{
    public static PhotoResponse From(TicketPhoto p) => new(p.Id, p.CommentId, p.FileName, p.Width, p.Height, p.SizeBytes, p.UploadedBy, p.UploadedAt,
        $"/api/maintenance/tickets/{p.TicketId}/photos/{p.Id}", $"/api/maintenance/tickets/{p.TicketId}/photos/{p.Id}?thumbnail=true");
}

public sealed record MovementResponse(long Id, int PartId, MovementKind Kind, int Quantity, DateTime OccurredAt, DateTime RecordedAt, long? TicketId,
    string? Reason, string Actor)
{
    public static MovementResponse From(PartMovement m) => new(m.Id, m.PartId, m.Kind, m.Quantity, m.OccurredAt, m.RecordedAt, m.TicketId, m.Reason, m.Actor);
}

/// <summary>A ticket with everything its page shows, and the statuses it may move to now.</summary>
public sealed record TicketDetailResponse(TicketResponse Ticket, MachineState MachineState, StateFeed MachineFeed, IReadOnlyList<TicketStatus> Allowed,
    IReadOnlyList<TicketHistoryResponse> History, IReadOnlyList<CommentResponse> Comments, IReadOnlyList<PhotoResponse> Photos,
    IReadOnlyList<MovementResponse> Parts, IReadOnlyList<DowntimePeriodResponse> Downtime)
{
    public static TicketDetailResponse From(TicketDetail d) => new(TicketResponse.From(d.Ticket, d.Machine.Code, d.Machine.Name), d.Machine.State, d.Machine.Feed,
        d.Allowed, d.History.Select(h => new TicketHistoryResponse(h.Id, h.At, h.Actor, h.Action, h.Field, h.Before, h.After, h.Version)).ToList(),
        d.Comments.Select(CommentResponse.From).ToList(), d.Photos.Select(PhotoResponse.From).ToList(), d.Parts.Select(MovementResponse.From).ToList(),
        d.Periods.Select(DowntimePeriodResponse.From).ToList());
}

public sealed record NewTicketRequest(string? Title, string? Description, long? MachineId, string? Kind, string? Priority, string? AssignedTo, string? DueAt)
{
    public NewTicket ToInput() => new(Title, Description, MachineId, Kind, Priority, AssignedTo, DueAt);
}

/// <summary>An edit based on `version`; absent fields stay; `assigned_to: ""` or `due_at: ""` clears them.</summary>
public sealed record TicketUpdateRequest(int? Version, string? Title, string? Description, string? Priority, string? AssignedTo, string? DueAt)
{
    public TicketEdit ToInput() => new(Version, Title, Description, Priority, AssignedTo is "" ? null : AssignedTo, DueAt is "" ? null : DueAt,
        ClearAssignee: AssignedTo is "", ClearDue: DueAt is "");
}

public sealed record TicketStatusRequest(string? Status, string? Reason, int? Version, string? ProblemCode, string? CauseCode, string? RemedyCode,
    bool? MachineRunsAgain)
{
    public TicketStatusChange ToInput() => new(Status, Reason, Version, ProblemCode, CauseCode, RemedyCode, MachineRunsAgain);
}

public sealed record CommentRequest(string? Body);

/// <summary>Parts used on a ticket: an issue from stock (or a return to it) of a part.</summary>
public sealed record TicketPartRequest(long? PartId, int? Quantity, string? Kind, string? OccurredAt);

public sealed record TicketsQuery([FromQuery(Name = "status")] string? Status, [FromQuery(Name = "priority")] string? Priority,
    [FromQuery(Name = "kind")] string? Kind, [FromQuery(Name = "machine_id")] string? MachineId, [FromQuery(Name = "area")] string? Area,
    [FromQuery(Name = "assigned_to")] string? AssignedTo, [FromQuery(Name = "q")] string? Search)
{
    public TicketFilterInput ToInput() => new(Status, Priority, Kind, MachineId, Area, AssignedTo, Search);
}

public sealed record PartResponse(int Id, string Number, string Name, string Unit, string? Location, int ReorderLevel, int ReorderQuantity, int LeadTimeDays,
    decimal UnitCost, bool Active, int OnHand, int Reserved, int Available, bool Low, int Version)
{
    public static PartResponse From(PartStock s) => new(s.Part.Id, s.Part.Number, s.Part.Name, s.Part.Unit, s.Part.Location, s.Part.ReorderLevel,
        s.Part.ReorderQuantity, s.Part.LeadTimeDays, s.Part.UnitCost, s.Part.Active, s.OnHand, s.Reserved, s.Available, s.Low, s.Part.Version);
}

public sealed record ReorderResponse(double DailyUse, double? DaysLeft, DateOnly? OrderBy, int SuggestedQuantity, string Explanation);

public sealed record PartDetailResponse(PartResponse Part, ReorderResponse Reorder);

public sealed record PartsQuery([FromQuery(Name = "low")] string? Low, [FromQuery(Name = "q")] string? Search);

public sealed record NewPartRequest(string? Number, string? Name, string? Unit, string? Location, int? ReorderLevel, int? ReorderQuantity, int? LeadTimeDays,
    decimal? UnitCost)
{
    public PartInput ToInput() => new(null, Number, Name, Unit, Location, ReorderLevel, ReorderQuantity, LeadTimeDays, UnitCost, true);
}

public sealed record MovementRequest(string? Kind, int? Quantity, string? OccurredAt, long? TicketId, string? Reason)
{
    public MovementInput ToInput() => new(Kind, Quantity, OccurredAt, TicketId, Reason);
}

public sealed record CodeResponse(CodeKind Kind, string Code, string Label, bool Planned, bool Active);

public sealed record CodeRequest(string? Kind, string? Code, string? Label, bool? Planned, bool? Active);

public sealed record CodesUpsertedResponse(int Upserted);

public sealed record AreaResponse(int Id, string Name, string? Description);

public sealed record MachineEventResponse(long Id, int MachineId, MachineEventKind Kind, DateTime OccurredAt, DateTime RecordedAt, StateSource Source,
    long? Seq, MachineState? State, string Message, string? Payload, long? TicketId)
{
    public static MachineEventResponse From(MachineEvent e) => new(e.Id, e.MachineId, e.Kind, e.OccurredAt, e.RecordedAt, e.Source, e.Seq, e.State, e.Message,
        e.Payload, e.TicketId);
}

public sealed record EventsQuery([FromQuery(Name = "machine_id")] string? MachineId, [FromQuery(Name = "kind")] string? Kind);

/// <summary>The tickets page's address: its filters under the API's names and the highlighted ticket.</summary>
public sealed record TicketsViewQuery([FromQuery(Name = "ticket_id")] string? TicketId);

public sealed record ProductionQuery([FromQuery(Name = "machine_id")] string? MachineId, [FromQuery(Name = "from")] string? From,
    [FromQuery(Name = "to")] string? To)
{
    public ProductionFilterInput ToInput() => new(MachineId, From, To);
}

public sealed record ProductionRecordResponse(long Id, int MachineId, string MachineCode, string MachineName, DateOnly Date, string Shift, int Good,
    int Scrap, int RunSeconds, int PlannedSeconds, ProductionSource Source, DateTime UpdatedAt)
{
    public static ProductionRecordResponse From(ProductionRow r) => new(r.Record.Id, r.Record.MachineId, r.MachineCode, r.MachineName, r.Record.Date,
        r.Record.Shift, r.Record.Good, r.Record.Scrap, r.Record.RunSeconds, r.Record.PlannedSeconds, r.Record.Source, r.Record.UpdatedAt);
}

/// <summary>POST production/import's choices: `dry_run` (report only) and `valid_rows_only` (store the good rows of a file with bad ones).</summary>
public sealed record ProductionImportQuery([FromQuery(Name = "dry_run")] string? DryRun, [FromQuery(Name = "valid_rows_only")] string? ValidRowsOnly);

public sealed record ProductionProblemResponse(int Line, string Column, string? Value, string Message);

/// <summary>An import's report: what was (or for a dry run would be) inserted, updated, left unchanged, and every bad row's problems.</summary>
public sealed record ProductionImportResponse(bool DryRun, bool ValidRowsOnly, bool Stored, int Rows, int ValidRows, int InvalidRows, int Inserted,
    int Updated, int Unchanged, int ReplacedTelemetry, IReadOnlyList<ProductionProblemResponse> Problems)
{
    public static ProductionImportResponse From(ProductionImportReport r) => new(r.DryRun, r.ValidRowsOnly, r.Stored, r.Rows, r.ValidRows, r.InvalidRows,
        r.Inserted, r.Updated, r.Unchanged, r.ReplacedTelemetry, r.Problems.Select(p => new ProductionProblemResponse(p.Line, p.Column, p.Value, p.Message)).ToList());
}


/// <summary>A shift: the days it starts on (`mon` … `sun`), its local `start` (HH:mm) and length; it may run past midnight.</summary>
public sealed record CalendarShiftResponse(string Name, List<string> Days, string Start, int StartMinute, int DurationMinutes)
{
    public static CalendarShiftResponse From(CalendarShift s) => new(s.Name,
        [.. Enumerable.Range(0, 7).Where(d => s.StartsOn((DayOfWeek)d)).Select(d => ShiftCalendars.DayNames[d])], ShiftCalendars.Clock(s.StartMinute),
        s.StartMinute, s.DurationMinutes);
}

public sealed record CalendarResponse(int Id, string Name, string TimeZone, List<CalendarShiftResponse> Shifts, int Version)
{
    public static CalendarResponse From(ShiftCalendar c) => new(c.Id, c.Name, c.TimeZone,
        [.. c.Shifts.OrderBy(s => s.StartMinute).ThenBy(s => s.Name, StringComparer.Ordinal).Select(CalendarShiftResponse.From)], c.Version);
}

public sealed record CalendarShiftRequest(string? Name, List<string>? Days, string? Start, int? DurationMinutes);

/// <summary>A whole calendar: POST creates it; PUT replaces name, zone and shifts and needs the `version` read.</summary>
public sealed record CalendarRequest(int? Version, string? Name, string? TimeZone, List<CalendarShiftRequest>? Shifts)
{
    public CalendarInput ToInput() => new(Version, Name, TimeZone, Shifts?.Select(s => new ShiftInput(s?.Name, s?.Days, s?.Start, s?.DurationMinutes)).ToList());
}

/// <summary>The codes page's address: which kind of code it lists (all when absent).</summary>
public sealed record CodesViewQuery([FromQuery(Name = "kind")] string? Kind);
