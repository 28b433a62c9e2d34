using System.Text.Json;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Shared.Auditing;

/// <summary>
/// Adds audit entries to the same context as the change they describe, so that both are written by one
/// SaveChanges, in one transaction.
/// </summary>
public static class AuditTrail
{
    private static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web);

    public static AuditEntry Audit(this OpsDbContext db, Actor actor, DateTimeOffset at, string module, string action,
        string entityType, string? entityId, object? before = null, object? after = null)
    {
        var entry = new AuditEntry
        {
            OccurredAt = at.UtcDateTime,
            Actor = actor.Name,
            Module = module,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Before = Summarise(before),
            After = Summarise(after),
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    public static string? Summarise(object? value)
    {
        if (value is null)
        {
            return null;
        }
        var text = value as string ?? JsonSerializer.Serialize(value, SummaryJson);
        return text.Length <= AuditEntry.MaxSummaryLength ? text : text[..(AuditEntry.MaxSummaryLength - 1)] + "…";
    }
}
