using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Monitoring;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;
using OpsConsole.Infrastructure.Http;

namespace OpsConsole.Features.Maintenance;

/// <summary>
/// /api/maintenance/monitoring (issue 18 item 5, ADR 0032): the machine-monitoring upstream (the seed's FourJaw proxy),
/// read-only, in our shapes with both the upstream's state and ours. An upstream failure is a ProblemDetails naming
/// the upstream and the call: 503 when it cannot be reached, 504 when it did not answer in time, 502 when it answered
/// with an error or with something that is not its contract.
/// </summary>
public static partial class MaintenanceApi
{
    public const string MonitoringCall = "maintenance-monitoring";
    public static readonly TimeSpan MonitoringDefaultWindow = TimeSpan.FromHours(8);
    public static readonly TimeSpan MonitoringMaxWindow = TimeSpan.FromDays(7);

    private static void MapMonitoringRoutes(RouteGroupBuilder group)
    {
        var monitoring = group.MapGroup("/monitoring");
        monitoring.MapGet("/machines", ListMonitoredMachinesAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("The monitoring upstream's machines: upstream state, our state, and whether it agrees with the console (a read shared for a few seconds)");
        monitoring.MapGet("/machines/{id}", GetMonitoredMachineAsync).AllowedFor(OpsPolicies.Read).LimitedAsUpstreamCall(MonitoringCall)
            .WithSummary("One machine (by its code) as the monitoring upstream sees it now");
        monitoring.MapGet("/machines/{id}/history", MonitoredHistoryAsync).AllowedFor(OpsPolicies.Read).LimitedAsUpstreamCall(MonitoringCall)
            .WithSummary("A machine's states and utilisation over a window (from, to: ISO 8601; the last 8 hours by default, at most 7 days)");
    }

    private static async Task<Results<Ok<MonitoringMachinesResponse>, UpstreamProblem, UpstreamUnavailableProblem, UpstreamTimeoutProblem>>
        ListMonitoredMachinesAsync(MachineMonitoring monitoring, MachineDirectory machines, CancellationToken ct)
    {
        var snapshot = await monitoring.SnapshotAsync(ct);
        if (!snapshot.Available)
        {
            return snapshot.Failure switch
            {
                MonitoringFailure.TimedOut => TimedOut(snapshot.Error!, snapshot.Call),
                MonitoringFailure.Unavailable => Unreachable(snapshot.Error!, snapshot.Call),
                _ => Failed(snapshot.Error!, snapshot.Call),
            };
        }
        var ours = (await machines.BoardAsync(ct: ct)).ToDictionary(t => t.Machine.Code, t => t.Machine, StringComparer.OrdinalIgnoreCase);
        var rows = snapshot.Machines!.Values.OrderBy(m => m.MachineId, StringComparer.OrdinalIgnoreCase)
            .Select(m => Row(monitoring, snapshot, m, ours.GetValueOrDefault(m.MachineId))).ToList();
        return TypedResults.Ok(new MonitoringMachinesResponse(snapshot.ReadAt, rows));
    }

    private static async Task<Results<Ok<MonitoredMachineResponse>, ValidationProblem, NotFoundProblem, UpstreamProblem, UpstreamUnavailableProblem,
        UpstreamTimeoutProblem>> GetMonitoredMachineAsync(string id, MachineMonitoringClient client, MachineMonitoring monitoring, MachineDirectory machines,
            TimeProvider time, CancellationToken ct)
    {
        if (MonitoredIdError(id) is { } bad)
        {
            return bad;
        }
        MonitoredMachine? machine;
        try
        {
            machine = await client.MachineAsync(id, ct);
        }
        catch (MachineMonitoringException ex)
        {
            return ex.Failure switch
            {
                MonitoringFailure.TimedOut => TimedOut(ex.Message, ex.Call),
                MonitoringFailure.Unavailable => Unreachable(ex.Message, ex.Call),
                _ => Failed(ex.Message, ex.Call),
            };
        }
        if (machine is null)
        {
            return ApiResults.NotFound($"The monitoring upstream does not know a machine '{id}'.");
        }
        var ours = (await machines.BoardAsync(ct: ct)).FirstOrDefault(t => string.Equals(t.Machine.Code, machine.MachineId, StringComparison.OrdinalIgnoreCase))?.Machine;
        return TypedResults.Ok(Row(monitoring, MonitoringSnapshot.Read(time.GetUtcNow().UtcDateTime, [machine]), machine, ours));
    }

    private static async Task<Results<Ok<MonitoringHistoryResponse>, ValidationProblem, NotFoundProblem, UpstreamProblem, UpstreamUnavailableProblem,
        UpstreamTimeoutProblem>> MonitoredHistoryAsync(string id, [AsParameters] MonitoringHistoryQuery query, MachineMonitoringClient client,
            MachineMonitoring monitoring, TimeProvider time, CancellationToken ct)
    {
        if (MonitoredIdError(id) is { } bad)
        {
            return bad;
        }
        var errors = new FieldErrors();
        var to = errors.OptionalInstant("to", query.To) ?? time.GetUtcNow().UtcDateTime;
        var from = errors.OptionalInstant("from", query.From) ?? to - MonitoringDefaultWindow;
        if (!errors.Any && from >= to)
        {
            errors.Add("from", "from must be before to.");
        }
        else if (!errors.Any && to - from > MonitoringMaxWindow)
        {
            errors.Add("from", $"The window is at most {MonitoringMaxWindow.TotalDays:0} days.");
        }
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        MonitoringHistory? history;
        try
        {
            history = await client.HistoryAsync(id, from, to, ct);
        }
        catch (MachineMonitoringException ex)
        {
            return ex.Failure switch
            {
                MonitoringFailure.TimedOut => TimedOut(ex.Message, ex.Call),
                MonitoringFailure.Unavailable => Unreachable(ex.Message, ex.Call),
                _ => Failed(ex.Message, ex.Call),
            };
        }
        if (history is null)
        {
            return ApiResults.NotFound($"The monitoring upstream does not know a machine '{id}'.");
        }
        foreach (var p in history.Periods)
        {
            monitoring.NoteUnknown(history.MachineId, MonitoringStateMap.Map(p.Status));
        }
        return TypedResults.Ok(new MonitoringHistoryResponse(history.MachineId, history.From, history.To, history.Utilisation,
            history.Periods.Select(MonitoredPeriodResponse.From).ToList()));
    }

    /// <summary>The upstream's machine id is the machine's code: not blank, at most as long as a code.</summary>
    private static ValidationProblem? MonitoredIdError(string id) => string.IsNullOrWhiteSpace(id) || id.Length > Machine.MaxCodeLength
        ? ApiResults.Invalid("id", $"id must be a machine code of 1 to {Machine.MaxCodeLength} characters.")
        : null;

    private static MonitoredMachineResponse Row(MachineMonitoring monitoring, MonitoringSnapshot snapshot, MonitoredMachine m, Machine? ours) =>
        MonitoredMachineResponse.From(m, ours, ours is null ? null : monitoring.Compare(ours, snapshot));

    private static Dictionary<string, object?> Named(string? call) => new() { ["upstream"] = MaintenanceModule.MonitoringUpstream, ["call"] = call };

    private static UpstreamUnavailableProblem Unreachable(string error, string? call) =>
        new("Machine monitoring unavailable", $"The machine-monitoring upstream cannot be reached: {error}", Named(call));

    private static UpstreamTimeoutProblem TimedOut(string error, string? call) =>
        new("Machine monitoring timed out", $"The machine-monitoring upstream did not answer in time: {error}", Named(call));

    private static UpstreamProblem Failed(string error, string? call) =>
        new("Machine monitoring failed", $"The machine-monitoring upstream failed: {error}", Named(call));
}
