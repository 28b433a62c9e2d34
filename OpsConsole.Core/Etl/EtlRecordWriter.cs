using System.Globalization;
using System.Data;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Etl;

/// <summary>
/// Replaces a job's records inside the caller's transaction through each provider's bulk path (TOOLCHAIN.md):
/// a prepared SQLite insert, Npgsql binary COPY, SqlBulkCopy. EF SaveChanges would be ten times slower and
/// use hundreds of megabytes for a big day.
/// </summary>
public static class EtlRecordWriter
{
    private static readonly string[] Columns =
    [
        nameof(EtlRecord.JobId), nameof(EtlRecord.BranchId), nameof(EtlRecord.Pos), nameof(EtlRecord.WorkDate), nameof(EtlRecord.SoldAt),
        nameof(EtlRecord.Tnsc), nameof(EtlRecord.ItemCode), nameof(EtlRecord.Department), nameof(EtlRecord.Quantity), nameof(EtlRecord.Amount),
        nameof(EtlRecord.PaymentMethod), nameof(EtlRecord.FileType), nameof(EtlRecord.SourceLine),
    ];

    /// <summary>The records table and its written columns, quoted for the provider: `"etl_records" ("JobId", …)`.</summary>
    private static string Target(DatabaseProvider provider) =>
        $"{RawSql.Quote(provider, EtlRecordConfiguration.Table)} ({string.Join(", ", Columns.Select(c => RawSql.Quote(provider, c)))})";

