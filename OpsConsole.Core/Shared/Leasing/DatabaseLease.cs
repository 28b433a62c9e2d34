using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Shared.Leasing;

/// <summary>
/// Named leases in the database, so that one thing runs at a time across every instance of the console (one sync run
/// per connection; later the yard poller and the outbox publisher). Every time is the DATABASE's clock
/// (`strftime('now')`, `now()`, `SYSUTCDATETIME()`), so instances whose clocks disagree still agree on who holds a
/// lease. Taking a lease is one statement: insert it, or take over a row whose time has run out. The holder renews it
/// on a timer (the heartbeat) while it works and deletes it when done; a holder that died stops renewing, and the
/// lease is free once <c>ttl</c> has passed (ADR 0036).
/// </summary>
public sealed class DatabaseLease(IDbContextFactory<OpsDbContext> contexts, TimeProvider time, ILogger<DatabaseLease> logger, Cluster.ClusterOptions cluster)
{
    /// <summary>This process, as it appears in a lease's holder column: the instance's id (`Cluster:InstanceId`) and its process.</summary>
    public string Instance { get; } = $"{cluster.InstanceId}/{Environment.ProcessId}";

    /// <summary>
    /// Takes the lease <paramref name="name"/> for <paramref name="ttl"/> when nobody holds it (or its holder's time has run
    /// out), and keeps renewing it every third of <paramref name="ttl"/>; null when someone else holds it.
    /// </summary>
    public async Task<HeldLease?> TryAcquireAsync(string name, TimeSpan ttl, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(name.Length, Lease.MaxNameLength, nameof(name));
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.FromMilliseconds(300), nameof(ttl));
        var token = Guid.NewGuid().ToString("N");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var p = db.Provider;
        var (q, now, expires) = (Q(p), Now(p), Expires(p));
        var sql = p == DatabaseProvider.SqlServer
            ? $"""
               MERGE {q("leases")} WITH (HOLDLOCK) AS t USING (SELECT @name AS {q("Name")}) AS s ON t.{q("Name")} = s.{q("Name")}
               WHEN MATCHED AND t.{q("ExpiresAt")} < {now} THEN UPDATE SET {q("Holder")} = @holder, {q("Token")} = @token,
                 {q("AcquiredAt")} = {now}, {q("HeartbeatAt")} = {now}, {q("ExpiresAt")} = {expires}
               WHEN NOT MATCHED THEN INSERT ({q("Name")}, {q("Holder")}, {q("Token")}, {q("AcquiredAt")}, {q("HeartbeatAt")}, {q("ExpiresAt")})
                 VALUES (@name, @holder, @token, {now}, {now}, {expires});
               """
            : $"""
               INSERT INTO {q("leases")} ({q("Name")}, {q("Holder")}, {q("Token")}, {q("AcquiredAt")}, {q("HeartbeatAt")}, {q("ExpiresAt")})
               VALUES (@name, @holder, @token, {now}, {now}, {expires})
               ON CONFLICT ({q("Name")}) DO UPDATE SET {q("Holder")} = excluded.{q("Holder")}, {q("Token")} = excluded.{q("Token")},
                 {q("AcquiredAt")} = excluded.{q("AcquiredAt")}, {q("HeartbeatAt")} = excluded.{q("HeartbeatAt")}, {q("ExpiresAt")} = excluded.{q("ExpiresAt")}
               WHERE {q("leases")}.{q("ExpiresAt")} < {now}
               """;
        var taken = await ExecuteAsync(db, sql, ct, ("name", name), ("holder", Instance), ("token", token), TtlParameter(p, ttl));
        if (taken == 0)
        {
            return null;
        }
        logger.LogDebug("Lease {Lease} taken by {Holder} for {Ttl}", name, Instance, ttl);
        return new HeldLease(this, name, token, ttl, time, logger);
    }

    /// <summary>The lease row as it stands (held or run out), or null when nobody holds it.</summary>
    public async Task<Lease?> FindAsync(string name, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<Lease>().AsNoTracking().SingleOrDefaultAsync(l => l.Name == name, ct);
    }

    /// <summary>Whether the lease is held now by anyone, by the database's clock.</summary>
    public async Task<bool> IsHeldAsync(string name, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var p = db.Provider;
        var q = Q(p);
        var sql = $"SELECT COUNT(*) FROM {q("leases")} WHERE {q("Name")} = @name AND {q("ExpiresAt")} >= {Now(p)}";
        await db.Database.OpenConnectionAsync(ct);
        await using var command = Command(db, sql, ("name", name));
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Pushes the lease's end <paramref name="ttl"/> past now; false when this holding no longer has it (taken over or released).</summary>
    internal async Task<bool> RenewAsync(string name, string token, TimeSpan ttl, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var p = db.Provider;
        var q = Q(p);
        var sql = $"UPDATE {q("leases")} SET {q("HeartbeatAt")} = {Now(p)}, {q("ExpiresAt")} = {Expires(p)} WHERE {q("Name")} = @name AND {q("Token")} = @token";
        return await ExecuteAsync(db, sql, ct, ("name", name), ("token", token), TtlParameter(p, ttl)) > 0;
    }

    internal async Task ReleaseAsync(string name, string token, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = Q(db.Provider);
        await ExecuteAsync(db, $"DELETE FROM {q("leases")} WHERE {q("Name")} = @name AND {q("Token")} = @token", ct, ("name", name), ("token", token));
    }

    private static Func<string, string> Q(DatabaseProvider p) => n => RawSql.Quote(p, n);

    /// <summary>The database's own "now", in the form the provider stores times in (SQLite: EF's text form, to the millisecond).</summary>
    private static string Now(DatabaseProvider p) => p switch
    {
        DatabaseProvider.Sqlite => "strftime('%Y-%m-%d %H:%M:%f', 'now')",
        DatabaseProvider.PostgreSql => "now()",
        _ => "SYSUTCDATETIME()",
    };

    private static string Expires(DatabaseProvider p) => p switch
    {
        DatabaseProvider.Sqlite => "strftime('%Y-%m-%d %H:%M:%f', 'now', @ttl)",
        DatabaseProvider.PostgreSql => "now() + make_interval(secs => @ttl)",
        _ => "DATEADD(millisecond, @ttl, SYSUTCDATETIME())",
    };

    private static (string, object) TtlParameter(DatabaseProvider p, TimeSpan ttl) => p switch
    {
        DatabaseProvider.Sqlite => ("ttl", string.Create(CultureInfo.InvariantCulture, $"+{ttl.TotalSeconds:0.000} seconds")),
        DatabaseProvider.PostgreSql => ("ttl", ttl.TotalSeconds),
        _ => ("ttl", (int)ttl.TotalMilliseconds),
    };

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

    private static async Task<int> ExecuteAsync(OpsDbContext db, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await db.Database.OpenConnectionAsync(ct);
        await using var command = Command(db, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>
/// A lease this process holds: renewed every third of its time-to-live until disposed (which releases it). When a
/// renewal finds the lease taken over, or renewals keep failing until it would have run out, <see cref="Lost"/> is
/// cancelled: whoever works under the lease must stop.
/// </summary>
public sealed class HeldLease : IAsyncDisposable
{
    private readonly DatabaseLease _leases;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeat;
    private readonly ILogger _logger;
    private int _disposed;

    internal HeldLease(DatabaseLease leases, string name, string token, TimeSpan ttl, TimeProvider time, ILogger logger)
    {
        (_leases, Name, Token, Ttl, _logger) = (leases, name, token, ttl, logger);
        _heartbeat = HeartbeatAsync(time);
    }

    public string Name { get; }
    public string Token { get; }
    public TimeSpan Ttl { get; }

    /// <summary>Cancelled when the lease is no longer this holder's.</summary>
    public CancellationToken Lost => _lost.Token;

    private async Task HeartbeatAsync(TimeProvider time)
    {
        var every = Ttl / 3;
        var lastRenewed = time.GetTimestamp();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, time, _stop.Token);
                if (await _leases.RenewAsync(Name, Token, Ttl, _stop.Token))
                {
                    lastRenewed = time.GetTimestamp();
                    continue;
                }
                _logger.LogWarning("Lease {Lease} was taken over; its work stops.", Name);
                await _lost.CancelAsync();
                return;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A database hiccup: try again at the next beat, unless the lease would have run out by now.
                _logger.LogWarning(ex, "Lease {Lease} could not be renewed.", Name);
                if (time.GetElapsedTime(lastRenewed) >= Ttl)
                {
                    await _lost.CancelAsync();
                    return;
                }
            }
        }
    }

    /// <summary>Stops the heartbeat without releasing: the lease runs out as if this process had died (for tests of recovery).</summary>
    internal async Task AbandonAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _stop.CancelAsync();
            await _heartbeat;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync();
        await _heartbeat;
        try
        {
            await _leases.ReleaseAsync(Name, Token, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Not released: it runs out on its own after its time-to-live.
            _logger.LogWarning(ex, "Lease {Lease} could not be released; it runs out on its own.", Name);
        }
        _stop.Dispose();
        _lost.Dispose();
    }
}
