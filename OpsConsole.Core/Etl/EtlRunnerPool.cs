using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Etl;

/// <summary>
/// A bounded pool of runners (`Etl:Runners`) that claim queued jobs until none is left. Each claim carries a lease
/// the runner renews by heartbeat; the heartbeat also notices a cancel request. A job whose runner died (its lease
/// expired) goes back to the queue, up to its maximum attempts, then fails with the reason.
/// </summary>
public sealed class EtlRunnerPool(
    IDbContextFactory<OpsDbContext> contexts,
    EtlJobClaimer claimer,
    EtlPipeline pipeline,
    SqliteWriteTurns turns,
    EtlOptions options,
    IOpsEventStream events,
    EtlMetrics metrics,
    TimeProvider time,
    ILogger<EtlRunnerPool> logger)
{
    private readonly string _process = $"{Environment.MachineName}/{Environment.ProcessId}";

    public TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(3, options.LeaseSeconds));

    /// <summary>Runs queued jobs with up to `Etl:Runners` at once; returns when the queue is empty or on shutdown.</summary>
    public async Task<int> DrainAsync(CancellationToken ct)
    {
        await ReturnExpiredAsync(ct);
        var runs = await Task.WhenAll(Enumerable.Range(1, Math.Clamp(options.Runners, 1, 16)).Select(i => RunnerAsync($"{_process}/{i}", ct)));
        return runs.Sum();
    }

    private async Task<int> RunnerAsync(string runner, CancellationToken ct)
    {
        var ran = 0;
        while (!ct.IsCancellationRequested && await claimer.ClaimAsync(runner, Lease, ct) is { } job)
        {
            events.Publish(new EtlJobsChanged([EtlJobState.Of(job)]));
            await RunOneAsync(job, runner, ct);
            ran++;
        }
        return ran;
    }

    private async Task RunOneAsync(EtlJob job, string runner, CancellationToken stopping)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var why = "";
        using var heartbeat = new CancellationTokenSource();
        var beating = HeartbeatAsync(job, runner, run, reason => why = reason, heartbeat.Token);
        try
        {
            await pipeline.RunAsync(job, runner, run.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The console is stopping: the lease expires and another runner (or this one after a restart) takes it.
            logger.LogInformation("ETL job {Job} interrupted by shutdown; its lease will return it to the queue", job.Id);
        }
        catch (OperationCanceledException)
        {
            await FinishCancelledAsync(job, runner, why);
        }
        catch (EtlFailure failure) when (failure.AwaitingData)
        {
            await AwaitDataAsync(job, runner, failure.Message);
        }
        catch (EtlFailure failure)
        {
            await FailAsync(job, runner, failure.Message, failure.Retriable);
        }
        catch (Exception ex)
        {
            // Whatever it was, the job must not stay "running" until its lease runs out: fail it (or try again).
            logger.LogError(ex, "ETL job {Job} failed unexpectedly", job.Id);
            await FailAsync(job, runner, $"Unexpected error: {ex.GetBaseException().Message}", retriable: true);
        }
        finally
        {
            await heartbeat.CancelAsync();
            await beating;
        }
    }

    /// <summary>Renews the lease every third of its length; stops the run when a cancel is requested or the lease is lost.</summary>
    private async Task HeartbeatAsync(EtlJob job, string runner, CancellationTokenSource run, Action<string> reason, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Lease / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                using var turn = await turns.TakeAsync(stop);
                await using var db = await contexts.CreateDbContextAsync(stop);
                var until = time.GetUtcNow().UtcDateTime + Lease;
                var renewed = await db.EtlJobs.Where(j => j.Id == job.Id && j.Status == EtlJobStatus.Running && j.LeaseOwner == runner)
                    .ExecuteUpdateAsync(u => u.SetProperty(j => j.LeaseExpiresAt, until), stop);
                var cancel = await db.EtlJobs.Where(j => j.Id == job.Id).Select(j => j.CancelRequested).SingleAsync(stop);
                if (renewed == 0 || cancel)
                {
                    reason(cancel ? "cancel requested" : "lease lost");
                    await run.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            logger.LogWarning(ex, "ETL heartbeat for job {Job} failed; the run continues and the lease may expire", job.Id);
        }
    }

    private async Task FinishCancelledAsync(EtlJob job, string runner, string why)
    {
        var now = time.GetUtcNow();
        using var turn = await turns.TakeAsync(CancellationToken.None);
        await using var db = await contexts.CreateDbContextAsync();
        var (running, cancelled) = (EtlJobStatus.Running, EtlTransitions.Job.Apply(EtlJobStatus.Running, EtlJobMove.Cancel, "job").To);
        var moved = await db.EtlJobs.Where(j => j.Id == job.Id && j.Status == running && j.LeaseOwner == runner && j.CancelRequested)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, cancelled).SetProperty(j => j.FinishedAt, now.UtcDateTime)
                .SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseExpiresAt, (DateTime?)null));
        if (moved > 0)
        {
            db.EtlJobEvents.Add(EtlService.Event(job, now, "cancelled", "Cancelled during the run; no records of this run were stored."));
            db.Audit(Actor.System, now, EtlModule.Name, "job.cancelled", "EtlJob", job.Id.ToString(), new { Status = running.Name() }, new { Status = cancelled.Name() });
            await db.SaveChangesAsync();
            metrics.Jobs.Add(1, new KeyValuePair<string, object?>("outcome", "cancelled"));
            events.Publish(new EtlJobsChanged([EtlJobState.Of(job, cancelled, job.RecordCount)]));
        }
        else
        {
            logger.LogWarning("ETL job {Job} stopped ({Why}) but is no longer this runner's; left as it is", job.Id, why);
        }
    }

    private async Task FailAsync(EtlJob job, string runner, string reason, bool retriable)
    {
        var now = time.GetUtcNow();
        var move = EtlTransitions.AfterFailedAttempt(job.Attempts, job.MaxAttempts, retriable);
        var again = move == EtlJobMove.RetryLater;
        using var turn = await turns.TakeAsync(CancellationToken.None);
        await using var db = await contexts.CreateDbContextAsync();
        var (running, status) = (EtlTransitions.Job.OnlyFrom(move), EtlTransitions.Job.To(move));
        var moved = await db.EtlJobs.Where(j => j.Id == job.Id && j.Status == running && j.LeaseOwner == runner)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, status).SetProperty(j => j.Error, Clip(reason))
                .SetProperty(j => j.AwaitingData, false).SetProperty(j => j.FinishedAt, again ? null : now.UtcDateTime)
                .SetProperty(j => j.QueuedAt, again ? now.UtcDateTime.AddSeconds(Math.Max(0, options.RetryDelaySeconds) * job.Attempts) : job.QueuedAt)
                .SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseExpiresAt, (DateTime?)null));
        if (moved == 0)
        {
            return;
        }
        db.EtlJobEvents.Add(EtlService.Event(job, now, again ? "retry" : "failed",
            again ? $"{reason} Trying again in {Math.Max(0, options.RetryDelaySeconds) * job.Attempts} s (attempt {job.Attempts} of {job.MaxAttempts} failed)." : $"{reason}{(retriable ? $" Gave up after {job.Attempts} attempts." : "")}"));
        if (!again)
        {
            db.Audit(Actor.System, now, EtlModule.Name, "job.failed", "EtlJob", job.Id.ToString(), new { Status = running.Name() }, new { Status = status.Name(), Error = Clip(reason) });
        }
        await db.SaveChangesAsync();
        metrics.Jobs.Add(1, new KeyValuePair<string, object?>("outcome", again ? "retried" : "failed"));
        events.Publish(new EtlJobsChanged([EtlJobState.Of(job, status, job.RecordCount)]));
    }

    /// <summary>
    /// The file host has no files for the day yet (ADR 0022): the job fails at once as waiting for data, which is no
    /// error to act on; the hourly missing-data scan queues it again. Audited the first time only: a day that stays empty
    /// is tried every hour, and each try is on the job's timeline.
    /// </summary>
    private async Task AwaitDataAsync(EtlJob job, string runner, string reason)
    {
        var now = time.GetUtcNow();
        using var turn = await turns.TakeAsync(CancellationToken.None);
        await using var db = await contexts.CreateDbContextAsync();
        var (running, failed) = (EtlTransitions.Job.OnlyFrom(EtlJobMove.Fail), EtlTransitions.Job.To(EtlJobMove.Fail));
        var moved = await db.EtlJobs.Where(j => j.Id == job.Id && j.Status == running && j.LeaseOwner == runner)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, failed).SetProperty(j => j.Error, Clip(reason))
                .SetProperty(j => j.AwaitingData, true).SetProperty(j => j.FinishedAt, now.UtcDateTime)
                .SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseExpiresAt, (DateTime?)null));
        if (moved == 0)
        {
            return;
        }
        db.EtlJobEvents.Add(EtlService.Event(job, now, "awaiting-data", $"{reason} Waiting for data: the hourly missing-data scan tries again."));
        if (!job.AwaitingData)
        {
            db.Audit(Actor.System, now, EtlModule.Name, "job.awaiting-data", "EtlJob", job.Id.ToString(), new { Status = running.Name() },
                new { Status = failed.Name(), AwaitingData = true, Error = Clip(reason) });
        }
        await db.SaveChangesAsync();
        metrics.Jobs.Add(1, new KeyValuePair<string, object?>("outcome", "awaiting_data"));
        events.Publish(new EtlJobsChanged([EtlJobState.Of(job, failed, job.RecordCount, awaitingData: true)]));
    }

    /// <summary>Jobs whose runner stopped renewing its lease: back to the queue, or failed after the last attempt.</summary>
    public async Task<int> ReturnExpiredAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        using var turn = await turns.TakeAsync(ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var running = EtlJobStatus.Running;
        var expired = await db.EtlJobs.AsNoTracking()
            .Where(j => j.Status == running && j.LeaseExpiresAt != null && j.LeaseExpiresAt < now.UtcDateTime).ToListAsync(ct);
        var changed = new List<EtlJobState>();
        foreach (var job in expired)
        {
            // A lost runner may have been cut off by anything: the attempt counts, and it may pass.
            var move = EtlTransitions.AfterFailedAttempt(job.Attempts, job.MaxAttempts, retriable: true);
            var again = move == EtlJobMove.RetryLater;
            var status = EtlTransitions.Job.To(move);
            var reason = $"The runner {job.LeaseOwner} stopped renewing its lease (expired {job.LeaseExpiresAt:HH:mm:ss} UTC).";
            var moved = await db.EtlJobs.Where(j => j.Id == job.Id && j.Status == running && j.LeaseExpiresAt == job.LeaseExpiresAt)
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, status).SetProperty(j => j.LeaseOwner, (string?)null)
                    .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null).SetProperty(j => j.QueuedAt, now.UtcDateTime)
                    .SetProperty(j => j.Error, again ? null : reason + $" Gave up after {job.Attempts} attempts.")
                    .SetProperty(j => j.AwaitingData, again && job.AwaitingData)
                    .SetProperty(j => j.FinishedAt, again ? null : now.UtcDateTime), ct);
            if (moved == 0)
            {
                continue;
            }
            db.EtlJobEvents.Add(EtlService.Event(job, now, again ? "lease-expired" : "failed",
                again ? $"{reason} Queued again (attempt {job.Attempts} of {job.MaxAttempts})." : $"{reason} Gave up after {job.Attempts} attempts."));
            db.Audit(Actor.System, now, EtlModule.Name, "job.lease-expired", "EtlJob", job.Id.ToString(), new { Status = running.Name(), job.LeaseOwner },
                new { Status = status.Name() });
            changed.Add(EtlJobState.Of(job, status, job.RecordCount));
        }
        await db.SaveChangesAsync(ct);
        if (changed.Count > 0)
        {
            events.Publish(new EtlJobsChanged(changed));
        }
        return changed.Count;
    }

    private static string Clip(string text) => text.Length <= 4000 ? text : text[..3999] + "…";
}
