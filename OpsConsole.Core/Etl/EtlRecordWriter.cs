using System.Data;
using Microsoft.Data.SqlClient;
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
            DatabaseProvider.Sqlite => await SqliteAsync(db, records, ct),
            DatabaseProvider.PostgreSql => await PostgresAsync(db, records, ct),
            _ => await SqlServerAsync(db, records, ct),
        };
    }

    private static async Task<int> SqliteAsync(OpsDbContext db, IEnumerable<EtlRecord> records, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = $"INSERT INTO \"{EtlRecordConfiguration.Table}\" ({string.Join(", ", Columns.Select(c => $"\"{c}\""))}) " +
                              $"VALUES ({string.Join(", ", Columns.Select((_, i) => $"@p{i}"))})";
        var parameters = Columns.Select((_, i) =>
        {
            var p = command.CreateParameter();
            p.ParameterName = $"@p{i}";
            command.Parameters.Add(p);
            return p;
        }).ToArray();
        command.Prepare();
        var count = 0;
        foreach (var r in records)
        {
            // The same text forms EF uses on SQLite, so EF reads these rows back unchanged.
            parameters[0].Value = r.JobId.ToString().ToUpperInvariant();
            parameters[1].Value = r.BranchId;
            parameters[2].Value = r.Pos;
            parameters[3].Value = r.WorkDate.ToString("yyyy-MM-dd");
            parameters[4].Value = r.SoldAt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF");
            parameters[5].Value = r.Tnsc;
            parameters[6].Value = r.ItemCode;
            parameters[7].Value = (object?)r.Department ?? DBNull.Value;
            parameters[8].Value = r.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameters[9].Value = r.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameters[10].Value = (object?)r.PaymentMethod ?? DBNull.Value;
            parameters[11].Value = r.FileType;
            parameters[12].Value = r.SourceLine;
            await command.ExecuteNonQueryAsync(ct);
            count++;
        }
        return count;
    }

    private static async Task<int> PostgresAsync(OpsDbContext db, IEnumerable<EtlRecord> records, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var copy = $"COPY \"{EtlRecordConfiguration.Table}\" ({string.Join(", ", Columns.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await connection.BeginBinaryImportAsync(copy, ct);
        var count = 0;
        foreach (var r in records)
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(r.JobId, NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(r.BranchId, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(r.Pos, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(r.WorkDate, NpgsqlDbType.Date, ct);
            await importer.WriteAsync(DateTime.SpecifyKind(r.SoldAt, DateTimeKind.Utc), NpgsqlDbType.TimestampTz, ct);
            await importer.WriteAsync(r.Tnsc, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(r.ItemCode, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(importer, r.Department, ct);
            await importer.WriteAsync(r.Quantity, NpgsqlDbType.Numeric, ct);
            await importer.WriteAsync(r.Amount, NpgsqlDbType.Numeric, ct);
            await WriteNullableAsync(importer, r.PaymentMethod, ct);
            await importer.WriteAsync(r.FileType, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(r.SourceLine, NpgsqlDbType.Integer, ct);
            count++;
        }
        await importer.CompleteAsync(ct);
        return count;
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, NpgsqlDbType.Text, ct);

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
