namespace OpsConsole.Core.Maintenance.Analytics;

// Stand-ins for the enums of OpsConsole.Core/Maintenance/MaintenanceModel.cs (branch maint-core), with the same names
// and members, so that this folder builds on its own. When both branches are merged, delete this file: every name
// below then binds to the model's enum in the enclosing namespace OpsConsole.Core.Maintenance, unchanged.

public enum DowntimeKind
{
    Unplanned,
    Planned,
    Excluded,
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
