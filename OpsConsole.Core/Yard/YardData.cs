using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Yard;

/// <summary>The Yard module's tables: its sets on the one context, and one configuration per entity.</summary>
public static class YardData
{
    extension(OpsDbContext db)
    {
        public DbSet<YardRuleSetting> YardRules => db.Set<YardRuleSetting>();
        public DbSet<YardSnapshot> YardSnapshots => db.Set<YardSnapshot>();
        public DbSet<YardPollRow> YardPoll => db.Set<YardPollRow>();
    }
}

internal sealed class YardRuleSettingConfiguration : IEntityTypeConfiguration<YardRuleSetting>
{
    public void Configure(EntityTypeBuilder<YardRuleSetting> builder)
    {
        builder.ToTable("yard_rules");
        builder.HasKey(r => r.Name);
        builder.Property(r => r.Name).HasMaxLength(64);
        builder.Property(r => r.UpdatedBy).HasMaxLength(256);
    }
}

internal sealed class YardSnapshotConfiguration : IEntityTypeConfiguration<YardSnapshot>
{
    public void Configure(EntityTypeBuilder<YardSnapshot> builder)
    {
        builder.ToTable("yard_snapshots");
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => s.Version);
    }
}

internal sealed class YardPollRowConfiguration : IEntityTypeConfiguration<YardPollRow>
{
    public void Configure(EntityTypeBuilder<YardPollRow> builder)
    {
        builder.ToTable("yard_poll");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Instance).HasMaxLength(200);
    }
}
