using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Cluster;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Leasing;

namespace OpsConsole.Core.Yard;

/// <summary>What the cluster's poll row says: the status the last cycle (on any instance) ended with, and how long until the next is due.</summary>
public sealed record YardSharedState(YardStatus? Status, TimeSpan UntilDue);

/// <summary>
/// The yard poller's "due" and its status, shared by every instance of a cluster (ADR 0040): with the `yard:poller` lease
/// two consoles never cycle at once, and with this row they cycle once per interval between them, not once each. A
/// cycle claims the row (its start in the DATABASE's clock, so instances whose clocks disagree still agree) and writes
/// the status it ended with; an instance that finds the row claimed within the interval takes that status and the
/// stored view instead of polling. Without <c>Cluster:Enabled</c> it does nothing: the one console's poller keeps its
/// "due" in memory, on the <see cref="TimeProvider"/> its tests drive.
/// </summary>
public sealed class YardSharedPoll(IDbContextFactory<OpsDbContext> contexts, ClusterOptions cluster, DatabaseLease leases)
{
    public bool Enabled => cluster.Enabled;

    /// <summary>
    /// Claims the next cycle when the last one (on any instance) started at least <paramref name="dueAfter"/> ago, or at
    /// once when <paramref name="force"/> (a person's "poll now", an operator's change to show). Call under the lease.
    /// </summary>
    public async Task<bool> TryClaimAsync(TimeSpan dueAfter, bool force, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var p = db.Provider;
        var q = Q(p);
        var now = Now(p);
        var sql = p == DatabaseProvider.SqlServer
            ? $"""
               MERGE {q("yard_poll")} WITH (HOLDLOCK) AS t USING (SELECT @id AS {q("Id")}) AS s ON t.{q("Id")} = s.{q("Id")}
               WHEN MATCHED AND (@force = 1 OR DATEADD(millisecond, @due, t.{q("CycleStartedAt")}) <= {now})
                 THEN UPDATE SET {q("CycleStartedAt")} = {now}, {q("Instance")} = @instance
               WHEN NOT MATCHED THEN INSERT ({q("Id")}, {q("CycleStartedAt")}, {q("Instance")}) VALUES (@id, {now}, @instance);
               """
            : $"""
               INSERT INTO {q("yard_poll")} ({q("Id")}, {q("CycleStartedAt")}, {q("Instance")}) VALUES (@id, {now}, @instance)
               ON CONFLICT ({q("Id")}) DO UPDATE SET {q("CycleStartedAt")} = excluded.{q("CycleStartedAt")}, {q("Instance")} = excluded.{q("Instance")}
               WHERE @force = 1 OR {DueAt(p, $"{q("yard_poll")}.{q("CycleStartedAt")}")} <= {now}
               """;
        await db.Database.OpenConnectionAsync(ct);
        await using var command = Command(db, sql, ("id", YardPollRow.TheRow), ("force", force ? 1 : 0), Due(p, dueAfter), ("instance", leases.Instance));
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>The status a cycle ended with, for the other instances (written before its events are published).</summary>
    public async Task RecordAsync(YardStatus status, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(status, YardViewStore.ViewJson);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.YardPoll.Where(r => r.Id == YardPollRow.TheRow).ExecuteUpdateAsync(s => s.SetProperty(r => r.StatusJson, json), ct);
    }

    /// <summary>The last cycle's status (null before any) and the time until a cycle <paramref name="dueAfter"/> after it is due.</summary>
    public async Task<YardSharedState?> ReadAsync(TimeSpan dueAfter, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var p = db.Provider;
        var q = Q(p);
        var untilDue = p switch
        {
            DatabaseProvider.Sqlite => $"(julianday({q("CycleStartedAt")}) - julianday('now')) * 86400.0 + @due",
            DatabaseProvider.PostgreSql => $"EXTRACT(EPOCH FROM ({DueAt(p, q("CycleStartedAt"))} - now()))",
            _ => $"DATEDIFF_BIG(millisecond, SYSUTCDATETIME(), {DueAt(p, q("CycleStartedAt"))}) / 1000.0",
        };
        await db.Database.OpenConnectionAsync(ct);
        await using var command = Command(db, $"SELECT {q("StatusJson")}, {untilDue} FROM {q("yard_poll")} WHERE {q("Id")} = @id",
            ("id", YardPollRow.TheRow), Due(p, dueAfter));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var status = reader.IsDBNull(0) ? null : JsonSerializer.Deserialize<YardStatus>(reader.GetString(0), YardViewStore.ViewJson);
        var seconds = Convert.ToDouble(reader.GetValue(1), CultureInfo.InvariantCulture);
        return new YardSharedState(status, TimeSpan.FromSeconds(Math.Max(0, seconds)));
    }

    private static Func<string, string> Q(DatabaseProvider p) => n => RawSql.Quote(p, n);

    private static string Now(DatabaseProvider p) => p switch
    {
        DatabaseProvider.Sqlite => "strftime('%Y-%m-%d %H:%M:%f', 'now')",
        DatabaseProvider.PostgreSql => "now()",
        _ => "SYSUTCDATETIME()",
    };

    /// <summary>When a cycle <c>@due</c> after the one that started at <paramref name="startedAt"/> is due.</summary>
    private static string DueAt(DatabaseProvider p, string startedAt) => p switch
    {
        DatabaseProvider.Sqlite => $"strftime('%Y-%m-%d %H:%M:%f', {startedAt}, '+' || @due || ' seconds')",
        DatabaseProvider.PostgreSql => $"({startedAt} + make_interval(secs => @due))",
        _ => $"DATEADD(millisecond, @due, {startedAt})",
    };

    private static (string, object) Due(DatabaseProvider p, TimeSpan dueAfter) =>
        p == DatabaseProvider.SqlServer ? ("due", (int)dueAfter.TotalMilliseconds) : ("due", dueAfter.TotalSeconds);

    private static DbCommand Command(OpsDbContext db, string sql, params (string Name, object Value)[] parameters)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        foreach (var (n, v) in parameters)
        {
            command.AddParameter("@" + n, v);
        }
        return command;
    }
}
