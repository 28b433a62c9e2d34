using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Monitoring;

namespace OpsConsole.Features.Maintenance;

/// <summary>The monitoring upstream's machines as read (at most `Maintenance:MonitoringCacheSeconds` ago).</summary>
public sealed record MonitoringMachinesResponse(DateTime ReadAt, List<MonitoredMachineResponse> Machines);

/// <summary>
/// One machine as the monitoring upstream sees it: its raw state (<c>upstream_state</c>), ours through the mapping
/// table (<c>state</c>, null when <c>mapping</c> is <c>not_monitored</c> or <c>unknown</c>), and, when the console has a
/// machine of that code, its state and whether the two agree (<c>agreement</c>, with the page's <c>note</c>).
/// </summary>
public sealed record MonitoredMachineResponse(string MachineId, string? Name, string UpstreamState, MachineState? State, MonitoringMatch Mapping,
    DateTime Since, int? ConsoleMachineId, MachineState? ConsoleState, MonitoringAgreement? Agreement, string? Note)
{
    public static MonitoredMachineResponse From(MonitoredMachine m, Machine? ours, MonitoringVerdict? verdict)
    {
        var mapped = MonitoringStateMap.Map(m.Status);
        return new(m.MachineId, m.Name, m.Status, mapped.State, mapped.Match, m.StatusSince, ours?.Id, ours?.State, verdict?.Agreement, verdict?.Note);
    }
}

/// <summary>A machine's states over a window, each with its mapped state, and the upstream's utilisation (producing time / window).</summary>
public sealed record MonitoringHistoryResponse(string MachineId, DateTime From, DateTime To, double? Utilisation, List<MonitoredPeriodResponse> Periods);

public sealed record MonitoredPeriodResponse(string UpstreamState, MachineState? State, MonitoringMatch Mapping, DateTime Start, DateTime End, double Seconds)
{
    public static MonitoredPeriodResponse From(MonitoredPeriod p)
    {
        var mapped = MonitoringStateMap.Map(p.Status);
        return new(p.Status, mapped.State, mapped.Match, p.Start, p.End, (p.End - p.Start).TotalSeconds);
    }
}

/// <summary>Query of GET /api/maintenance/monitoring/machines/{id}/history: ISO 8601 instants, the last 8 hours by default.</summary>
public sealed record MonitoringHistoryQuery(string? From, string? To);
