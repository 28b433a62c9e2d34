using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Core.Sync;

/// <summary>The Sync module's tables: its sets on the one context, and one configuration per entity.</summary>
public static class SyncData
{
    extension(OpsDbContext db)
    {
        public DbSet<SyncConnection> SyncConnections => db.Set<SyncConnection>();
        public DbSet<SyncPair> SyncPairs => db.Set<SyncPair>();
        public DbSet<SyncRun> SyncRuns => db.Set<SyncRun>();
        public DbSet<SyncRunItem> SyncRunItems => db.Set<SyncRunItem>();
        public DbSet<SyncCreateIntent> SyncCreateIntents => db.Set<SyncCreateIntent>();
        public DbSet<SyncPlan> SyncPlans => db.Set<SyncPlan>();
        public DbSet<SyncConflict> SyncConflicts => db.Set<SyncConflict>();
        public DbSet<SyncItemAttempt> SyncItemAttempts => db.Set<SyncItemAttempt>();
    }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// A value kept as JSON text in one column: configurations and diffs that are always read and written whole with
    /// their row (ADR 0034), compared by their text so that EF sees changes made inside them.
    /// </summary>
    internal static PropertyBuilder<T> AsJson<T>(this PropertyBuilder<T> property) => property.HasConversion(
        new ValueConverter<T, string>(v => JsonSerializer.Serialize(v, Json), v => JsonSerializer.Deserialize<T>(v, Json)!),
        new ValueComparer<T>((a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
            v => JsonSerializer.Serialize(v, Json).GetHashCode(StringComparison.Ordinal),
            v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, Json), Json)!));

    internal static PropertyBuilder<TEnum> AsWord<TEnum>(this PropertyBuilder<TEnum> property) where TEnum : struct, Enum =>
        property.HasConversion(new ValueConverter<TEnum, string>(v => v.Wire(), v => Enum.Parse<TEnum>(v.Replace("_", ""), true))).HasMaxLength(24);
}

internal sealed class SyncConnectionConfiguration : IEntityTypeConfiguration<SyncConnection>
{
    public void Configure(EntityTypeBuilder<SyncConnection> builder)
    {
        builder.ToTable("sync_connections");
        builder.Property(c => c.Name).HasMaxLength(SyncConnection.MaxNameLength);
        builder.HasIndex(c => c.Name).IsUnique();
        builder.Property(c => c.Source).AsJson();
        builder.Property(c => c.Destination).AsJson();
        builder.Property(c => c.FieldMap).AsJson();
        builder.Property(c => c.Filter).AsJson();
        builder.Property(c => c.Policy).AsWord();
        builder.Property(c => c.DeletePolicy).AsWord();
        builder.Property(c => c.Health).AsWord();
        builder.Property(c => c.UpdatedBy).HasMaxLength(256);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.Property(c => c.PauseReason).HasMaxLength(SyncRun.MaxErrorLength);
        builder.Property(c => c.WebhookSecret).HasMaxLength(100);
    }
}

