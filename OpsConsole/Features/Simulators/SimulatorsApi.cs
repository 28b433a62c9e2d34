using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Upstreams;
using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;
using OpsConsole.Simulators;

namespace OpsConsole.Features.Simulators;

public sealed record SimulatorFaultsChanged(string Name, SimulatorFaults Faults) : IOpsEvent
{
    public string Topic => OpsTopics.Simulators;
}

/// <summary>Sets the simulators' fault switches: the admin page and tests use the same service.</summary>
public sealed class SimulatorControl(SimulatorRegistry registry, AuditLog audit, IOpsEventStream events, UpstreamProbe probe, AccountGate gate)
{
    public async Task<IReadOnlyDictionary<string, string[]>> SetAsync(Actor actor, string name, SimulatorFaults faults, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var errors = faults.Validate();
        if (errors.Count > 0)
        {
            return errors;
        }
        var before = registry.Faults(name);
        registry.Set(name, faults);
        await audit.RecordAsync(actor, OpsModules.Shared, "simulator.faults", "Simulator", name, before, faults, ct);
        events.Publish(new SimulatorFaultsChanged(name, faults));
        // Probe now, and finish before answering: the dashboard shows the new state at once, and no probe rolls the
        // simulator's dice behind the caller's back (which would break the seeded sequence).
        await probe.ProbeAsync(name, ct);
        return errors;
    }
}

/// <summary>The simulators' state and fault switches, and the upstreams' health.</summary>
public sealed record SimulatorsResponse(bool Enabled, int Seed, IReadOnlyList<SimulatorState> Simulators);

public static class SimulatorsApi
{
    public static void MapSimulatorsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/simulators").WithTags("Simulators");
        group.MapGet("/", ListSimulators).AllowedFor(OpsPolicies.Read);
        group.MapPut("/{name}/faults", SetSimulatorFaultsAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Switch a simulator's faults: error rate, added latency, malformed bodies, full outage");
        api.MapGet("/upstreams", ListUpstreams).AllowedFor(OpsPolicies.Read).WithTags("Upstreams").WithSummary("The last health probe of every upstream");
    }

    private static Ok<SimulatorsResponse> ListSimulators(SimulatorRegistry registry) =>
        TypedResults.Ok(new SimulatorsResponse(registry.Enabled, registry.Seed, registry.States));

    private static async Task<Results<Ok<SimulatorState>, ValidationProblem, NotFoundProblem>> SetSimulatorFaultsAsync(string name, SimulatorFaults faults,
        SimulatorRegistry registry, SimulatorControl control, HttpContext http, CancellationToken ct)
    {
        if (!registry.Exists(name))
        {
            return ApiResults.NotFound($"No simulator '{name}'. Simulators: {string.Join(", ", registry.Names)}.");
        }
        var errors = await control.SetAsync(http.User.ToActor(), name, faults, ct);
        return errors.Count > 0 ? ApiResults.Invalid(errors) : TypedResults.Ok(registry.States.First(s => s.Name == name));
    }

    private static Ok<IReadOnlyList<UpstreamHealth>> ListUpstreams(UpstreamHealthBoard board) => TypedResults.Ok(board.All);
}
