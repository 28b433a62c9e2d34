namespace OpsConsole.Simulators;

/// <summary>Applies a simulator's switches to each of its requests: outage, latency, errors, then malformed bodies.</summary>
public sealed class SimulatorFaultFilter(string name) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var registry = context.HttpContext.RequestServices.GetRequiredService<SimulatorRegistry>();
        var faults = registry.Faults(name);
        var failThisOne = registry.RollError(name);
        if (faults.Outage)
        {
            registry.CountFault(name);
            return Results.Problem($"The {name} simulator is in a simulated outage.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        if (faults.LatencyMs > 0)
        {
            await Task.Delay(faults.LatencyMs, context.HttpContext.RequestAborted);
        }
        if (failThisOne)
        {
            registry.CountFault(name);
            return Results.Problem($"Simulated error from the {name} simulator.", statusCode: StatusCodes.Status500InternalServerError);
        }
        if (faults.Malformed)
        {
            registry.CountFault(name);
            return Results.Text("{\"simulated\": \"malformed\", \"items\": [1, 2,", "application/json");
        }
        return await next(context);
    }
}
