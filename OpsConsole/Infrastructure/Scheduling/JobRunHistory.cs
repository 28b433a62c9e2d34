using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Cluster;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Scheduling;
using OpsConsole.Core.Shared.Telemetry;
using Quartz;

namespace OpsConsole.Infrastructure.Scheduling;

public enum JobOutcome
{
    Succeeded,
    Failed,
    /// <summary>Started on an instance that stopped checking in before the run ended.</summary>
    Abandoned,
}

/// <summary>A run of a job as the page and the API show it; <see cref="Instance"/> is the `Cluster:InstanceId` that ran it.</summary>
public sealed record JobRun(string JobKey, DateTime StartedAt, TimeSpan Duration, JobOutcome Outcome, string? Error, string Instance);

public sealed record JobRunFinished(JobRun Run) : IOpsEvent
{
    public string Topic => OpsTopics.Scheduler;
}

/// <summary>What the database says of one job: its last ended run, and the instance it runs on now (null when idle).</summary>
public sealed record JobRunState(JobRun? Last, string? RunningOn);

/// <summary>
/// The runs of every job on every instance, in the database (`job_runs`, ADR 0040), fed by <see cref="JobRunListener"/>:
/// a row when a run starts, completed when it ends, so every instance's scheduler page shows every instance's runs and
/// "is running" holds across instances. A run is running while its row is open and its scheduler instance still
/// checks in (<see cref="SchedulerInstances"/>); an open row of a dead instance is shown as abandoned.
/// </summary>
public sealed class JobRunHistory(IDbContextFactory<OpsDbContext> contexts, ClusterOptions cluster, TimeProvider time)
{
    /// <summary>
    /// A job sets this as its result when its tick found nothing due (the yard poller ticks every second and polls
    /// every few; the ETL runners tick every 5 s with an empty queue): such a tick is not a run, so it is not kept,
    /// counted or announced, and the scheduler page and dashboard tile are not refreshed every second.
    /// </summary>
    public static readonly object NothingDue = new();

    internal async Task<long> StartedAsync(string jobKey, string schedulerInstance, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = new JobRunRecord
        {
            JobKey = jobKey,
            Instance = cluster.InstanceId,
            SchedulerInstance = schedulerInstance,
            StartedAt = time.GetUtcNow().UtcDateTime,
        };
        db.JobRuns.Add(row);
        await db.SaveChangesAsync(ct);
        return row.Id;
    }

