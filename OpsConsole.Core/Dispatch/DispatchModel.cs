
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