internal sealed class SyncPairConfiguration : IEntityTypeConfiguration<SyncPair>
{
    public void Configure(EntityTypeBuilder<SyncPair> builder)
    {
        builder.ToTable("sync_pairs");
        builder.Property(p => p.SourceId).HasMaxLength(200);
        builder.Property(p => p.DestinationId).HasMaxLength(200);
        builder.Property(p => p.SourceVersion).HasMaxLength(100);
        builder.Property(p => p.DestinationVersion).HasMaxLength(100);
        builder.Property(p => p.Bases).AsJson();
        // One pairing per item on each side: a second create or a second link of the same item is refused by the database.
        builder.HasIndex(p => new { p.ConnectionId, p.SourceId }).IsUnique();
        builder.HasIndex(p => new { p.ConnectionId, p.DestinationId }).IsUnique();
        builder.HasOne<SyncConnection>().WithMany().HasForeignKey(p => p.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(p => p.SourceHash).HasMaxLength(64);
        builder.Property(p => p.DestinationHash).HasMaxLength(64);
    }
}

internal sealed class SyncRunConfiguration : IEntityTypeConfiguration<SyncRun>
{
    public void Configure(EntityTypeBuilder<SyncRun> builder)
    {
        builder.ToTable("sync_runs");
        builder.Property(r => r.State).AsWord().IsConcurrencyToken();
        builder.Property(r => r.Trigger).AsWord();
        builder.Property(r => r.RequestedBy).HasMaxLength(256);
        builder.Property(r => r.Error).HasMaxLength(SyncRun.MaxErrorLength);
        builder.HasIndex(r => new { r.ConnectionId, r.Id });
        builder.HasIndex(r => new { r.State, r.ConnectionId });
        builder.HasOne<SyncConnection>().WithMany().HasForeignKey(r => r.ConnectionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SyncRunItemConfiguration : IEntityTypeConfiguration<SyncRunItem>
{
    public void Configure(EntityTypeBuilder<SyncRunItem> builder)
    {
        builder.ToTable("sync_run_items");
        builder.Property(i => i.SourceId).HasMaxLength(200);
        builder.Property(i => i.DestinationId).HasMaxLength(200);
        builder.Property(i => i.Action).AsWord();
        builder.Property(i => i.Fields).AsJson();
        builder.Property(i => i.Error).HasMaxLength(SyncRun.MaxErrorLength);
        builder.HasIndex(i => new { i.RunId, i.Id });
        // The activity stream: one item's lines across runs.
        builder.HasIndex(i => new { i.ConnectionId, i.SourceId, i.Id });
        builder.HasIndex(i => new { i.ConnectionId, i.DestinationId, i.Id });
        builder.HasOne<SyncRun>().WithMany().HasForeignKey(i => i.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SyncCreateIntentConfiguration : IEntityTypeConfiguration<SyncCreateIntent>
{
    public void Configure(EntityTypeBuilder<SyncCreateIntent> builder)
    {
        builder.ToTable("sync_create_intents");
        builder.Property(i => i.SourceId).HasMaxLength(200);
        builder.Property(i => i.Marker).HasMaxLength(300);
        builder.Property(i => i.IdempotencyKey).HasMaxLength(64);
        builder.HasIndex(i => new { i.ConnectionId, i.SourceId }).IsUnique();
        builder.HasOne<SyncConnection>().WithMany().HasForeignKey(i => i.ConnectionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SyncPlanConfiguration : IEntityTypeConfiguration<SyncPlan>
{
    public void Configure(EntityTypeBuilder<SyncPlan> builder)
    {
        builder.ToTable("sync_plans");
        builder.Property(p => p.CreatedBy).HasMaxLength(256);
        builder.Property(p => p.Items).AsJson();
        builder.HasIndex(p => new { p.ConnectionId, p.Id });
        builder.HasOne<SyncConnection>().WithMany().HasForeignKey(p => p.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(p => p.AppliedBy).HasMaxLength(256);
    }
}

/// <summary>The manual-conflict review queue (ADR 0037).</summary>
internal sealed class SyncConflictConfiguration : IEntityTypeConfiguration<SyncConflict>
{
    public void Configure(EntityTypeBuilder<SyncConflict> builder)
    {
        builder.ToTable("sync_conflicts");
        builder.Property(c => c.SourceId).HasMaxLength(200);
        builder.Property(c => c.DestinationId).HasMaxLength(200);
        builder.Property(c => c.FieldKey).HasMaxLength(200);
        foreach (var value in new[] { nameof(SyncConflict.BaseSource), nameof(SyncConflict.BaseDestination), nameof(SyncConflict.SourceValue),
                     nameof(SyncConflict.DestinationValue), nameof(SyncConflict.ChosenSource), nameof(SyncConflict.ChosenDestination) })
        {
            builder.Property(value).HasMaxLength(SyncConflict.MaxValueLength);
        }
        builder.Property(c => c.State).AsWord().IsConcurrencyToken();
        builder.Property(c => c.Choice).HasConversion(new ValueConverter<SyncConflictChoice, string>(v => v.Wire(),
            v => Enum.Parse<SyncConflictChoice>(v, true))).HasMaxLength(24);
        builder.Property(c => c.ResolvedBy).HasMaxLength(256);
        // The queue: a connection's open conflicts; and a pair's open fields, which the engine holds.
        builder.HasIndex(c => new { c.ConnectionId, c.State, c.Id });
        builder.HasIndex(c => new { c.PairId, c.State });
        builder.HasOne<SyncConnection>().WithMany().HasForeignKey(c => c.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<SyncPair>().WithMany().HasForeignKey(c => c.PairId).OnDelete(DeleteBehavior.NoAction);
    }
}
