using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using OpsConsole.Core.Shared.Claims;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Dispatch;

/// <summary>Gives the oldest ready task to one worker, atomically, on every provider.</summary>
public sealed class DispatchClaimer(IDbContextFactory<OpsDbContext> contexts, TimeProvider time)
{
    public const string Table = "dispatch_tasks";

    private static readonly ClaimSpec Spec = new(Table, nameof(DispatchTask.Status), "ready", "assigned",
        [nameof(DispatchTask.CreatedAt), nameof(DispatchTask.Id)], [nameof(DispatchTask.WorkerId), nameof(DispatchTask.AssignedAt)]);

    private readonly Dictionary<DatabaseProvider, string> _sql = Enum.GetValues<DatabaseProvider>().ToDictionary(p => p, p => ClaimStatement.For(p, Spec));

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
        var claimed = new List<DispatchTask>(workerIds.Count);
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = string.Format(_sql[db.Provider], "@p0", "@p1");
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
    public string Sql(DatabaseProvider provider) => _sql[provider];
}
