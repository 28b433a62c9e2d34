using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using OpsConsole.Core.Shared.Claims;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Dispatch;

/// <summary>Gives the oldest ready task to one worker, atomically, on every provider.</summary>
public sealed class DispatchClaimer(IDbContextFactory<OpsDbContext> contexts, TimeProvider time)
{
    public const string Table = "dispatch_tasks";

    private static readonly ClaimSpec Spec = new(Table, nameof(DispatchTask.Status),
        DispatchTransitions.Task.OnlyFrom(DispatchTaskMove.Claim).Wire(), DispatchTransitions.Task.To(DispatchTaskMove.Claim).Wire(),
        [nameof(DispatchTask.CreatedAt), nameof(DispatchTask.Id)], [nameof(DispatchTask.WorkerId), nameof(DispatchTask.AssignedAt)]);

    private static readonly Dictionary<DatabaseProvider, string> Statements = Enum.GetValues<DatabaseProvider>().ToDictionary(p => p, p => ClaimStatement.For(p, Spec));

    /// <summary>PostgreSQL's batch: every claimant of a group commit in one statement (one round trip, one index scan).</summary>
    private static readonly string PostgreSqlBatchSql = string.Format(ClaimStatement.PostgreSqlBatch(Spec), "@workers", "@at");

    /// <summary>SQLite's statement with positional parameters, for <see cref="SqliteStatement"/>.</summary>
    private static readonly string SqliteClaimSql = string.Format(Statements[DatabaseProvider.Sqlite], "?1", "?2");

    /// <summary>One claim in its own (autocommit) statement.</summary>
    public async Task<DispatchTask?> ClaimAsync(string workerId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        return (await ClaimEachAsync(db, [workerId], ct)).SingleOrDefault();
    }

