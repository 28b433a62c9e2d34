using OpsConsole.Core.Dispatch;
using Quartz;

namespace OpsConsole.Features.Dispatch;

/// <summary>`Dispatch:LeaseMinutes` &gt; 0: tasks assigned longer than that go back to ready.</summary>
public sealed class DispatchLeaseJob(DispatchService dispatch, IConfiguration configuration) : IJob
{
    public const string Name = "lease-reclaim";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var minutes = configuration.GetValue("Dispatch:LeaseMinutes", 0.0);
        if (minutes <= 0)
        {
            return;
        }
        try
        {
            await dispatch.ReclaimExpiredAsync(TimeSpan.FromMinutes(minutes), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new JobExecutionException(ex);
        }
    }
}
