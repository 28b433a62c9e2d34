using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Dispatch;

/// <summary>The Dispatch module's tables: its sets on the one context, and one configuration per entity.</summary>
public static class DispatchData
{
    extension(OpsDbContext db)
    {
        public DbSet<Suggestion> Suggestions => db.Set<Suggestion>();
        public DbSet<DispatchTask> DispatchTasks => db.Set<DispatchTask>();
        public DbSet<Station> Stations => db.Set<Station>();
    }
}

internal sealed class SuggestionConfiguration : IEntityTypeConfiguration<Suggestion>
{
    public void Configure(EntityTypeBuilder<Suggestion> builder)
    {
        builder.ToTable("dispatch_suggestions");
        builder.Property(s => s.Reason).HasMaxLength(Suggestion.MaxReasonLength);
        builder.Property(s => s.RejectReason).HasMaxLength(Suggestion.MaxReasonLength);
        builder.Property(s => s.DecidedBy).HasMaxLength(256);
        // The status is the concurrency token: a decision saves only if the suggestion is still as it was read, so
        // two supervisors deciding the same suggestion at once make one task, and the other gets a conflict.
        builder.Property(s => s.Status).HasConversion(v => v.ToString().ToLowerInvariant(), v => Enum.Parse<SuggestionStatus>(v, true))
            .HasMaxLength(16).IsConcurrencyToken();
        builder.HasIndex(s => new { s.Status, s.CreatedAt });
    }
}

internal sealed class DispatchTaskConfiguration : IEntityTypeConfiguration<DispatchTask>
{
    public void Configure(EntityTypeBuilder<DispatchTask> builder)
    {
        builder.ToTable(DispatchClaimer.Table);
        builder.Property(t => t.Reason).HasMaxLength(Suggestion.MaxReasonLength);
        builder.Property(t => t.WorkerId).HasMaxLength(DispatchService.MaxWorkerIdLength);
        builder.Property(t => t.ApprovedBy).HasMaxLength(256);
        builder.Property(t => t.Status).HasConversion(v => v.ToString().ToLowerInvariant(), v => Enum.Parse<DispatchTaskStatus>(v, true))
            .HasMaxLength(16).IsConcurrencyToken();
        // The claim reads the oldest ready task: this index is what makes it cheap.
        builder.HasIndex(t => new { t.Status, t.CreatedAt, t.Id });
        builder.HasIndex(t => new { t.WorkerId, t.Status });
        // One task per approved suggestion, whatever races: the database refuses a second.
        builder.HasIndex(t => t.SuggestionId).IsUnique();
    }
}

internal sealed class StationConfiguration : IEntityTypeConfiguration<Station>
{
    public void Configure(EntityTypeBuilder<Station> builder)
    {
        builder.ToTable("dispatch_stations");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Name).HasMaxLength(200);
    }
}
