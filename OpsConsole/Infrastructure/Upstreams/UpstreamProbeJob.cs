using OpsConsole.Core.Shared.Upstreams;
using Quartz;

namespace OpsConsole.Infrastructure.Upstreams;

/// <summary>Probes every upstream through its real, resilient client so the dashboard and /health/ready know.</summary>
public sealed class UpstreamProbeJob(UpstreamProbe probe) : IJob
{
    public const string Name = "upstream-probe";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await probe.ProbeAllAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new JobExecutionException(ex);
        }
    }
}
