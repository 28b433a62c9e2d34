using System.Text.Json;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

/// <summary>Writes a ticket's history lines (every change, its before and after) on the context of the change itself.</summary>
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
