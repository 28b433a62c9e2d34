using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

/// <summary>A period entered after the fact (times as text: ISO 8601).</summary>
public sealed record NewDowntime(string? StartAt, string? EndAt, string? Kind, string? ReasonCode, string? Note, long? TicketId);

/// <summary>A correction of a period: its reason, kind, note or ticket; null fields stay as they are.</summary>
public sealed record DowntimeCorrection(string? Kind, string? ReasonCode, string? Note, long? TicketId, bool ClearTicket = false);

/// <summary>
/// A machine's downtime periods as people see and correct them (issue 18 item 3): list, enter after the fact, set or
/// correct the reason and kind. State changes open and close periods in <see cref="MachineStates"/>.
/// </summary>
public sealed class DowntimeLog(IDbContextFactory<OpsDbContext> contexts, IOpsEventStream events, TimeProvider time, AccountGate gate)
{
    public const int MaxPageSize = 500;

    public async Task<OpsResult<Page<DowntimePeriod>>> ListAsync(long machineId, DateTime? from, DateTime? to, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Machines.AnyAsync(m => m.Id == machineId, ct))
        {
            return OpsResult<Page<DowntimePeriod>>.NotFound($"No machine {machineId}.");
        }
        var periods = db.DowntimePeriods.AsNoTracking().Where(p => p.MachineId == machineId);
        if (from is { } f)
        {
            periods = periods.Where(p => p.EndAt == null || p.EndAt > f);
        }
        if (to is { } t)
        {
            periods = periods.Where(p => p.StartAt < t);
        }
        return OpsResult<Page<DowntimePeriod>>.Ok(await periods.PageAsync(q => q.OrderByDescending(p => p.StartAt).ThenByDescending(p => p.Id), page, ct));
    }

    /// <summary>Enters a closed period after the fact (operators and up): it may not overlap another period of the machine or lie in the future.</summary>
    public async Task<OpsResult<DowntimePeriod>> AddAsync(Actor actor, long machineId, NewDowntime request, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        var errors = new FieldErrors();
        var start = errors.OptionalInstant("start_at", request.StartAt);
        var end = errors.OptionalInstant("end_at", request.EndAt);
        if (request.StartAt is null or "")
        {
            errors.Add("start_at", "start_at is required.");
        }
        if (request.EndAt is null or "")
        {
            errors.Add("end_at", "end_at is required: an entered period is closed (an open one comes from the machine's state).");
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (start is { } s && end is { } e)
        {
            if (e <= s)
            {
                errors.Add("end_at", "end_at must be after start_at.");
            }
            if (e > now)
            {
                errors.Add("end_at", "end_at may not be in the future.");
            }
        }
        var kind = errors.OptionalChoice<DowntimeKind>("kind", request.Kind);
        errors.MaxLength("note", request.Note, 500);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var machine = await db.Machines.AsNoTracking().SingleOrDefaultAsync(m => m.Id == machineId, ct);
        if (machine is null)
        {
            return OpsResult<DowntimePeriod>.NotFound($"No machine {machineId}.");
        }
        var reason = await MaintenanceCodes.CheckAsync(db, errors, "reason_code", CodeKind.Reason, request.ReasonCode, ct);
        if (request.TicketId is { } ticketId && !await db.Tickets.AnyAsync(t => t.Id == ticketId && t.MachineId == machineId, ct))
        {
            errors.Add("ticket_id", $"ticket_id {ticketId} is not a ticket of {machine.Code}.");
        }
        if (errors.Any)
        {
            return errors.ToResult<DowntimePeriod>();
        }
        if (kind is null && reason is not null)
        {
            kind = await db.MaintenanceCodes.AnyAsync(c => c.Kind == CodeKind.Reason && c.Code == reason && c.Planned, ct) ? DowntimeKind.Planned : DowntimeKind.Unplanned;
        }
        var period = new DowntimePeriod
        {
            MachineId = machine.Id, StartAt = start!.Value, EndAt = end!.Value, Kind = kind ?? DowntimeKind.Unplanned, ReasonCode = reason,
            Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(), TicketId = request.TicketId, Origin = DowntimeOrigin.Entered,
            UpdatedAt = now, UpdatedBy = actor.Name,
        };
        var saved = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var overlap = await db.DowntimePeriods.AsNoTracking()
                .Where(p => p.MachineId == machine.Id && p.StartAt < period.EndAt && (p.EndAt == null || p.EndAt > period.StartAt))
                .OrderBy(p => p.StartAt).FirstOrDefaultAsync(ct);
            if (overlap is not null)
            {
                return OpsResult<DowntimePeriod>.Invalid("start_at",
                    $"The period overlaps period {overlap.Id} ({overlap.StartAt:yyyy-MM-dd HH:mm} – {(overlap.EndAt is { } oe ? oe.ToString("yyyy-MM-dd HH:mm") : "open")} UTC); correct that one instead.");
            }
            db.DowntimePeriods.Add(period);
            await db.SaveChangesAsync(ct);
            var after = new { period.StartAt, period.EndAt, Kind = period.Kind.Wire(), period.ReasonCode, period.Note, period.TicketId };
            db.Audit(actor, now, MaintenanceModule.Name, "downtime.enter", "DowntimePeriod", period.Id.ToString(), null, after);
            db.MachineEvents.Add(TicketJournal.Event(machine.Id, MachineEventKind.Downtime, period.StartAt, now, StateSource.Manual,
                $"Downtime entered by {actor.Name}: {MachineStates.Duration(period.EndAt!.Value - period.StartAt)}", after, ticketId: period.TicketId));
            if (period.TicketId is { } linked)
            {
                var ticket = await db.Tickets.SingleAsync(t => t.Id == linked, ct);
                ticket.Version++;
                ticket.UpdatedAt = now;
                db.Record(ticket, actor.Name, now, "downtime", "downtime", null, $"Stop from {period.StartAt:yyyy-MM-dd HH:mm} UTC linked");
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return OpsResult<DowntimePeriod>.Ok(period);
        });
        if (saved.Succeeded)
        {
            events.Publish(new MachinesChanged([machine.Id], MachineChange.Downtime));
        }
        return saved;
    }

    /// <summary>Sets or corrects a period's reason, kind, note or ticket (operators and up).</summary>
    public async Task<OpsResult<DowntimePeriod>> CorrectAsync(Actor actor, long periodId, DowntimeCorrection correction, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        var errors = new FieldErrors();
        var kind = errors.OptionalChoice<DowntimeKind>("kind", correction.Kind);
        errors.MaxLength("note", correction.Note, 500);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var period = await db.DowntimePeriods.SingleOrDefaultAsync(p => p.Id == periodId, ct);
        if (period is null)
        {
            return OpsResult<DowntimePeriod>.NotFound($"No downtime period {periodId}.");
        }
        var reason = await MaintenanceCodes.CheckAsync(db, errors, "reason_code", CodeKind.Reason, correction.ReasonCode, ct);
        if (correction.TicketId is { } ticketId && !await db.Tickets.AnyAsync(t => t.Id == ticketId && t.MachineId == period.MachineId, ct))
        {
            errors.Add("ticket_id", $"ticket_id {ticketId} is not a ticket of this period's machine.");
        }
        if (errors.Any)
        {
            return errors.ToResult<DowntimePeriod>();
        }
        var now = time.GetUtcNow().UtcDateTime;
        var before = new { Kind = period.Kind.Wire(), period.ReasonCode, period.Note, period.TicketId };
        period.Kind = kind ?? period.Kind;
        period.ReasonCode = reason ?? period.ReasonCode;
        period.Note = correction.Note is null ? period.Note : string.IsNullOrWhiteSpace(correction.Note) ? null : correction.Note.Trim();
        period.TicketId = correction.ClearTicket ? null : correction.TicketId ?? period.TicketId;
        if (period.Kind != DowntimeKind.Unplanned)
        {
            period.MicroStop = false;
        }
        period.UpdatedAt = now;
        period.UpdatedBy = actor.Name;
        var after = new { Kind = period.Kind.Wire(), period.ReasonCode, period.Note, period.TicketId };
        db.Audit(actor, now, MaintenanceModule.Name, "downtime.correct", "DowntimePeriod", period.Id.ToString(), before, after);
        db.MachineEvents.Add(TicketJournal.Event(period.MachineId, MachineEventKind.Downtime, now, now, StateSource.Manual,
            $"Downtime {period.Id} corrected by {actor.Name}", new { Before = before, After = after }, ticketId: period.TicketId));
        await db.SaveChangesAsync(ct);
        events.Publish(new MachinesChanged([period.MachineId], MachineChange.Downtime));
        return OpsResult<DowntimePeriod>.Ok(period);
    }
}
