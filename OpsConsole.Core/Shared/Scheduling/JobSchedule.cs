using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpsConsole.Core.Shared.Scheduling;

/// <summary>An admin's override of a job's schedule; jobs without a row run on the schedule their module registered.</summary>
public sealed class JobSchedule
{
    public required string JobKey { get; set; }
    public required string Cron { get; set; }
    public bool IsPaused { get; set; }
    public DateTime UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

internal sealed class JobScheduleConfiguration : IEntityTypeConfiguration<JobSchedule>
{
    public void Configure(EntityTypeBuilder<JobSchedule> builder)
    {
        builder.ToTable("job_schedules");
        builder.HasKey(s => s.JobKey);
        builder.Property(s => s.JobKey).HasMaxLength(200);
        builder.Property(s => s.Cron).HasMaxLength(120);
        builder.Property(s => s.UpdatedBy).HasMaxLength(256);
    }
}
