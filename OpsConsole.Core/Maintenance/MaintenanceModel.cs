namespace OpsConsole.Core.Maintenance;

// The Maintenance model (issue 18 item 1, ADR 0024): the whole of it, so that MQTT, the monitoring upstream,
// production imports, schedules and analytics add behaviour, not tables.

public enum Criticality
{
    A,
    B,
    C,
}

public enum MachineState
{
    Running,
    Idle,
    Down,
    Maintenance,
}

/// <summary>Who said a machine is in its state: its own telemetry (MQTT), the monitoring upstream, or a person.</summary>
public enum StateSource
{
    Telemetry,
    Monitoring,
    Manual,
}

/// <summary>
/// Where a machine's state normally comes from. A machine fed by telemetry or monitoring is never set running by a
/// person resolving a ticket: its feed says when it runs again. A manual machine's resolver is asked.
/// </summary>
public enum StateFeed
{
    Manual,
    Telemetry,
    Monitoring,
}

public enum DowntimeKind
{
    Unplanned,
    Planned,
    /// <summary>Left out of every figure (a test run, a period entered by mistake that must stay on record).</summary>
    Excluded,
}

/// <summary>How a period came to be: from a state change, or entered by a person after the fact.</summary>
public enum DowntimeOrigin
{
    State,
    Entered,
}

public enum TicketKind
{
    Corrective,
    Planned,
}

public enum TicketPriority
{
    Low,
    Medium,
    High,
    Critical,
}

public enum TicketStatus
{
    Open,
    InProgress,
    OnHold,
    Resolved,
    Closed,
    Cancelled,
}

/// <summary>How a ticket came to be: reported by a person, opened by a machine going down, or by a schedule (phase 3).</summary>
public enum TicketOrigin
{
    Reported,
    Downtime,
    Schedule,
}

public enum MovementKind
{
    Receipt,
    Issue,
    Return,
    Adjustment,
}

/// <summary>The kinds of code admins keep: downtime reasons and the three parts of a failure code.</summary>
public enum CodeKind
{
    Reason,
    Problem,
    Cause,
    Remedy,
}

public enum MachineEventKind
{
    /// <summary>The machine's state changed (from any source).</summary>
    State,
    /// <summary>Production counters (MQTT, phase 2).</summary>
    Production,
    /// <summary>A ticket of the machine was opened, moved or resolved.</summary>
    Ticket,
    /// <summary>A downtime period was opened, closed, entered or corrected.</summary>
    Downtime,
    /// <summary>Something a person or a system noted.</summary>
    Note,
    /// <summary>
    /// A telemetry state report that repeated the machine's state (or of a machine whose state is not fed by telemetry):
    /// kept for its seq, the exactly-once key, and left out of the event log unless asked for.
    /// </summary>
    Heartbeat,
}

public enum ProductionSource
{
    Import,
    Telemetry,
    Manual,
}

public sealed class Area
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
}

/// <summary>When a plant works, in its own time zone: the shifts of a week. A machine without one is expected 24/7.</summary>
public sealed class ShiftCalendar
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>An IANA time zone ("Europe/Berlin"): shifts, days and analytics buckets are in it.</summary>
    public required string TimeZone { get; set; }
    public List<CalendarShift> Shifts { get; set; } = [];
    public int Version { get; set; }
}

/// <summary>One shift of a calendar: its days of the week, start and length (it may run past midnight).</summary>
public sealed class CalendarShift
{
    public int Id { get; set; }
    public int CalendarId { get; set; }
    public required string Name { get; set; }
    /// <summary>Days it starts on, as bits: 1 = Sunday … 64 = Saturday (<see cref="DayOfWeek"/> order).</summary>
    public int Days { get; set; }
    /// <summary>Minutes after local midnight it starts.</summary>
    public int StartMinute { get; set; }
    public int DurationMinutes { get; set; }

    public bool StartsOn(DayOfWeek day) => (Days & (1 << (int)day)) != 0;
}

public sealed class Machine
{
    public const int MaxCodeLength = 64;
    public const int MaxNameLength = 200;

