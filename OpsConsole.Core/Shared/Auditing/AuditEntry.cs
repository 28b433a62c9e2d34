namespace OpsConsole.Core.Shared.Auditing;

public sealed class AuditEntry
{
    public const int MaxSummaryLength = 4000;

    public long Id { get; set; }
    public DateTime OccurredAt { get; set; }
    public required string Actor { get; set; }
    public required string Module { get; set; }
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public string? EntityId { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
}

/// <summary>The module names used in audit entries, events and metrics.</summary>
public static class OpsModules
{
    public const string Shared = "shared";
    public const string Etl = "etl";
    public const string Dispatch = "dispatch";
    public const string Yard = "yard";
    public const string Maintenance = "maintenance";
    public const string Sync = "sync";

    public static readonly IReadOnlyList<string> All = [Shared, Etl, Dispatch, Yard, Maintenance, Sync];
}