    /// <summary>Deletes the job's records and writes these; returns how many were written.</summary>
    public static async Task<int> ReplaceAsync(OpsDbContext db, Guid jobId, IEnumerable<EtlRecord> records, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Records are replaced inside a transaction.");
        }
        await db.EtlRecords.Where(r => r.JobId == jobId).ExecuteDeleteAsync(ct);
        return db.Provider switch
        {
            DatabaseProvider.Sqlite => SqliteInsert(db, jobId, records),
            DatabaseProvider.PostgreSql => await PostgresAsync(db, records, ct),
            _ => await SqlServerAsync(db, records, ct),
        };
    }

    /// <summary>
    /// Decimals as Microsoft.Data.Sqlite binds them (and so as EF writes them): "2.5" for a parsed "2.50", as the other
    /// providers' numerics read back, so the export gives one text on every provider.
    /// </summary>
    private const string SqliteDecimal = "0.0###########################";

    private static int SqliteInsert(OpsDbContext db, Guid jobId, IEnumerable<EtlRecord> records)
    {
        // One statement on the connection's own handle (the transaction is the connection's), values bound by position.
        var sql = $"INSERT INTO {Target(DatabaseProvider.Sqlite)} VALUES ({string.Join(", ", Columns.Select((_, i) => $"?{i + 1}"))})";
        using var insert = new SqliteStatement((SqliteConnection)db.Database.GetDbConnection(), sql);
        // What is the same for the whole job (its id, branch, POS, mostly the day) is converted once, not per row.
        var job = jobId.ToString().ToUpperInvariant();
        var day = (Date: DateOnly.MinValue, Text: "");
        var count = 0;
        foreach (var r in records)
        {
            if (r.JobId != jobId)
            {
                throw new ArgumentException($"A record of job {r.JobId} was given to job {jobId}.", nameof(records));
            }
            if (day.Date != r.WorkDate || day.Text.Length == 0)
            {
                day = (r.WorkDate, r.WorkDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
            insert.Bind(1, job);
            insert.Bind(2, r.BranchId);
            insert.Bind(3, r.Pos);
            insert.Bind(4, day.Text);
            insert.Bind(5, r.SoldAt);
            insert.Bind(6, r.Tnsc);
            insert.Bind(7, r.ItemCode);
            insert.Bind(8, r.Department);
            insert.Bind(9, r.Quantity.ToString(SqliteDecimal, CultureInfo.InvariantCulture));
            insert.Bind(10, r.Amount.ToString(SqliteDecimal, CultureInfo.InvariantCulture));
            insert.Bind(11, r.PaymentMethod);
            insert.Bind(12, r.FileType);
            insert.Bind(13, r.SourceLine);
            insert.Step();
            insert.Reset();
            count++;
        }
        return count;
    }

    private static async Task<int> PostgresAsync(OpsDbContext db, IEnumerable<EtlRecord> records, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var copy = $"COPY {Target(DatabaseProvider.PostgreSql)} FROM STDIN (FORMAT BINARY)";
        await using var importer = await connection.BeginBinaryImportAsync(copy, ct);
        // Rows are written synchronously: they come from a local file and fill Npgsql's buffer in memory. The async
        // writes cost a state machine per field and a cancellation timer per buffer flush (lock contention on the timer
        // queue alone was 15% of the ingest's CPU).
        var count = 0;
        foreach (var r in records)
        {
            importer.StartRow();
            importer.Write(r.JobId, NpgsqlDbType.Uuid);
            importer.Write(r.BranchId, NpgsqlDbType.Text);
            importer.Write(r.Pos, NpgsqlDbType.Integer);
            importer.Write(r.WorkDate, NpgsqlDbType.Date);
            importer.Write(DateTime.SpecifyKind(r.SoldAt, DateTimeKind.Utc), NpgsqlDbType.TimestampTz);
            importer.Write(r.Tnsc, NpgsqlDbType.Text);
            importer.Write(r.ItemCode, NpgsqlDbType.Text);
            WriteNullable(importer, r.Department);
            importer.Write(r.Quantity, NpgsqlDbType.Numeric);
            importer.Write(r.Amount, NpgsqlDbType.Numeric);
            WriteNullable(importer, r.PaymentMethod);
            importer.Write(r.FileType, NpgsqlDbType.Text);
            importer.Write(r.SourceLine, NpgsqlDbType.Integer);
            count++;
        }
        await importer.CompleteAsync(ct);
        return count;
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, NpgsqlDbType.Text);
        }
    }

    private static async Task<int> SqlServerAsync(OpsDbContext db, IEnumerable<EtlRecord> records, CancellationToken ct)
    {
        var connection = (SqlConnection)db.Database.GetDbConnection();
        var transaction = (SqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
        using var bulk = new SqlBulkCopy(connection, SqlBulkCopyOptions.Default, transaction)
        {
            DestinationTableName = EtlRecordConfiguration.Table,
            BatchSize = 10_000,
            BulkCopyTimeout = 300,
        };
        foreach (var column in Columns)
        {
            bulk.ColumnMappings.Add(column, column);
        }
        var count = 0;
        foreach (var chunk in records.Chunk(10_000))
        {
            using var table = new DataTable();
            table.Columns.Add(nameof(EtlRecord.JobId), typeof(Guid));
            table.Columns.Add(nameof(EtlRecord.BranchId), typeof(string));
            table.Columns.Add(nameof(EtlRecord.Pos), typeof(int));
            table.Columns.Add(nameof(EtlRecord.WorkDate), typeof(DateTime));
            table.Columns.Add(nameof(EtlRecord.SoldAt), typeof(DateTime));
            table.Columns.Add(nameof(EtlRecord.Tnsc), typeof(string));
            table.Columns.Add(nameof(EtlRecord.ItemCode), typeof(string));
            table.Columns.Add(nameof(EtlRecord.Department), typeof(string));
            table.Columns.Add(nameof(EtlRecord.Quantity), typeof(decimal));
            table.Columns.Add(nameof(EtlRecord.Amount), typeof(decimal));
            table.Columns.Add(nameof(EtlRecord.PaymentMethod), typeof(string));
            table.Columns.Add(nameof(EtlRecord.FileType), typeof(string));
            table.Columns.Add(nameof(EtlRecord.SourceLine), typeof(int));
            foreach (var r in chunk)
            {
                table.Rows.Add(r.JobId, r.BranchId, r.Pos, r.WorkDate.ToDateTime(TimeOnly.MinValue), r.SoldAt, r.Tnsc, r.ItemCode,
                    (object?)r.Department ?? DBNull.Value, r.Quantity, r.Amount, (object?)r.PaymentMethod ?? DBNull.Value, r.FileType, r.SourceLine);
            }
            await bulk.WriteToServerAsync(table, ct);
            count += chunk.Length;
        }
        return count;
    }
}
