using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Shared.Settings;

/// <summary>An admin's value for one runtime setting; settings without a row have their section's default.</summary>
public sealed class RuntimeSetting
{
    public const int MaxValueLength = 200;

    public required string Module { get; set; }
    public required string Key { get; set; }
    /// <summary>The value as text in the invariant culture ("5", "0.25", "true"), as <see cref="SettingDefinition.Read"/> wrote it.</summary>
    public required string Value { get; set; }
    public DateTime UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

public static class SettingsData
{
    extension(OpsDbContext db)
    {
        public DbSet<RuntimeSetting> RuntimeSettings => db.Set<RuntimeSetting>();
    }
}

internal sealed class RuntimeSettingConfiguration : IEntityTypeConfiguration<RuntimeSetting>
{
    public void Configure(EntityTypeBuilder<RuntimeSetting> builder)
    {
        builder.ToTable("runtime_settings");
        builder.HasKey(s => new { s.Module, s.Key });
        builder.Property(s => s.Module).HasMaxLength(32);
        builder.Property(s => s.Key).HasMaxLength(64);
        builder.Property(s => s.Value).HasMaxLength(RuntimeSetting.MaxValueLength);
        builder.Property(s => s.UpdatedBy).HasMaxLength(256);
    }
}
