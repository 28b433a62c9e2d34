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

/// <summary>The shell's own module name; each module names itself in its <c>&lt;M&gt;Module.Name</c>.</summary>
public static class OpsModules
{
    public const string Shared = "shared";
}