    /// <summary>
    /// Claims for each worker in turn on the caller's open connection and transaction, with one prepared command, and
    /// stops at the first worker for whom nothing is ready. A plain prepared command rather than EF's query pipeline,
    /// which costs more than the statement itself when claims are batched.
    /// </summary>
    public async Task<List<DispatchTask>> ClaimEachAsync(OpsDbContext db, IReadOnlyList<string> workerIds, CancellationToken ct = default)
    {
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            return ClaimEachOnSqlite(db, workerIds);
        }
        if (db.Provider == DatabaseProvider.PostgreSql)
        {
            return await ClaimBatchOnPostgreSqlAsync(db, workerIds, ct);
        }
        var claimed = new List<DispatchTask>(workerIds.Count);
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = string.Format(Statements[db.Provider], "@p0", "@p1");
        var worker = command.CreateParameter();
        worker.ParameterName = "@p0";
        worker.Value = "";
        var at = command.CreateParameter();
        at.ParameterName = "@p1";
        at.Value = DateTime.UtcNow;
        command.Parameters.Add(worker);
        command.Parameters.Add(at);
        foreach (var workerId in workerIds)
        {
            worker.Value = workerId;
            at.Value = time.GetUtcNow().UtcDateTime;
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                break;
            }
            claimed.Add(Read(reader));
        }
        return claimed;
    }

    /// <summary>
    /// PostgreSQL's form: the whole batch in one statement, the n-th oldest ready task to the n-th worker. Statement by
    /// statement, each claim cost a round trip and its own index scan past the rows the earlier claims had just locked.
    /// </summary>
    private async Task<List<DispatchTask>> ClaimBatchOnPostgreSqlAsync(OpsDbContext db, IReadOnlyList<string> workerIds, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = PostgreSqlBatchSql;
        command.AddParameter("@workers", workerIds.ToArray());
        command.AddParameter("@at", time.GetUtcNow().UtcDateTime);
        var claimed = new List<(long Order, DispatchTask Task)>(workerIds.Count);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            var order = -1;
            while (await reader.ReadAsync(ct))
            {
                order = order >= 0 ? order : reader.GetOrdinal("claim_order");
                claimed.Add((reader.GetInt64(order), Read(reader)));
            }
        }
        return claimed.OrderBy(c => c.Order).Select(c => c.Task).ToList();
    }

    /// <summary>SQLite's form: the statement on the connection's handle, values bound by position and read by number.</summary>
    private List<DispatchTask> ClaimEachOnSqlite(OpsDbContext db, IReadOnlyList<string> workerIds)
    {
        var claimed = new List<DispatchTask>(workerIds.Count);
        using var claim = SqliteStatement.Reuse((SqliteConnection)db.Database.GetDbConnection(), SqliteClaimSql);
        int[]? at = null;
        foreach (var workerId in workerIds)
        {
            claim.Bind(1, workerId);
            claim.Bind(2, time.GetUtcNow().UtcDateTime);
            if (!claim.Step())
            {
                break;
            }
            // RETURNING *: the columns are found by name once.
            at ??= TaskColumns.Select(claim.Ordinal).ToArray();
            claimed.Add(new DispatchTask
            {
                Id = claim.Int64(at[0]),
                FromStationId = (int)claim.Int64(at[1]),
                ToStationId = (int)claim.Int64(at[2]),
                Qty = (int)claim.Int64(at[3]),
                Reason = claim.Text(at[4]),
                Status = Enum.Parse<DispatchTaskStatus>(claim.Text(at[5])!, ignoreCase: true),
                WorkerId = claim.Text(at[6]),
                CreatedAt = claim.UtcDateTime(at[7])!.Value,
                AssignedAt = claim.UtcDateTime(at[8]),
                CompletedAt = claim.UtcDateTime(at[9]),
                ApprovedBy = claim.Text(at[10]),
                SuggestionId = claim.IsNull(at[11]) ? null : claim.Int64(at[11]),
            });
            // The claim's change was made by the first step; the reset ends the statement for the next worker.
            claim.Reset();
        }
        return claimed;
    }

    private static readonly string[] TaskColumns =
    [
        nameof(DispatchTask.Id), nameof(DispatchTask.FromStationId), nameof(DispatchTask.ToStationId), nameof(DispatchTask.Qty),
        nameof(DispatchTask.Reason), nameof(DispatchTask.Status), nameof(DispatchTask.WorkerId), nameof(DispatchTask.CreatedAt),
        nameof(DispatchTask.AssignedAt), nameof(DispatchTask.CompletedAt), nameof(DispatchTask.ApprovedBy), nameof(DispatchTask.SuggestionId),
    ];

    private static DispatchTask Read(System.Data.Common.DbDataReader r)
    {
        DateTime? Utc(string column) => r.IsDBNull(r.GetOrdinal(column)) ? null : DateTime.SpecifyKind(r.GetDateTime(r.GetOrdinal(column)), DateTimeKind.Utc);
        string? Text(string column) => r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetString(r.GetOrdinal(column));
        return new DispatchTask
        {
            Id = r.GetInt64(r.GetOrdinal(nameof(DispatchTask.Id))),
            FromStationId = r.GetInt32(r.GetOrdinal(nameof(DispatchTask.FromStationId))),
            ToStationId = r.GetInt32(r.GetOrdinal(nameof(DispatchTask.ToStationId))),
            Qty = r.GetInt32(r.GetOrdinal(nameof(DispatchTask.Qty))),
            Reason = Text(nameof(DispatchTask.Reason)),
            Status = Enum.Parse<DispatchTaskStatus>(r.GetString(r.GetOrdinal(nameof(DispatchTask.Status))), ignoreCase: true),
            WorkerId = Text(nameof(DispatchTask.WorkerId)),
            CreatedAt = Utc(nameof(DispatchTask.CreatedAt))!.Value,
            AssignedAt = Utc(nameof(DispatchTask.AssignedAt)),
            CompletedAt = Utc(nameof(DispatchTask.CompletedAt)),
            ApprovedBy = Text(nameof(DispatchTask.ApprovedBy)),
            SuggestionId = r.IsDBNull(r.GetOrdinal(nameof(DispatchTask.SuggestionId))) ? null : r.GetInt64(r.GetOrdinal(nameof(DispatchTask.SuggestionId))),
        };
    }

    /// <summary>The claim statement for a provider, for benchmarks that measure it without the console around it.</summary>
    public string Sql(DatabaseProvider provider) => Statements[provider];
}
