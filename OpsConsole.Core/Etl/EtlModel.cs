using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpsConsole.Core.Etl;

/// <summary>A shop with one or more point-of-sale terminals whose daily files the ETL fetches.</summary>
public sealed class Branch
{
    public const int MaxIdLength = 32;

    public required string Id { get; set; }
    public required string Name { get; set; }
    public int PosCount { get; set; } = 1;
    public bool IsActive { get; set; } = true;
    public DateOnly ActiveFrom { get; set; }
    /// <summary>The branch's <see cref="ParserConfig"/> as JSON.</summary>
    public string ParserConfigJson { get; set; } = ParserConfig.Default.ToJson();
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public ParserConfig Parser => ParserConfig.FromJson(ParserConfigJson);
}

public enum EtlJobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>One (branch, POS, work date): the unit of fetching. Reruns reuse the row; its events keep the history.</summary>
public sealed class EtlJob
{
    public Guid Id { get; set; }
    public required string BranchId { get; set; }
    public int Pos { get; set; }
    public DateOnly WorkDate { get; set; }
    public EtlJobStatus Status { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; } = 3;
    public bool Force { get; set; }
    public bool CancelRequested { get; set; }
    /// <summary>Every file the remote host listed, with its row count once downloaded (JSON).</summary>
    public string? FileListJson { get; set; }
    /// <summary>The file kept per file type and why (JSON).</summary>
    public string? ChosenFilesJson { get; set; }
    public string? Error { get; set; }
    public string? ProcessorVersion { get; set; }
    public int? RecordCount { get; set; }
    public int? BadRowCount { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>When it last entered the queue: runners take the oldest first.</summary>
    public DateTime QueuedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }
}

/// <summary>A step in a job's life, shown as its timeline and logs.</summary>
public sealed class EtlJobEvent
{
    public long Id { get; set; }
    public Guid JobId { get; set; }
    public DateTime At { get; set; }
    public required string Kind { get; set; }
    public required string Message { get; set; }
    public int Attempt { get; set; }
}

/// <summary>A raw file downloaded for a job, kept in the content-addressed file store under its SHA-256.</summary>
public sealed class EtlFile
{
    public Guid Id { get; set; }
    public Guid JobId { get; set; }
    public required string BranchId { get; set; }
    public int Pos { get; set; }
    public DateOnly WorkDate { get; set; }
    public required string FileName { get; set; }
    public required string FileType { get; set; }
    public required string Sha256 { get; set; }
    public long SizeBytes { get; set; }
    public int RowCount { get; set; }
    public bool Chosen { get; set; }
    public string? ChosenReason { get; set; }
    public DateTime DownloadedAt { get; set; }
    public int Attempt { get; set; }
}

/// <summary>One sales line as the POS recorded it (the seed's fields).</summary>
public sealed class EtlRecord
{
    public long Id { get; set; }
    public Guid JobId { get; set; }
    public required string BranchId { get; set; }
    public int Pos { get; set; }
    public DateOnly WorkDate { get; set; }
    public DateTime SoldAt { get; set; }
    public required string Tnsc { get; set; }
    public required string ItemCode { get; set; }
    public string? Department { get; set; }
    public decimal Quantity { get; set; }
    public decimal Amount { get; set; }
    public string? PaymentMethod { get; set; }
    public required string FileType { get; set; }
    public int SourceLine { get; set; }
}

public static class EtlStatusNames
{
    public static string Name(this EtlJobStatus status) => status.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out EtlJobStatus status) =>
        Enum.TryParse(text, ignoreCase: true, out status) && !int.TryParse(text, out _);
}

internal sealed class BranchConfiguration : IEntityTypeConfiguration<Branch>
{
    public void Configure(EntityTypeBuilder<Branch> builder)
    {
        builder.ToTable("etl_branches");
        builder.Property(b => b.Id).HasMaxLength(Branch.MaxIdLength);
        builder.Property(b => b.Name).HasMaxLength(200);
        builder.Property(b => b.ParserConfigJson).HasMaxLength(8000);
        builder.Ignore(b => b.Parser);
    }
}