    public int Id { get; set; }
    /// <summary>The machine's id outside the console: `machine_id` in its MQTT payloads, its QR code.</summary>
    public required string Code { get; set; }
    public required string Name { get; set; }
    public int AreaId { get; set; }
    public Criticality Criticality { get; set; } = Criticality.B;
    /// <summary>Seconds one good part should take at full speed (OEE performance); null when unknown.</summary>
    public double? IdealCycleSeconds { get; set; }
    public int? CalendarId { get; set; }
    /// <summary>Open a corrective ticket when it goes down (after the micro-stop threshold).</summary>
    public bool OpenTicketOnDown { get; set; }
    public StateFeed Feed { get; set; } = StateFeed.Manual;
    /// <summary>Its asset id in the machine-monitoring upstream (phase 2), when it has one.</summary>
    public string? MonitoringId { get; set; }

    public MachineState State { get; set; } = MachineState.Idle;
    public StateSource StateSource { get; set; } = StateSource.Manual;
    public DateTime StateSince { get; set; }
    /// <summary>When its feed last sent anything (phase 2: data age and the stale flag).</summary>
    public DateTime? LastDataAt { get; set; }
    /// <summary>The last MQTT sequence number stored and the gaps seen (phase 2).</summary>
    public long? LastSeq { get; set; }
    public int SequenceGaps { get; set; }

    /// <summary>Counts every edit of its master data (an admin's save with a stale version is refused).</summary>
    public int Version { get; set; }
    /// <summary>Counts state changes: two reports racing on one machine cannot both be saved (the loser reads again).</summary>
    public int StateVersion { get; set; }
}

/// <summary>
/// A stretch of time a machine did not produce: opened by a state change (down: unplanned, maintenance: planned) and
/// closed by the next, or entered after the fact. At most one is open per machine, held by the database.
/// </summary>
public sealed class DowntimePeriod
{
    public long Id { get; set; }
    public int MachineId { get; set; }
    public DateTime StartAt { get; set; }
    public DateTime? EndAt { get; set; }
    public DowntimeKind Kind { get; set; }
    public string? ReasonCode { get; set; }
    public string? Note { get; set; }
    public long? TicketId { get; set; }
    public DowntimeOrigin Origin { get; set; }
    /// <summary>Closed shorter than the micro-stop threshold then in force: never a ticket, never a failure.</summary>
    public bool MicroStop { get; set; }
    /// <summary>The machine's id while the period is open, null once closed: its unique index allows one open period per machine.</summary>
    public int? OpenMachineId { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }

    public bool IsOpen => EndAt is null;
}

