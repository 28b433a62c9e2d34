using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpsConsole.Core.Shared.Alerts;

public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>
/// Open (new, nobody has said they are on it), acknowledged (someone is), resolved (the module found the cause gone).
/// Only the module resolves an alert: a person acknowledges, the cause clearing resolves (ADR 0020).
/// </summary>
public enum AlertState
{
    Open,
    Acknowledged,
    Resolved,
}

/// <summary>
/// One occurrence of a cause a module reported: the same (module, key) raised again while it is open or acknowledged
/// grows its count and last-seen; raised after it was resolved, it opens a new occurrence (a new row).
/// </summary>
public sealed class Alert
{
    public const int MaxKeyLength = 200;
    public const int MaxTitleLength = 200;
    public const int MaxMessageLength = 1000;
    public const int MaxLinkLength = 300;

    public long Id { get; set; }
    public required string Module { get; set; }
    /// <summary>The cause within its module ("stale", "missing-days:B001"): what makes two reports the same alert.</summary>
    public required string Key { get; set; }
    public AlertSeverity Severity { get; set; }
    public required string Title { get; set; }
    public required string Message { get; set; }
    /// <summary>The console page where someone acts on it ("/yard", "/etl/missing?branch=B001").</summary>
    public string? Link { get; set; }
    public AlertState State { get; set; }
    public DateTime FirstSeenAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    /// <summary>How many times the module reported the cause during this occurrence.</summary>
    public int Count { get; set; }
    public string? AcknowledgedBy { get; set; }
    public DateTime? AcknowledgedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }

    /// <summary>
    /// "module/key" while the occurrence is open or acknowledged, null once resolved: its unique index lets the database
    /// refuse a second active occurrence of one cause, on every provider, whatever races.
    /// </summary>
    public string? ActiveKey { get; set; }

    public bool IsActive => State != AlertState.Resolved;

    public static string ActiveKeyOf(string module, string key) => module + "/" + key;
}

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.ToTable("alerts");
        builder.Property(a => a.Module).HasMaxLength(32);
        builder.Property(a => a.Key).HasMaxLength(Alert.MaxKeyLength);
        builder.Property(a => a.Title).HasMaxLength(Alert.MaxTitleLength);
        builder.Property(a => a.Message).HasMaxLength(Alert.MaxMessageLength);
        builder.Property(a => a.Link).HasMaxLength(Alert.MaxLinkLength);
        builder.Property(a => a.AcknowledgedBy).HasMaxLength(256);
        builder.Property(a => a.ActiveKey).HasMaxLength(Alert.MaxKeyLength + 40);
        builder.Property(a => a.Severity).HasConversion(v => v.ToString().ToLowerInvariant(), v => Enum.Parse<AlertSeverity>(v, true)).HasMaxLength(16);
        // The state is the concurrency token: an acknowledgement and a resolution that race cannot both be saved.
        builder.Property(a => a.State).HasConversion(v => v.ToString().ToLowerInvariant(), v => Enum.Parse<AlertState>(v, true))
            .HasMaxLength(16).IsConcurrencyToken();
        builder.HasIndex(a => a.ActiveKey).IsUnique();
        // The inbox (newest first within a state) and the badge's count of open alerts.
        builder.HasIndex(a => new { a.State, a.FirstSeenAt });
        builder.HasIndex(a => new { a.Module, a.FirstSeenAt });
    }
}
