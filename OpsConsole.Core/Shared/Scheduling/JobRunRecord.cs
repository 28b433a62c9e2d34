using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpsConsole.Core.Shared.Scheduling;

/// <summary>How a scheduled job's run ended (null while it runs).</summary>
public enum JobRunOutcome
{
    Succeeded,
    Failed,
}

/// <summary>
/// One run of a scheduled job (`job_runs`, ADR 0040), on whichever instance ran it: written when it starts, completed when
/// it ends, deleted again when it found nothing due (such a tick is not a run). A row without <see cref="FinishedAt"/>
/// is running only while its scheduler instance still checks in; one left by a dead instance is shown as abandoned.
/// </summary>
public sealed class JobRunRecord
{
    public const int KeepPerJob = 50;

    public long Id { get; set; }
    public required string JobKey { get; set; }
    /// <summary>`Cluster:InstanceId` of the console that ran it, for people.</summary>
    public required string Instance { get; set; }
    /// <summary>Quartz's scheduler instance id (unique per start), to tell whether the run's instance is still alive.</summary>
    public required string SchedulerInstance { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public long? DurationMs { get; set; }
    public JobRunOutcome? Outcome { get; set; }
    public string? Error { get; set; }
}

internal sealed class JobRunRecordConfiguration : IEntityTypeConfiguration<JobRunRecord>
{
    public void Configure(EntityTypeBuilder<JobRunRecord> builder)
    {
        builder.ToTable("job_runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.JobKey).HasMaxLength(200);
        builder.Property(r => r.Instance).HasMaxLength(200);
        builder.Property(r => r.SchedulerInstance).HasMaxLength(200);
        builder.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Error).HasMaxLength(2000);
        builder.HasIndex(r => new { r.JobKey, r.Id });
        builder.HasIndex(r => r.FinishedAt);
    }
}