internal sealed class EtlJobConfiguration : IEntityTypeConfiguration<EtlJob>
{
    public void Configure(EntityTypeBuilder<EtlJob> builder)
    {
        builder.ToTable(EtlJobClaimer.Table);
        builder.Property(j => j.BranchId).HasMaxLength(Branch.MaxIdLength);
        builder.Property(j => j.Status).HasConversion(v => v.Name(), v => Enum.Parse<EtlJobStatus>(v, true)).HasMaxLength(16).IsConcurrencyToken();
        builder.Property(j => j.Error).HasMaxLength(4000);
        builder.Property(j => j.ProcessorVersion).HasMaxLength(64);
        builder.Property(j => j.CreatedBy).HasMaxLength(256);
        builder.Property(j => j.LeaseOwner).HasMaxLength(128);
        builder.HasIndex(j => new { j.BranchId, j.Pos, j.WorkDate }).IsUnique();
        // The claim reads the oldest queued job; the missing-data scan reads a date range.
        builder.HasIndex(j => new { j.Status, j.QueuedAt, j.Id });
        // Covering for the missing-data grid: a year of cells is read from the index alone.
        builder.HasIndex(j => new { j.WorkDate, j.BranchId, j.Pos, j.Status, j.RecordCount, j.Id });
        // Covering for the states-only grid of a long range on SQLite, read in (branch, POS) order and grouped in the
        // engine (EtlMissingData.StatesSqlite): no sort of a year of jobs.
        builder.HasIndex(j => new { j.BranchId, j.Pos, j.WorkDate, j.Status }).HasDatabaseName(EtlMissingData.StatesIndex);
        builder.HasOne<Branch>().WithMany().HasForeignKey(j => j.BranchId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class EtlJobEventConfiguration : IEntityTypeConfiguration<EtlJobEvent>
{
    public void Configure(EntityTypeBuilder<EtlJobEvent> builder)
    {
        builder.ToTable("etl_job_events");
        builder.Property(e => e.Kind).HasMaxLength(32);
        builder.Property(e => e.Message).HasMaxLength(4000);
        builder.HasIndex(e => new { e.JobId, e.At });
        builder.HasOne<EtlJob>().WithMany().HasForeignKey(e => e.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EtlFileConfiguration : IEntityTypeConfiguration<EtlFile>
{
    public void Configure(EntityTypeBuilder<EtlFile> builder)
    {
        builder.ToTable("etl_files");
        builder.Property(f => f.BranchId).HasMaxLength(Branch.MaxIdLength);
        builder.Property(f => f.FileName).HasMaxLength(260);
        builder.Property(f => f.FileType).HasMaxLength(32);
        builder.Property(f => f.Sha256).HasMaxLength(64);
        builder.Property(f => f.ChosenReason).HasMaxLength(500);
        builder.HasIndex(f => f.JobId);
        builder.HasIndex(f => new { f.BranchId, f.WorkDate });
        builder.HasOne<EtlJob>().WithMany().HasForeignKey(f => f.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EtlRecordConfiguration : IEntityTypeConfiguration<EtlRecord>
{
    public const string Table = "etl_records";

    public void Configure(EntityTypeBuilder<EtlRecord> builder)
    {
        builder.ToTable(Table);
        builder.Property(r => r.BranchId).HasMaxLength(Branch.MaxIdLength);
        builder.Property(r => r.Tnsc).HasMaxLength(64);
        builder.Property(r => r.ItemCode).HasMaxLength(64);
        builder.Property(r => r.Department).HasMaxLength(64);
        builder.Property(r => r.PaymentMethod).HasMaxLength(32);
        builder.Property(r => r.FileType).HasMaxLength(32);
        builder.Property(r => r.Quantity).HasPrecision(18, 3);
        builder.Property(r => r.Amount).HasPrecision(18, 2);
        builder.HasIndex(r => r.JobId);
        builder.HasIndex(r => new { r.WorkDate, r.BranchId, r.Pos });
        builder.HasIndex(r => new { r.ItemCode, r.WorkDate });
    }
}
