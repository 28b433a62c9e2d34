using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Etl;

/// <summary>The ETL module's tables: its sets on the one context, and one configuration per entity.</summary>
public static class EtlData
{
    extension(OpsDbContext db)
    {
        public DbSet<Branch> Branches => db.Set<Branch>();
        public DbSet<EtlJob> EtlJobs => db.Set<EtlJob>();
        public DbSet<EtlJobEvent> EtlJobEvents => db.Set<EtlJobEvent>();
        public DbSet<EtlFile> EtlFiles => db.Set<EtlFile>();
        public DbSet<EtlRecord> EtlRecords => db.Set<EtlRecord>();
    }
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
        // Covering for the missing-data grid: a year of cells is read from the index alone (a failed job's AwaitingData
        // tells a waiting cell from a failed one).
        builder.HasIndex(j => new { j.WorkDate, j.BranchId, j.Pos, j.Status, j.AwaitingData, j.RecordCount, j.Id })
            .HasDatabaseName("IX_etl_jobs_cell_grid");
        // Covering for the states-only grid of a long range on SQLite, read in (branch, POS) order and grouped in the
        // engine (EtlMissingData.StatesSqlite): no sort of a year of jobs.
        builder.HasIndex(j => new { j.BranchId, j.Pos, j.WorkDate, j.Status, j.AwaitingData }).HasDatabaseName(EtlMissingData.StatesIndex);
        builder.Ignore(j => j.IsAwaitingData);
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
        // The files page's newest first, without a sort of every file.
        builder.HasIndex(f => new { f.WorkDate, f.DownloadedAt });
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
