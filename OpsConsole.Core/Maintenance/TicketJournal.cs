using System.Text.Json;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

/// <summary>
/// Writes a ticket's history lines (every change, its before and after) on the context of the change itself, and the
/// same change as a ticket event in the outbox (ADR 0031).
/// </summary>
internal static class TicketJournal
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static TicketHistory Record(this OpsDbContext db, Ticket ticket, string actor, DateTime at, string action, string? field = null,
        object? before = null, object? after = null)
    {
        var line = new TicketHistory
        {
            TicketId = ticket.Id, At = at, Actor = actor, Action = action, Field = field, Before = Text(before), After = Text(after), Version = ticket.Version,
        };
        db.TicketHistory.Add(line);
        // The same change for other systems (MQTT `…/events/tickets`), in the same transaction: published once this commits.
        var eventId = Guid.NewGuid();
        string Payload(bool withValues) => JsonSerializer.Serialize(new
        {
            EventId = eventId, TicketId = ticket.Id, ticket.Version, Action = action, Field = field, Before = withValues ? line.Before : null,
            After = withValues ? line.After : null, Actor = actor, At = DateTime.SpecifyKind(at, DateTimeKind.Utc),
            Ticket = new
            {
                ticket.Title, ticket.MachineId, Kind = ticket.Kind.Wire(), Status = ticket.Status.Wire(), Priority = ticket.Priority.Wire(), ticket.AssignedTo,
            },
        }, Json);
        var payload = Payload(withValues: true);
        db.TicketEventOutbox.Add(new TicketEventOutbox
        {
            TicketId = ticket.Id, CreatedAt = at,
            // Whole JSON always: a change too long to carry says what changed without its values (the history has them).
            Payload = payload.Length <= TicketEventOutbox.MaxPayloadLength ? payload : Payload(withValues: false),
        });
        return line;
    }

    public static string? Text(object? value)
    {
        var text = value switch
        {
            null => null,
            string s => s,
            DateTime d => d.ToString("yyyy-MM-dd HH:mm") + " UTC",
            Enum e => OpsNames.Wire(e.ToString()),
            _ => JsonSerializer.Serialize(value, Json),
        };
        return text is { Length: > TicketHistory.MaxValueLength } ? text[..(TicketHistory.MaxValueLength - 1)] + "…" : text;
    }

    /// <summary>A machine event for the log, its data as snake_case JSON.</summary>
    public static MachineEvent Event(int machineId, MachineEventKind kind, DateTime at, DateTime recordedAt, StateSource source, string message,
        object? payload = null, MachineState? state = null, long? ticketId = null, long? seq = null)
    {
        var json = payload is null ? null : JsonSerializer.Serialize(payload, Json);
        return new MachineEvent
        {
            MachineId = machineId, Kind = kind, OccurredAt = at, RecordedAt = recordedAt, Source = source, Message = message.Length > 500 ? message[..500] : message,
            Payload = json is { Length: > MachineEvent.MaxPayloadLength } ? json[..MachineEvent.MaxPayloadLength] : json, State = state, TicketId = ticketId, Seq = seq,
        };
    }
}
