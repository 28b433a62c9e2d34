using System.Collections.Concurrent;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Telemetry;
using Quartz;

namespace OpsConsole.Infrastructure.Scheduling;

public enum JobOutcome
{
    Succeeded,
    Failed,
}

public sealed record JobRun(string JobKey, DateTime StartedAt, TimeSpan Duration, JobOutcome Outcome, string? Error);

public sealed record JobRunFinished(JobRun Run) : IOpsEvent
{
    public string Topic => OpsTopics.Scheduler;
}

/// <summary>The last runs of every job in this process, fed by a Quartz job listener.</summary>
public sealed class JobRunHistory
{
    /// <summary>
    /// A job sets this as its result when its tick found nothing due (the yard poller ticks every second and polls
    /// every few; the ETL runners tick every 5 s with an empty queue): such a tick is not a run, so it is not kept,
    /// counted or announced, and the scheduler page and dashboard tile are not refreshed every second.
    /// </summary>
    public static readonly object NothingDue = new();

    private const int Keep = 20;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<JobRun>> _runs = new();
    private readonly ConcurrentDictionary<string, byte> _running = new();

    public JobRun? Last(string jobKey) => _runs.TryGetValue(jobKey, out var q) ? q.LastOrDefault() : null;
    public bool IsRunning(string jobKey) => _running.ContainsKey(jobKey);

    internal void Started(string jobKey) => _running[jobKey] = 0;

    internal void Ended(string jobKey) => _running.TryRemove(jobKey, out _);

    internal void Add(JobRun run)
    {
        _running.TryRemove(run.JobKey, out _);
        var queue = _runs.GetOrAdd(run.JobKey, _ => new ConcurrentQueue<JobRun>());
        queue.Enqueue(run);
        while (queue.Count > Keep && queue.TryDequeue(out _))
        {
        }
    }
}

public sealed class JobRunListener(JobRunHistory history, IOpsEventStream events, OpsMetrics metrics) : IJobListener
{
    public string Name => "opsconsole-run-history";

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        history.Started(Key(context));
        return ValueTask.CompletedTask;
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        var key = Key(context);
        if (jobException is null && ReferenceEquals(context.Result, JobRunHistory.NothingDue))
        {
            history.Ended(key);
            return ValueTask.CompletedTask;
        }
        var run = new JobRun(key, context.FireTimeUtc.UtcDateTime, context.JobRunTime,
            jobException is null ? JobOutcome.Succeeded : JobOutcome.Failed, jobException?.InnerException?.Message ?? jobException?.Message);
        history.Add(run);
        metrics.JobRuns.Add(1, new("job", key), new("outcome", run.Outcome.ToString().ToLowerInvariant()));
        metrics.JobDuration.Record(run.Duration.TotalSeconds, new KeyValuePair<string, object?>("job", key));
        events.Publish(new JobRunFinished(run));
        return ValueTask.CompletedTask;
    }

    private static string Key(IJobExecutionContext context) => $"{context.JobDetail.Key.Group}.{context.JobDetail.Key.Name}";
}
