using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Shared.Auditing;

/// <summary>
/// Adds audit entries to the same context as the change they describe, so that both are written by one
/// SaveChanges, in one transaction.
/// </summary>
public static class AuditTrail
{
    private static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web);

    public static AuditEntry Audit(this OpsDbContext db, Actor actor, DateTimeOffset at, string module, string action,
        string entityType, string? entityId, object? before = null, object? after = null)
    {
        var entry = Entry(actor, at, module, action, entityType, entityId, before, after);
        db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>
    /// Writes many entries on the context's open transaction with multi-row INSERTs, for hot paths that batch
    /// (dispatch claims) where EF's change tracking costs more than the rows. The caller publishes them with
    /// <see cref="AuditPublisher.PublishWritten"/> after its commit.
    /// </summary>
    public static async Task AppendBatchAsync(this OpsDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct = default)
    {
        string[] columns = [nameof(AuditEntry.OccurredAt), nameof(AuditEntry.Actor), nameof(AuditEntry.Module), nameof(AuditEntry.Action),
            nameof(AuditEntry.EntityType), nameof(AuditEntry.EntityId), nameof(AuditEntry.Before), nameof(AuditEntry.After)];
        var sqlServer = db.Provider == DatabaseProvider.SqlServer;
        string Quote(string name) => RawSql.Quote(db.Provider, name);
        var into = $"INSERT INTO {Quote("audit_entries")} ({string.Join(", ", columns.Select(Quote))})";
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            // One prepared single-row insert, stepped per entry: SQLite writes rows one at a time anyway, and a
            // many-row INSERT's hundreds of named parameters cost it a search per name.
            using var insert = SqliteStatement.Reuse((SqliteConnection)db.Database.GetDbConnection(),
                $"{into} VALUES ({string.Join(", ", columns.Select((_, i) => $"?{i + 1}"))}) RETURNING {Quote("Id")}");
            foreach (var e in entries)
            {
                insert.Bind(1, e.OccurredAt);
                insert.Bind(2, e.Actor);
                insert.Bind(3, e.Module);
                insert.Bind(4, e.Action);
                insert.Bind(5, e.EntityType);
                insert.Bind(6, e.EntityId);
                insert.Bind(7, e.Before);
                insert.Bind(8, e.After);
                if (!insert.Step())
                {
                    throw new InvalidOperationException("SQLite returned no id for an audit entry.");
                }
                e.Id = insert.Int64(0);
                insert.Reset();
            }
            return;
        }
        var returning = $"{Quote("Id")}, {Quote(nameof(AuditEntry.EntityId))}";
        foreach (var chunk in entries.Chunk(100))
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var rows = chunk.Select((e, r) =>
            {
                object?[] values = [DateTime.SpecifyKind(e.OccurredAt, DateTimeKind.Utc), e.Actor, e.Module, e.Action, e.EntityType, e.EntityId, e.Before, e.After];
                return "(" + string.Join(", ", values.Select((v, c) => command.AddParameter($"@a{r}_{c}", v).ParameterName)) + ")";
            });
            command.CommandText = sqlServer
                ? $"{into} OUTPUT inserted.[Id], inserted.[EntityId] VALUES {string.Join(", ", rows)}"
                : $"{into} VALUES {string.Join(", ", rows)} RETURNING {returning}";
            // Rows come back in VALUES order on every provider we use; the entity id checks it, and a mismatch falls
            // back to matching by entity id, so an entry never carries another's id in its event.
            var written = new List<(long Id, string? EntityId)>(chunk.Length);
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    written.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
                }
            }
            var inOrder = written.Count == chunk.Length && written.Select(w => w.EntityId).SequenceEqual(chunk.Select(e => e.EntityId));
            var byEntity = inOrder ? null : written.GroupBy(w => w.EntityId ?? "").ToDictionary(g => g.Key, g => new Queue<long>(g.Select(w => w.Id).Order()));
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i].Id = inOrder ? written[i].Id : byEntity![chunk[i].EntityId ?? ""].Dequeue();
            }
        }
    }

    public static AuditEntry Entry(Actor actor, DateTimeOffset at, string module, string action, string entityType, string? entityId,
        object? before = null, object? after = null) => new()
    {
        OccurredAt = at.UtcDateTime,
        Actor = actor.Name,
        Module = module,
        Action = action,
        EntityType = entityType,
        EntityId = entityId,
        Before = Summarise(before),
        After = Summarise(after),
    };

    public static string? Summarise(object? value)
    {
        if (value is null)
        {
            return null;
        }
        var text = value as string ?? JsonSerializer.Serialize(value, SummaryJson);
        return text.Length <= AuditEntry.MaxSummaryLength ? text : text[..(AuditEntry.MaxSummaryLength - 1)] + "…";
    }
}
