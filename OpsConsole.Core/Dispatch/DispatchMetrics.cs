using System.Diagnostics.Metrics;
using OpsConsole.Core.Shared.Telemetry;

namespace OpsConsole.Core.Dispatch;

/// <summary>The Dispatch module's instruments on the console's meter.</summary>
public sealed class DispatchMetrics
{
    public DispatchMetrics(IMeterFactory meters)
    {
        var meter = OpsMetrics.Meter(meters);
        Suggestions = meter.CreateCounter<long>("opsconsole.dispatch.suggestions", description: "Suggestions received, by source");
        Decisions = meter.CreateCounter<long>("opsconsole.dispatch.decisions", description: "Suggestions decided, by outcome (approved, rejected)");
        Claims = meter.CreateCounter<long>("opsconsole.dispatch.claims", description: "Claims of the next task, by outcome (assigned, none ready)");
        TaskMoves = meter.CreateCounter<long>("opsconsole.dispatch.task.moves", description: "Task moves other than claims, by move (complete, unassign, reclaim)");
    }

    public Counter<long> Suggestions { get; }
    public Counter<long> Decisions { get; }
    public Counter<long> Claims { get; }
    public Counter<long> TaskMoves { get; }
}
