using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Maintenance;

public static class MaintenanceEvents
{
    /// <summary>The hub group outside clients join to hear Maintenance's events.</summary>
    public const string Topic = "maintenance";
}

/// <summary>Something in Maintenance changed: one event per command, however many rows it touched.</summary>
public abstract record MaintenanceChanged : IOpsEvent
{
    public string Topic => MaintenanceEvents.Topic;
}

/// <summary>Machines changed state (with the periods that opened or closed) or their master data.</summary>
public sealed record MachinesChanged(IReadOnlyList<int> MachineIds, MachineChange Change) : MaintenanceChanged;

public enum MachineChange
{
    State,
    Edited,
    Downtime,
}

/// <summary>Tickets were created, edited, moved, or got a comment, a photo or parts.</summary>
public sealed record TicketsChanged(IReadOnlyList<long> TicketIds, TicketChange Change, TicketStatus? Status = null) : MaintenanceChanged;

public enum TicketChange
{
    Created,
    Edited,
    Status,
    Comment,
    Photo,
    Parts,
    Downtime,
}

/// <summary>Parts' stock moved (ledger lines, reservations) or their master data changed.</summary>
public sealed record PartsChanged(IReadOnlyList<int> PartIds) : MaintenanceChanged;

/// <summary>Preventive schedules were created, edited or opened a planned ticket.</summary>
public sealed record SchedulesChanged(IReadOnlyList<int> ScheduleIds) : MaintenanceChanged;
/// <summary>Production records of these machines between two days changed (an import; the machines' live counts).</summary>
public sealed record ProductionChanged(IReadOnlyList<int> MachineIds, DateOnly From, DateOnly To) : MaintenanceChanged;

/// <summary>Admins added or changed downtime reasons or failure codes (of these kinds).</summary>
public sealed record CodesChanged(IReadOnlyList<CodeKind> Kinds) : MaintenanceChanged;
