using System.Diagnostics.Metrics;
using OpsConsole.Core.Shared.Telemetry;

namespace OpsConsole.Core.Maintenance;

/// <summary>The Maintenance module's instruments on the console's meter.</summary>
public sealed class MaintenanceMetrics
{
    public MaintenanceMetrics(IMeterFactory meters)
    {
        var meter = OpsMetrics.Meter(meters);
        StateChanges = meter.CreateCounter<long>("opsconsole.maintenance.state.changes", description: "Machine state changes, by source and state");
        Periods = meter.CreateCounter<long>("opsconsole.maintenance.downtime.periods", description: "Downtime periods closed, by kind and whether a micro-stop");
        TicketMoves = meter.CreateCounter<long>("opsconsole.maintenance.ticket.moves", description: "Ticket creations and status moves, by move");
        Movements = meter.CreateCounter<long>("opsconsole.maintenance.part.movements", description: "Parts ledger lines, by kind; refusals by reason");
        Photos = meter.CreateCounter<long>("opsconsole.maintenance.photos", description: "Photos stored or refused, by outcome");
        MonitoringReads = meter.CreateCounter<long>("opsconsole.maintenance.monitoring.reads", description: "Reads of the machine-monitoring upstream's machines, by outcome");
        MonitoringUnknownStates = meter.CreateCounter<long>("opsconsole.maintenance.monitoring.unknown_states",
            description: "Machines the monitoring upstream reported in a state the mapping table does not know, by state");
    }

    public Counter<long> StateChanges { get; }
    public Counter<long> Periods { get; }
    public Counter<long> TicketMoves { get; }
    public Counter<long> Movements { get; }
    public Counter<long> Photos { get; }
    public Counter<long> MonitoringReads { get; }
    public Counter<long> MonitoringUnknownStates { get; }
}