    /// <summary>A tick that found nothing due leaves no trace.</summary>
    internal async Task DiscardAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.JobRuns.Where(r => r.Id == id).ExecuteDeleteAsync(ct);
    }

    /// <summary>Completes the run's row and keeps the newest <see cref="JobRunRecord.KeepPerJob"/> of its job.</summary>
    internal async Task FinishedAsync(long id, JobRun run, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var error = run.Error is { Length: > 2000 } tooLong ? tooLong[..2000] : run.Error;
        var outcome = run.Outcome == JobOutcome.Failed ? JobRunOutcome.Failed : JobRunOutcome.Succeeded;
        await db.JobRuns.Where(r => r.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.FinishedAt, time.GetUtcNow().UtcDateTime)
            .SetProperty(r => r.DurationMs, (long)run.Duration.TotalMilliseconds)
            .SetProperty(r => r.Outcome, outcome)
            .SetProperty(r => r.Error, error), ct);
        var oldestKept = await db.JobRuns.Where(r => r.JobKey == run.JobKey).OrderByDescending(r => r.Id)
            .Skip(JobRunRecord.KeepPerJob - 1).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
        if (oldestKept is { } keep)
        {
            await db.JobRuns.Where(r => r.JobKey == run.JobKey && r.Id < keep).ExecuteDeleteAsync(ct);
        }
    }

    /// <summary>Every job's last run and where it runs now; <paramref name="alive"/> says whether a scheduler instance still checks in.</summary>
    public async Task<IReadOnlyDictionary<string, JobRunState>> StatesAsync(Func<string, bool> alive, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var open = await db.JobRuns.AsNoTracking().Where(r => r.FinishedAt == null).OrderBy(r => r.Id).ToListAsync(ct);
        var lastIds = await db.JobRuns.Where(r => r.FinishedAt != null).GroupBy(r => r.JobKey).Select(g => g.Max(r => r.Id)).ToListAsync(ct);
        var last = await db.JobRuns.AsNoTracking().Where(r => lastIds.Contains(r.Id)).ToListAsync(ct);
        var states = new Dictionary<string, JobRunState>();
        foreach (var row in last)
        {
            states[row.JobKey] = new JobRunState(View(row), null);
        }
        foreach (var row in open)
        {
            var state = states.GetValueOrDefault(row.JobKey) ?? new JobRunState(null, null);
            states[row.JobKey] = alive(row.SchedulerInstance)
                ? state with { RunningOn = row.Instance }
                : state.Last is { } l && l.StartedAt > row.StartedAt ? state : state with { Last = View(row) };
        }
        return states;
    }

    /// <summary>The newest runs of one job (abandoned ones included, open ones as they stand).</summary>
    public async Task<IReadOnlyList<JobRunRecord>> RecentAsync(string jobKey, int take, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.JobRuns.AsNoTracking().Where(r => r.JobKey == jobKey).OrderByDescending(r => r.Id).Take(take).ToListAsync(ct);
    }

    private static JobRun View(JobRunRecord row) => new(row.JobKey, row.StartedAt, TimeSpan.FromMilliseconds(row.DurationMs ?? 0),
        row.Outcome switch { JobRunOutcome.Succeeded => JobOutcome.Succeeded, JobRunOutcome.Failed => JobOutcome.Failed, _ => JobOutcome.Abandoned },
        row.Outcome is null ? "Its instance stopped before the run ended." : row.Error, row.Instance);
}

/// <summary>Writes every run to <see cref="JobRunHistory"/>, counts it and announces it; a failure to write is logged, never the job's.</summary>
public sealed class JobRunListener(JobRunHistory history, IOpsEventStream events, OpsMetrics metrics, ClusterOptions cluster,
    ILogger<JobRunListener> logger) : IJobListener
{
    /// <summary>The row of each run in flight, by Quartz's fire instance id.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _rows = new();

    public string Name => "opsconsole-run-history";

    public async ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _rows[context.FireInstanceId] = await history.StartedAsync(Key(context), context.Scheduler.SchedulerInstanceId, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "The start of {Job} could not be recorded", Key(context));
        }
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public async ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        var key = Key(context);
        long? id = _rows.TryRemove(context.FireInstanceId, out var row) ? row : null;
        try
        {
            if (jobException is null && ReferenceEquals(context.Result, JobRunHistory.NothingDue))
            {
                if (id is { } nothing)
                {
                    await history.DiscardAsync(nothing, CancellationToken.None);
                }
                return;
            }
            var run = new JobRun(key, context.FireTimeUtc.UtcDateTime, context.JobRunTime,
                jobException is null ? JobOutcome.Succeeded : JobOutcome.Failed, jobException?.InnerException?.Message ?? jobException?.Message,
                cluster.InstanceId);
            if (id is { } ran)
            {
                await history.FinishedAsync(ran, run, CancellationToken.None);
            }
            metrics.JobRuns.Add(1, new("job", key), new("outcome", run.Outcome.ToString().ToLowerInvariant()));
            metrics.JobDuration.Record(run.Duration.TotalSeconds, new KeyValuePair<string, object?>("job", key));
            events.Publish(new JobRunFinished(run));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "The end of {Job} could not be recorded", key);
        }
    }

    private static string Key(IJobExecutionContext context) => $"{context.JobDetail.Key.Group}.{context.JobDetail.Key.Name}";
}
