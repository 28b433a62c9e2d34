using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Shared.Auditing;

namespace OpsConsole.Features.Audit;

/// <summary>The audit filters of GET /api/audit and /api/audit/export.</summary>
public sealed record AuditQuery(
    [FromQuery(Name = "actor")] string? Actor,
    [FromQuery(Name = "module")] string? Module,
    [FromQuery(Name = "entity")] string? Entity,
    [FromQuery(Name = "text")] string? Text,
    [FromQuery(Name = "from")] string? From,
    [FromQuery(Name = "to")] string? To)
{
    public AuditFilterInput ToInput() => new(Actor, Module, Entity, Text, From, To);
}

public sealed record AuditEntryResponse(long Id, DateTime OccurredAt, string Actor, string Module, string Action, string EntityType,
    string? EntityId, string? Before, string? After)
{
    public static AuditEntryResponse From(AuditEntry e) => new(e.Id, e.OccurredAt, e.Actor, e.Module, e.Action, e.EntityType, e.EntityId, e.Before, e.After);
}
