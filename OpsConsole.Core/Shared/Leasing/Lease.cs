using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpsConsole.Core.Shared.Leasing;

/// <summary>
/// A named lease row (`leases`): who holds it and until when, in the DATABASE's clock (ADR 0036). Written only through
/// <see cref="DatabaseLease"/>'s statements, never through EF, so every time in it comes from the same clock.
/// </summary>
public sealed class Lease
{
    public const int MaxNameLength = 200;

    /// <summary>What is leased, e.g. `sync:42`.</summary>
    public string Name { get; set; } = "";
    /// <summary>The instance that holds it (machine/process), for people reading the table.</summary>
    public string Holder { get; set; } = "";
    /// <summary>This holding's own token: only the holder that took the lease with it may renew or release it.</summary>
    public string Token { get; set; } = "";
    public DateTime AcquiredAt { get; set; }
    public DateTime HeartbeatAt { get; set; }
    /// <summary>Anyone may take the lease over once the database's clock has passed this.</summary>
    public DateTime ExpiresAt { get; set; }
}

internal sealed class LeaseConfiguration : IEntityTypeConfiguration<Lease>
{
    public void Configure(EntityTypeBuilder<Lease> builder)
    {
        builder.ToTable("leases");
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(Lease.MaxNameLength);
        builder.Property(l => l.Holder).HasMaxLength(200);
        builder.Property(l => l.Token).HasMaxLength(64);
    }
}
