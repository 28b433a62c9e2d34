using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Cluster;
using OpsConsole.Core.Shared.Data;
using Quartz;

namespace OpsConsole.Infrastructure.Scheduling;

/// <summary>A scheduler instance as the page lists it: its `Cluster:InstanceId`, Quartz's id for this start, and its last check-in.</summary>
public sealed record SchedulerInstanceView(string Instance, string SchedulerInstance, DateTime LastCheckIn, TimeSpan CheckInInterval, bool IsAlive, bool IsThis);

/// <summary>
/// The console instances that run jobs. With the persistent (clustered) store they are Quartz's own check-ins
/// (`qrtz_scheduler_state`, every 5 s); an instance is alive while its last check-in is younger than its interval plus
/// Quartz's 7.5 s misfire threshold, the rule Quartz itself uses to declare a node failed. In memory there is one
/// instance, this one. Quartz's instance id is <c>{Cluster:InstanceId}/{random}</c>, new at every start (ADR 0040), so a
/// restarted instance's old runs are not taken for its new ones.
/// </summary>
public sealed class SchedulerInstances(ISchedulerFactory schedulers, IDbContextFactory<OpsDbContext> contexts, TimeProvider time)
{
    /// <summary>Quartz's threshold past an instance's check-in interval before the cluster declares it failed.</summary>
    public static readonly TimeSpan FailedAfter = TimeSpan.FromSeconds(7.5);

    public static string NewSchedulerInstanceId(ClusterOptions cluster) => $"{cluster.InstanceId}/{Guid.NewGuid().ToString("N")[..8]}";

    public static string InstanceOf(string schedulerInstance) =>
        schedulerInstance.LastIndexOf('/') is > 0 and var slash ? schedulerInstance[..slash] : schedulerInstance;

    public async Task<IReadOnlyList<SchedulerInstanceView>> ListAsync(CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var self = scheduler.SchedulerInstanceId;
        var now = time.GetUtcNow().UtcDateTime;
        var metadata = await scheduler.GetMetadata(ct);
        if (!metadata.JobStoreClustered)
        {
            return [new SchedulerInstanceView(InstanceOf(self), self, now, TimeSpan.Zero, true, true)];
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sql = db.Provider == DatabaseProvider.SqlServer
            ? "SELECT INSTANCE_NAME, LAST_CHECKIN_TIME, CHECKIN_INTERVAL FROM QRTZ_SCHEDULER_STATE WHERE SCHED_NAME = @name"
            : "SELECT instance_name, last_checkin_time, checkin_interval FROM qrtz_scheduler_state WHERE sched_name = @name";
        await db.Database.OpenConnectionAsync(ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.AddParameter("@name", scheduler.SchedulerName);
        var instances = new List<SchedulerInstanceView>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetString(0);
            // Quartz stores the check-in as UTC ticks and the interval in milliseconds.
            var checkIn = new DateTime(Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture), DateTimeKind.Utc);
            var interval = TimeSpan.FromMilliseconds(Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture));
            instances.Add(new SchedulerInstanceView(InstanceOf(id), id, checkIn, interval, checkIn + interval + FailedAfter >= now, id == self));
        }
        return instances.OrderBy(i => i.Instance, StringComparer.Ordinal).ThenBy(i => i.SchedulerInstance, StringComparer.Ordinal).ToList();
    }
}