public sealed class Ticket
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxReasonLength = 500;

    public long Id { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public int MachineId { get; set; }
    public TicketKind Kind { get; set; }
    public TicketPriority Priority { get; set; }
    public TicketStatus Status { get; set; }
    public TicketOrigin Origin { get; set; }
    public required string ReportedBy { get; set; }
    public string? AssignedTo { get; set; }
    public DateTime? DueAt { get; set; }
    /// <summary>Why it is on hold (required to put it there), or why it was reopened or cancelled.</summary>
    public string? StatusReason { get; set; }
    public string? ProblemCode { get; set; }
    public string? CauseCode { get; set; }
    public string? RemedyCode { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>The first move to in progress (MTTA: created → first in progress).</summary>
    public DateTime? FirstStartedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public DateTime? ClosedAt { get; set; }
    public DateTime? CancelledAt { get; set; }
    /// <summary>How many times it was reopened after being resolved (the same failure, not a new one).</summary>
    public int Reopened { get; set; }
    /// <summary>
    /// The machine's id while this is its open failure ticket (corrective, opened for a stop, not yet resolved or
    /// cancelled): a unique index holds one per machine, so a flapping machine links its periods to it.
    /// </summary>
    public int? OpenFailureMachineId { get; set; }
    /// <summary>The schedule that generated this planned ticket, if one did.</summary>
    public int? ScheduleId { get; set; }
    /// <summary>
    /// The schedule's id while this is its open planned ticket (not yet resolved or cancelled): a unique index holds one
    /// per schedule, so a due schedule whose last ticket is still open does not open another (ADR 0030).
    /// </summary>
    public int? OpenScheduleId { get; set; }
    /// <summary>Counts every change; a save that names an older version is refused and shown what changed.</summary>
    public int Version { get; set; }

    public bool IsActive => TicketRules.IsActive(Status);
}

public sealed class TicketComment
{
    public const int MaxBodyLength = 4000;

    public long Id { get; set; }
    public long TicketId { get; set; }
    public required string Author { get; set; }
    public required string Body { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A photo of a ticket (or of one of its comments), stored re-encoded without its metadata, with a thumbnail.</summary>
public sealed class TicketPhoto
{
    public long Id { get; set; }
    public long TicketId { get; set; }
    public long? CommentId { get; set; }
    public string? FileName { get; set; }
    /// <summary>SHA-256 of the stored (re-encoded) image and of its thumbnail in the photo store.</summary>
    public required string Sha256 { get; set; }
    public required string ThumbnailSha256 { get; set; }
    public required string ContentType { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public long SizeBytes { get; set; }
    public required string UploadedBy { get; set; }
    public DateTime UploadedAt { get; set; }
}

/// <summary>One line of a ticket's history: every change, who made it, what it was before and after.</summary>
public sealed class TicketHistory
{
    public const int MaxValueLength = 1000;

    public long Id { get; set; }
    public long TicketId { get; set; }
    public DateTime At { get; set; }
    public required string Actor { get; set; }
    /// <summary>created, status, assigned, edited, comment, photo, part, downtime.</summary>
    public required string Action { get; set; }
    public string? Field { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    /// <summary>The ticket's version after this change.</summary>
    public int Version { get; set; }
}

/// <summary>An admin-kept code: a downtime reason, or a failure's problem, cause or remedy.</summary>
public sealed class MaintenanceCode
{
    public int Id { get; set; }
    public CodeKind Kind { get; set; }
    public required string Code { get; set; }
    public required string Label { get; set; }
    /// <summary>For a reason: whether a period with it is planned by default.</summary>
    public bool Planned { get; set; }
    public bool Active { get; set; } = true;
}

public sealed class Part
{
    public const int MaxNumberLength = 64;

    public int Id { get; set; }
    /// <summary>The stock number printed on the bin.</summary>
    public required string Number { get; set; }
    public required string Name { get; set; }
    public string Unit { get; set; } = "pcs";
    public string? Location { get; set; }
    /// <summary>Low stock when available falls to or below this.</summary>
    public int ReorderLevel { get; set; }
    public int ReorderQuantity { get; set; }
    public int LeadTimeDays { get; set; }
    public decimal UnitCost { get; set; }
    public bool Active { get; set; } = true;
    /// <summary>Counts edits of the part's own fields.</summary>
    public int Version { get; set; }
    /// <summary>
    /// Counts ledger movements. Every movement first increments it in its transaction: that update is the part's lock,
    /// so two movements of one part never check the balance at the same time (PostgreSQL, SQL Server: the row lock;
    /// SQLite: the one writer).
    /// </summary>
    public long LedgerVersion { get; set; }
}

/// <summary>
/// One line of the append-only parts ledger: never updated, never deleted. On hand is the sum of a part's lines; a
/// receipt and a return add, an issue takes away, an adjustment does either with a reason.
/// </summary>
public sealed class PartMovement
{
    public const int MaxReasonLength = 500;

    public long Id { get; set; }
    public int PartId { get; set; }
    public MovementKind Kind { get; set; }
    /// <summary>Signed: what this line adds to on hand.</summary>
    public int Quantity { get; set; }
    /// <summary>When it happened (may be earlier than now: entered after the fact).</summary>
    public DateTime OccurredAt { get; set; }
    public DateTime RecordedAt { get; set; }
    public long? TicketId { get; set; }
    public string? Reason { get; set; }
    public required string Actor { get; set; }
}

/// <summary>Parts set aside for an active ticket; they count as reserved until issued or the ticket ends.</summary>
public sealed class PartReservation
{
    public long Id { get; set; }
    public int PartId { get; set; }
    public long TicketId { get; set; }
    public int Quantity { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>A machine's output for one shift of one day (CSV import, MQTT counters): unique per (machine, date, shift).</summary>
public sealed class ProductionRecord
{
    public long Id { get; set; }
    public int MachineId { get; set; }
    public DateOnly Date { get; set; }
    public required string Shift { get; set; }
    public int Good { get; set; }
    public int Scrap { get; set; }
    public int RunSeconds { get; set; }
    public int PlannedSeconds { get; set; }
    public ProductionSource Source { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// The machine event log (the seed's events): state changes, tickets, periods, notes; MQTT messages carry their
/// sequence number, unique per machine, so a redelivered message is stored once (phase 2).
/// </summary>
public sealed class MachineEvent
{
    public const int MaxPayloadLength = 4000;

    public long Id { get; set; }
    public int MachineId { get; set; }
    public MachineEventKind Kind { get; set; }
    public DateTime OccurredAt { get; set; }
    public DateTime RecordedAt { get; set; }
    public StateSource Source { get; set; }
    public long? Seq { get; set; }
    public MachineState? State { get; set; }
    public required string Message { get; set; }
    /// <summary>The event's data as JSON (snake_case), cut at <see cref="MaxPayloadLength"/>.</summary>
    public string? Payload { get; set; }
    public long? TicketId { get; set; }
}

/// <summary>
/// A ticket event waiting to be published on MQTT (`opsconsole/events/tickets`), written in the transaction of the
/// change it reports (ADR 0031): the relay publishes unpublished rows in id order, QoS 1, and marks them; a crash between
/// the publish and the mark publishes that event again (at least once; consumers de-duplicate on `event_id`).
/// </summary>
public sealed class TicketEventOutbox
{
    public const int MaxPayloadLength = 8000;

    public long Id { get; set; }
    public long TicketId { get; set; }
    /// <summary>The event as published: snake_case JSON.</summary>
    public required string Payload { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? PublishedAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}

/// <summary>What makes a schedule due: calendar days, or the machine's usage from its production records (ADR 0030).</summary>
public enum ScheduleTrigger
{
    /// <summary>Every N days after the last planned ticket ended (or the schedule started).</summary>
    Days,
    /// <summary>Every N cycles: good + scrap counted since then.</summary>
    Cycles,
    /// <summary>Every N run hours: run seconds counted since then.</summary>
    RunHours,
}

/// <summary>
/// Preventive work on a machine (issue 18 item 8): a planned ticket every N days, cycles or run hours, counted from its
/// baseline: when its last planned ticket ended (resolved or cancelled), or when it was created. The usage counters at
/// the baseline are kept so that only production after it counts (ADR 0030).
/// </summary>
public sealed class MaintenanceSchedule
{
    public const int MaxTitleLength = Ticket.MaxTitleLength;
    public const int MaxDescriptionLength = Ticket.MaxDescriptionLength;

    public int Id { get; set; }
    public int MachineId { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public TicketPriority Priority { get; set; }
    public ScheduleTrigger Trigger { get; set; }
    /// <summary>N: days, cycles or run hours between planned tickets.</summary>
    public int Interval { get; set; }
    public bool Enabled { get; set; } = true;

    /// <summary>Where counting starts: the end of the last planned ticket, or the schedule's creation.</summary>
    public DateTime BaselineAt { get; set; }
    /// <summary>The plant's date of <see cref="BaselineAt"/>: production records of this date and later count.</summary>
    public DateOnly BaselineDate { get; set; }
    /// <summary>Cycles (good + scrap) and run seconds already on the records of <see cref="BaselineDate"/> at the baseline: not counted again.</summary>
    public long BaselineCycles { get; set; }
    public long BaselineRunSeconds { get; set; }

    public DateTime? LastGeneratedAt { get; set; }
    public long? LastTicketId { get; set; }
    /// <summary>When its last planned ticket was resolved (a cancelled one moves the baseline but is not "done").</summary>
    public DateTime? LastDoneAt { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
    /// <summary>Counts edits and generated tickets; an admin's save with a stale version is refused.</summary>
    public int Version { get; set; }
}
