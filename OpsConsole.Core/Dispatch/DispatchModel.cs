using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpsConsole.Core.Dispatch;

public enum SuggestionStatus
{
    Pending,
    Approved,
    Rejected,
}

public enum DispatchTaskStatus
{
    Ready,
    Assigned,
    Completed,
}

/// <summary>A rebalancing candidate from the ML engine or a CSV import, waiting for a supervisor.</summary>
public sealed class Suggestion
{
    public const int MaxReasonLength = 500;

    public long Id { get; set; }
    public int FromStationId { get; set; }
    public int ToStationId { get; set; }
    public int Qty { get; set; }
    public string? Reason { get; set; }
    public DateTime CreatedAt { get; set; }
    public SuggestionStatus Status { get; set; }
    public string? DecidedBy { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? RejectReason { get; set; }
}

/// <summary>An approved move of bikes: ready → assigned (to one worker) → completed.</summary>
public sealed class DispatchTask
{
    public long Id { get; set; }
    public int FromStationId { get; set; }
    public int ToStationId { get; set; }
    public int Qty { get; set; }
    public string? Reason { get; set; }
    public DispatchTaskStatus Status { get; set; }
    public string? WorkerId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? AssignedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? ApprovedBy { get; set; }
    public long? SuggestionId { get; set; }
}

public sealed class Station
{
    public int Id { get; set; }
    public required string Name { get; set; }
}

/// <summary>The task states and the only moves between them.</summary>
public static class DispatchTaskTransitions
{
    public static bool CanAssign(DispatchTaskStatus from) => from == DispatchTaskStatus.Ready;
    public static bool CanComplete(DispatchTaskStatus from) => from == DispatchTaskStatus.Assigned;
    public static bool CanUnassign(DispatchTaskStatus from) => from == DispatchTaskStatus.Assigned;

    public static string Name(this DispatchTaskStatus status) => status.ToString().ToLowerInvariant();
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
