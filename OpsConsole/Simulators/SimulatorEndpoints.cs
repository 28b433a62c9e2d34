using OpsConsole.Core.Shared.Upstreams;

namespace OpsConsole.Simulators;

/// <summary>
/// The built-in upstreams under /sim/{name}. Each module adds its routes to its simulator's group through
/// <see cref="Group"/>; every route gets the fault switches.
/// </summary>
public static class SimulatorEndpoints
{
    public static RouteGroupBuilder Group(IEndpointRouteBuilder app, string name) =>
        app.MapGroup($"/sim/{name}").AddEndpointFilter(new SimulatorFaultFilter(name)).AllowAnonymous()
            .ExcludeFromDescription().DisableAntiforgery();

    public static void MapSimulators(this IEndpointRouteBuilder app)
    {
        var registry = app.ServiceProvider.GetRequiredService<SimulatorRegistry>();
        if (!registry.Enabled)
        {
            return;
        }
        foreach (var name in registry.Names)
        {
            Group(app, name).MapGet("/health", () => Results.Ok(new { simulator = name, status = "ok", seed = registry.Seed }));
        }
    }
}
