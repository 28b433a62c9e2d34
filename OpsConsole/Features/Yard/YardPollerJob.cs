using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Yard;
using OpsConsole.Features.Yard.Simulation;
using OpsConsole.Infrastructure.Scheduling;
using Quartz;

namespace OpsConsole.Features.Yard;

/// <summary>
/// Ticks every second; the poller runs a cycle when its interval (an admin setting, default 5 s) has passed since
/// the last one, or later while it backs off after failures. Quartz never runs two ticks at once and the poller's
/// own gate keeps "poll now" from overlapping a scheduled cycle.
/// </summary>
[DisallowConcurrentExecution]
public sealed class YardPollerJob(YardPoller poller) : IJob
{
    public const string Name = "poller";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (await poller.TickAsync(cancellationToken) is null)
        {
            context.Result = JobRunHistory.NothingDue;
        }
    }
}

public static class YardRegistration
{
    public static IServiceCollection AddYard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddYardSimulator(configuration);
        services.AddOpsJob<YardPollerJob>(OpsModules.Yard, YardPollerJob.Name,
            "Polls the yard system every Yard interval (set on the hostler view; backs off after failures); ticks every second", "* * * * * ?");
        return services;
    }
}
