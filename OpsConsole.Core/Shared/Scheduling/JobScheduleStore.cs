using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using Quartz;

namespace OpsConsole.Core.Shared.Scheduling;

/// <summary>Stores admins' schedule changes (cron, paused) with their audit entries.</summary>
public sealed class JobScheduleStore(IDbContextFactory<OpsDbContext> contexts, TimeProvider time)
{
    public async Task<IReadOnlyDictionary<string, JobSchedule>> LoadAllAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.JobSchedules.AsNoTracking().ToDictionaryAsync(s => s.JobKey, ct);
    }

    /// <summary>Validates and saves a cron expression; returns an error naming the field, or null.</summary>
    public static string? ValidateCron(string? cron)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            return "cron is required.";
        }
        if (cron.Length > 120)
        {
            return "cron must be at most 120 characters.";
        }
        try
        {
            _ = new CronExpression(cron.Trim());
            return null;
        }
        catch (FormatException ex)
        {
            return $"cron '{cron}' is not a valid Quartz cron expression (seconds minutes hours day-of-month month day-of-week [year]): {ex.Message}";
        }
    }

    public async Task SaveAsync(Actor actor, string jobKey, string defaultCron, Action<JobSchedule> change, string action, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.JobSchedules.FindAsync([jobKey], ct);
        // A job never changed before ran on its default schedule, unpaused: that is the value before.
        var before = row is null ? new { Cron = defaultCron, IsPaused = false } : new { row.Cron, row.IsPaused };
        if (row is null)
        {
            row = new JobSchedule { JobKey = jobKey, Cron = defaultCron, UpdatedBy = actor.Name };
            db.JobSchedules.Add(row);
        }
        change(row);
        row.UpdatedAt = time.GetUtcNow().UtcDateTime;
        row.UpdatedBy = actor.Name;
        db.Audit(actor, time.GetUtcNow(), OpsModules.Shared, action, "JobSchedule", jobKey, before, new { row.Cron, row.IsPaused });
        await db.SaveChangesAsync(ct);
    }
}
