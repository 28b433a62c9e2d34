using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpsConsole.Core.Shared.Auditing;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_entries");
        builder.Property(e => e.Actor).HasMaxLength(256);
        builder.Property(e => e.Module).HasMaxLength(32);
        builder.Property(e => e.Action).HasMaxLength(64);
        builder.Property(e => e.EntityType).HasMaxLength(64);
        builder.Property(e => e.EntityId).HasMaxLength(128);
        builder.Property(e => e.Before).HasMaxLength(AuditEntry.MaxSummaryLength);
        builder.Property(e => e.After).HasMaxLength(AuditEntry.MaxSummaryLength);
        builder.HasIndex(e => e.OccurredAt);
        builder.HasIndex(e => new { e.Actor, e.OccurredAt });
        builder.HasIndex(e => new { e.Module, e.OccurredAt });
    }
}
