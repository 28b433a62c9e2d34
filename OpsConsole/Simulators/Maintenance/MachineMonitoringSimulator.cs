using System.Globalization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsConsole.Core.Maintenance;
using OpsConsole.Infrastructure.Mqtt;

namespace OpsConsole.Simulators.Maintenance;

/// <summary>
/// The machine-monitoring system's API (docs/upstreams/machine-monitoring.md, FourJaw-like) under
/// /sim/machine-monitoring/api/v1, behind the fault switches: the machines with their current state, one machine,
/// and a machine's state history with its utilisation. Its view of the plant is <see cref="MachineMonitoringWorld"/>.
/// </summary>
public static class MachineMonitoringSimulator
{
    public static IServiceCollection AddMachineMonitoringSimulator(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<SimulatedMachineFloor>();
        return services.AddSingleton(sp =>
        {
            var section = configuration.GetSection("Simulators:MachineMonitoring");
            var mqtt = configuration.GetSection("Mqtt:Simulator:Machines").Get<List<string>>();
            var settings = new MachineMonitoringWorldSettings(
                section.GetSection("Monitored").Get<List<string>>() is { Count: > 0 } monitored ? monitored
                    : mqtt is { Count: > 0 } ? mqtt : MachineSimulatorOptions.DefaultMachines,
                section.GetSection("NotMonitored").Get<List<string>>() ?? MachineMonitoringWorldSettings.DemoNotMonitored,
                section.GetSection("Misreading").Get<List<string>>() ?? MachineMonitoringWorldSettings.DemoMisreading);
            return new MachineMonitoringWorld(sp.GetRequiredService<SimulatedMachineFloor>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<SimulatorOptions>().Seed, settings);
        });
    }

    public static void MapMachineMonitoringSimulator(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<SimulatorRegistry>().Enabled)
        {
            return;
        }
        var api = SimulatorEndpoints.Group(app, MaintenanceModule.MonitoringUpstream).MapGroup("/api/v1");
        api.MapGet("/machines", (MachineMonitoringWorld world) => Results.Json(new
        {
            generated_at = world.Now,
            machines = world.Machines.Select(id => Machine(world, id)).ToList(),
        }));
        api.MapGet("/machines/{id}", (string id, MachineMonitoringWorld world) =>
            world.Knows(id) ? Results.Json(Machine(world, id)) : Results.Problem($"No machine '{id}'.", statusCode: StatusCodes.Status404NotFound));
        api.MapGet("/machines/{id}/history", (string id, string? from, string? to, MachineMonitoringWorld world) =>
        {
            if (!world.Knows(id))
            {
                return Results.Problem($"No machine '{id}'.", statusCode: StatusCodes.Status404NotFound);
            }
            var end = Parse(to) ?? world.Now;
            var start = Parse(from) ?? end.AddHours(-8);
            if (start >= end || end - start > MachineMonitoringWorld.MaxHistory)
            {
                return Results.Problem("'from' must be before 'to' and the window at most 7 days.", statusCode: StatusCodes.Status400BadRequest);
            }
            var periods = world.History(id, start, end);
            return Results.Json(new
            {
                machine_id = id,
                from = start,
                to = end,
                utilisation = MachineMonitoringWorld.Utilisation(periods, start, end),
                periods = periods.Select(p => new { status = p.Status, start = p.Start, end = p.End }).ToList(),
            });
        });
    }

    private static object Machine(MachineMonitoringWorld world, string id)
    {
        var (status, since) = world.Current(id)!.Value;
        return new { machine_id = id, name = id, status, status_since = since };
    }

    private static DateTime? Parse(string? text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
