using System.Data;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

/// <summary>
/// Writes telemetry's machine events (heartbeats and counters: the bulk of what MQTT brings, nine rows in ten) inside
/// the caller's transaction through each provider's bulk path, as ETL writes its records (TOOLCHAIN.md): a prepared
/// SQLite insert, Npgsql binary COPY, SqlBulkCopy. Through EF's SaveChanges these rows were three quarters of the
/// ingest's time (`bench/run.sh maintenance-mqtt`, docs/benchmarks.md). The unique key on (machine, seq) still holds:
/// a duplicate fails the statement and the caller's transaction, as EF's insert would.
/// </summary>
public static class MachineEventWriter
{
    private static readonly string[] Columns =
    [
        nameof(MachineEvent.MachineId), nameof(MachineEvent.Kind), nameof(MachineEvent.OccurredAt), nameof(MachineEvent.RecordedAt),
        nameof(MachineEvent.Source), nameof(MachineEvent.Seq), nameof(MachineEvent.State), nameof(MachineEvent.Message),
        nameof(MachineEvent.Payload), nameof(MachineEvent.TicketId),
    ];

    private const string Table = "maintenance_machine_events";

    private static string Target(DatabaseProvider provider) =>
        $"{RawSql.Quote(provider, Table)} ({string.Join(", ", Columns.Select(c => RawSql.Quote(provider, c)))})";

    public static async Task InsertAsync(OpsDbContext db, IReadOnlyList<MachineEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return;
        }
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Machine events are written inside a transaction.");
        }
        switch (db.Provider)
        {
            case DatabaseProvider.Sqlite:
                SqliteInsert(db, events);
                break;
            case DatabaseProvider.PostgreSql:
                await PostgresAsync(db, events, ct);
                break;
            default:
                await SqlServerAsync(db, events, ct);
                break;
        }
    }

    private static void SqliteInsert(OpsDbContext db, IReadOnlyList<MachineEvent> events)
    {
        var sql = $"INSERT INTO {Target(DatabaseProvider.Sqlite)} VALUES ({string.Join(", ", Columns.Select((_, i) => $"?{i + 1}"))})";
        using var insert = new SqliteStatement((SqliteConnection)db.Database.GetDbConnection(), sql);
        foreach (var e in events)
        {
            insert.Bind(1, e.MachineId);
            insert.Bind(2, e.Kind.Wire());
            insert.Bind(3, e.OccurredAt);
            insert.Bind(4, e.RecordedAt);
            insert.Bind(5, e.Source.Wire());
            insert.Bind(6, e.Seq);
            insert.Bind(7, e.State?.Wire());
            insert.Bind(8, e.Message);
            insert.Bind(9, e.Payload);
            insert.Bind(10, e.TicketId);
            insert.Step();
            insert.Reset();
        }
    }

    private static async Task PostgresAsync(OpsDbContext db, IReadOnlyList<MachineEvent> events, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {Target(DatabaseProvider.PostgreSql)} FROM STDIN (FORMAT BINARY)", ct);
        foreach (var e in events)
        {
            importer.StartRow();
            importer.Write(e.MachineId, NpgsqlDbType.Integer);
            importer.Write(e.Kind.Wire(), NpgsqlDbType.Varchar);
            importer.Write(DateTime.SpecifyKind(e.OccurredAt, DateTimeKind.Utc), NpgsqlDbType.TimestampTz);
            importer.Write(DateTime.SpecifyKind(e.RecordedAt, DateTimeKind.Utc), NpgsqlDbType.TimestampTz);
            importer.Write(e.Source.Wire(), NpgsqlDbType.Varchar);
            Write(importer, e.Seq, NpgsqlDbType.Bigint);
            Write(importer, e.State?.Wire(), NpgsqlDbType.Varchar);
            importer.Write(e.Message, NpgsqlDbType.Varchar);
            Write(importer, e.Payload, NpgsqlDbType.Varchar);
            Write(importer, e.TicketId, NpgsqlDbType.Bigint);
        }
        await importer.CompleteAsync(ct);
    }

    private static void Write<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, type);
        }
    }

    private static async Task SqlServerAsync(OpsDbContext db, IReadOnlyList<MachineEvent> events, CancellationToken ct)
    {
        var connection = (SqlConnection)db.Database.GetDbConnection();
        var transaction = (SqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
        using var bulk = new SqlBulkCopy(connection, SqlBulkCopyOptions.CheckConstraints, transaction) { DestinationTableName = Table, BulkCopyTimeout = 300 };
        foreach (var column in Columns)
        {
            bulk.ColumnMappings.Add(column, column);
        }
        using var table = new DataTable();
        table.Columns.Add(nameof(MachineEvent.MachineId), typeof(int));
        table.Columns.Add(nameof(MachineEvent.Kind), typeof(string));
        table.Columns.Add(nameof(MachineEvent.OccurredAt), typeof(DateTime));
        table.Columns.Add(nameof(MachineEvent.RecordedAt), typeof(DateTime));
        table.Columns.Add(nameof(MachineEvent.Source), typeof(string));
        table.Columns.Add(nameof(MachineEvent.Seq), typeof(long));
        table.Columns.Add(nameof(MachineEvent.State), typeof(string));
        table.Columns.Add(nameof(MachineEvent.Message), typeof(string));
        table.Columns.Add(nameof(MachineEvent.Payload), typeof(string));
        table.Columns.Add(nameof(MachineEvent.TicketId), typeof(long));
        foreach (var e in events)
        {
            table.Rows.Add(e.MachineId, e.Kind.Wire(), e.OccurredAt, e.RecordedAt, e.Source.Wire(), (object?)e.Seq ?? DBNull.Value,
                (object?)e.State?.Wire() ?? DBNull.Value, e.Message, (object?)e.Payload ?? DBNull.Value, (object?)e.TicketId ?? DBNull.Value);
        }
        await bulk.WriteToServerAsync(table, ct);
    }
}
