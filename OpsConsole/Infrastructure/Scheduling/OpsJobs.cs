using Quartz;

namespace OpsConsole.Infrastructure.Scheduling;

/// <summary>
/// A scheduled job as its module registered it: key, what it does, its default cron, and whether running it again
/// after an instance died mid-run is harmless (<see cref="SafeToRepeat"/>: Quartz's RequestsRecovery, ADR 0040).
/// </summary>
public sealed record OpsJobDefinition(string Module, string Name, string Description, string DefaultCron, Type JobType, bool SafeToRepeat = false)
{
    public JobKey JobKey => new(Name, Module);
    public TriggerKey TriggerKey => new(Name + ".trigger", Module);
    public string Key => $"{Module}.{Name}";
}

public static class OpsJobRegistration
{
    /// <summary>
    /// Registers a thin Quartz job; <see cref="SchedulerService"/> schedules it at start with any stored override.
    /// <paramref name="safeToRepeat"/>: a run cut short by a dead instance may be run again by another one (the job is
    /// idempotent or works under its own lease); the default is no.
    /// </summary>
    public static IServiceCollection AddOpsJob<TJob>(this IServiceCollection services, string module, string name,
        string description, string defaultCron, bool safeToRepeat = false) where TJob : class, IJob
    {
        services.AddTransient<TJob>();
        services.AddSingleton(new OpsJobDefinition(module, name, description, defaultCron, typeof(TJob), safeToRepeat));
        return services;
    }
}

/// <summary>
/// The body of every thin Quartz job: one Core call that says whether it did anything. A run with nothing to do is
/// marked so for the run history; any failure but shutdown leaves as a <see cref="JobExecutionException"/>, the only
/// exception Quartz expects from a job.
/// </summary>
public static class ScheduledWork
{
    public static async ValueTask RunAsync(IJobExecutionContext context, Func<CancellationToken, Task<bool>> work, CancellationToken ct)
    {
        try
        {
            if (!await work(ct))
            {
                context.Result = JobRunHistory.NothingDue;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not JobExecutionException)
        {
            throw new JobExecutionException(ex);
        }
    }
}
