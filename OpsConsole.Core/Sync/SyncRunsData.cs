using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpsConsole.Core.Sync;

/// <summary>
/// An item that failed in a connection's runs: how many runs in a row, the last error, when it may be tried again,
/// and whether it gave up and waits for someone (the needs-attention list). Removed when the item goes through.
/// </summary>
public sealed class SyncItemAttempt
{
    public long Id { get; set; }
    public long ConnectionId { get; set; }
    public string SourceId { get; set; } = "";
    public string? DestinationId { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public long LastRunId { get; set; }
    public DateTime FirstFailedAt { get; set; }
    public DateTime LastFailedAt { get; set; }
    /// <summary>Not tried before this (the console's clock); null: the next run.</summary>
    public DateTime? NextAttemptAt { get; set; }
    /// <summary>The source item's `updated_at` (its own clock) when it last failed: a later change at the source tries it again.</summary>
    public DateTime? SourceUpdatedAt { get; set; }
    public bool NeedsAttention { get; set; }
}

internal sealed class SyncItemAttemptConfiguration : IEntityTypeConfiguration<SyncItemAttempt>
{
    public void Configure(EntityTypeBuilder<SyncItemAttempt> builder)
    {
        builder.ToTable("sync_item_attempts");
        builder.Property(a => a.SourceId).HasMaxLength(200);
        builder.Property(a => a.DestinationId).HasMaxLength(200);
        builder.Property(a => a.LastError).HasMaxLength(SyncRun.MaxErrorLength);
        builder.HasIndex(a => new { a.ConnectionId, a.SourceId }).IsUnique();
        builder.HasIndex(a => new { a.NeedsAttention, a.ConnectionId });
        builder.HasOne<SyncConnection>().WithMany().HasForeignKey(a => a.ConnectionId).OnDelete(DeleteBehavior.Cascade);
    }
}
