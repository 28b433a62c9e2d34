using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Maintenance.Analytics;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

/// <summary>A new schedule as a caller sends it (text where the API takes text, so every bad value is named).</summary>
public sealed record NewSchedule(long? MachineId, string? Title, string? Description, string? Priority, string? Trigger, long? Interval, bool? Enabled);

/// <summary>An admin's edit of a schedule, based on the version read; null fields stay as they are (the machine never changes).</summary>
public sealed record ScheduleEdit(int? Version, string? Title, string? Description, string? Priority, string? Trigger, long? Interval, bool? Enabled);

/// <summary>
/// How far a schedule is towards its next planned ticket: days since its baseline, or cycles / run hours counted since
/// then (ADR 0030); <see cref="DueAt"/> only for days (usage has no date until it is reached).
/// </summary>
public sealed record ScheduleProgress(ScheduleTrigger Trigger, double Used, int Interval, DateTime? DueAt)
{
    public bool Due => Used >= Interval;
    public double Fraction => Interval <= 0 ? 0 : Math.Min(1, Used / Interval);

    /// <summary>"412 of 500 h", "12 of 30 days", "9,800 of 10,000 cycles".</summary>
    public string Text => Trigger switch
    {
        ScheduleTrigger.Days => $"{Math.Floor(Used):0} of {Interval:N0} days",
        ScheduleTrigger.Cycles => $"{Math.Floor(Used):N0} of {Interval:N0} cycles",
        _ => $"{Math.Floor(Used):N0} of {Interval:N0} h",
    };
}

/// <summary>A schedule as lists show it: its machine, its progress and its open planned ticket.</summary>
public sealed record ScheduleRow(MaintenanceSchedule Schedule, string MachineCode, string MachineName, ScheduleProgress Progress, long? OpenTicketId,
    TicketStatus? OpenTicketStatus);

/// <summary>
/// Preventive schedules (issue 18 item 8, ADR 0030): admins create, edit and disable them (audited); the generator opens
/// a planned ticket when one is due and its last is no longer open, held to one open per schedule by a unique index.
/// </summary>
public sealed class MaintenanceSchedules(IDbContextFactory<OpsDbContext> contexts, IOpsEventStream events, TimeProvider time, AccountGate gate)
{
    public const int MaxDays = 3650;
    public const int MaxCycles = 1_000_000_000;
    public const int MaxRunHours = 100_000;

    public static int MaxInterval(ScheduleTrigger trigger) => trigger switch
    {
        ScheduleTrigger.Days => MaxDays,
        ScheduleTrigger.Cycles => MaxCycles,
        _ => MaxRunHours,
    };

    /// <summary>Every schedule (of one machine, or all), by machine code and title, with its progress now.</summary>
    public async Task<IReadOnlyList<ScheduleRow>> ListAsync(int? machineId = null, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var schedules = db.MaintenanceSchedules.AsNoTracking();
        if (machineId is { } m)
        {
            schedules = schedules.Where(s => s.MachineId == m);
        }
        var rows = await (from s in schedules join mc in db.Machines on s.MachineId equals mc.Id select new { s, mc.Code, mc.Name }).ToListAsync(ct);
        var ids = rows.Select(r => (int?)r.s.Id).ToList();
        var open = await db.Tickets.AsNoTracking().Where(t => t.OpenScheduleId != null && ids.Contains(t.OpenScheduleId))
            .Select(t => new { t.OpenScheduleId, t.Id, t.Status }).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var result = new List<ScheduleRow>();
        foreach (var r in rows.OrderBy(r => r.Code, StringComparer.Ordinal).ThenBy(r => r.s.Title, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.s.Id))
        {
            var ticket = open.FirstOrDefault(t => t.OpenScheduleId == r.s.Id);
            result.Add(new ScheduleRow(r.s, r.Code, r.Name, await ProgressAsync(db, r.s, now, ct), ticket?.Id, ticket?.Status));
        }
        return result;
    }

    public async Task<OpsResult<ScheduleRow>> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var machineId = await db.MaintenanceSchedules.Where(s => s.Id == id).Select(s => (int?)s.MachineId).SingleOrDefaultAsync(ct);
        if (machineId is null)
        {
            return OpsResult<ScheduleRow>.NotFound($"No schedule {id}.");
        }
        return OpsResult<ScheduleRow>.Ok((await ListAsync(machineId, ct)).Single(r => r.Schedule.Id == id));
    }

    /// <summary>An admin creates a schedule; counting starts now (production already recorded today does not count).</summary>
    public async Task<OpsResult<MaintenanceSchedule>> CreateAsync(Actor actor, NewSchedule request, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var errors = new FieldErrors();
        if (request.MachineId is null)
        {
            errors.Add("machine_id", "machine_id is required.");
        }
        errors.Required("title", request.Title, MaintenanceSchedule.MaxTitleLength);
        errors.MaxLength("description", request.Description, MaintenanceSchedule.MaxDescriptionLength);
        var priority = errors.OptionalChoice<TicketPriority>("priority", request.Priority);
        var trigger = ReadTrigger(errors, request.Trigger, required: true);
        var interval = ReadInterval(errors, request.Interval, trigger, required: true);
        await using var db = await contexts.CreateDbContextAsync(ct);
        Machine? machine = null;
        if (request.MachineId is { } machineId)
        {
            machine = await db.Machines.AsNoTracking().SingleOrDefaultAsync(m => m.Id == machineId, ct);
            if (machine is null)
            {
                errors.Add("machine_id", $"machine_id {machineId} is not a known machine.");
            }
        }
        if (errors.Any)
        {
            return errors.ToResult<MaintenanceSchedule>();
        }
        var now = time.GetUtcNow().UtcDateTime;
        var schedule = new MaintenanceSchedule
        {
            MachineId = machine!.Id, Title = request.Title!.Trim(), Description = Text(request.Description), Priority = priority ?? TicketPriority.Medium,
            Trigger = trigger!.Value, Interval = interval!.Value, Enabled = request.Enabled ?? true, CreatedAt = now, UpdatedAt = now, UpdatedBy = actor.Name,
            Version = 1,
        };
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await SetBaselineAsync(db, schedule, now, ct);
            db.MaintenanceSchedules.Add(schedule);
            await db.SaveChangesAsync(ct);
            db.Audit(actor, now, MaintenanceModule.Name, "schedule.create", "MaintenanceSchedule", schedule.Id.ToString(), null, Snapshot(schedule));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        events.Publish(new SchedulesChanged([schedule.Id]));
        return OpsResult<MaintenanceSchedule>.Ok(schedule);
    }

    /// <summary>An admin edits (or disables, or enables) a schedule; a stale version is refused. Its baseline stays.</summary>
    public async Task<OpsResult<MaintenanceSchedule>> EditAsync(Actor actor, long id, ScheduleEdit edit, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var errors = new FieldErrors();
        if (edit.Version is null)
        {
            errors.Add("version", "version is required: the schedule's version as you read it.");
        }
        if (edit.Title is not null)
        {
            errors.Required("title", edit.Title, MaintenanceSchedule.MaxTitleLength);
        }
        errors.MaxLength("description", edit.Description, MaintenanceSchedule.MaxDescriptionLength);
        var priority = errors.OptionalChoice<TicketPriority>("priority", edit.Priority);
        var trigger = ReadTrigger(errors, edit.Trigger, required: false);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var schedule = await db.MaintenanceSchedules.SingleOrDefaultAsync(s => s.Id == id, ct);
        var interval = ReadInterval(errors, edit.Interval, trigger ?? schedule?.Trigger, required: false);
        // A new trigger with the old N would mean 30 days became 30 cycles: the two change together.
        if (schedule is not null && trigger is { } t && t != schedule.Trigger && edit.Interval is null)
        {
            errors.Add("interval", "interval is required when the trigger changes.");
        }
        if (errors.Any)
        {
            return errors.ToResult<MaintenanceSchedule>();
        }
        if (schedule is null)
        {
            return OpsResult<MaintenanceSchedule>.NotFound($"No schedule {id}.");
        }
        if (schedule.Version != edit.Version)
        {
            return OpsResult<MaintenanceSchedule>.Conflict(
                $"Schedule #{schedule.Id} was changed since you read it (your version {edit.Version}, now {schedule.Version}). Reload it and try again.",
                new Dictionary<string, object?> { ["version"] = schedule.Version });
        }
        var before = Snapshot(schedule);
        schedule.Title = edit.Title?.Trim() ?? schedule.Title;
        schedule.Description = edit.Description is null ? schedule.Description : Text(edit.Description);
        schedule.Priority = priority ?? schedule.Priority;
        schedule.Trigger = trigger ?? schedule.Trigger;
        schedule.Interval = interval ?? schedule.Interval;
        schedule.Enabled = edit.Enabled ?? schedule.Enabled;
        var after = Snapshot(schedule);
        if (after.Equals(before))
        {
            return OpsResult<MaintenanceSchedule>.Ok(schedule);
        }
        var now = time.GetUtcNow().UtcDateTime;
        schedule.Version++;
        schedule.UpdatedAt = now;
        schedule.UpdatedBy = actor.Name;
        db.Audit(actor, now, MaintenanceModule.Name, before.Enabled != after.Enabled && !after.Enabled ? "schedule.disable" : "schedule.edit",
            "MaintenanceSchedule", schedule.Id.ToString(), before, after);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return OpsResult<MaintenanceSchedule>.Conflict($"Schedule #{schedule.Id} was changed while you saved. Reload it and try again.");
        }
        events.Publish(new SchedulesChanged([schedule.Id]));
        return OpsResult<MaintenanceSchedule>.Ok(schedule);
    }

    /// <summary>
    /// The generator (the Quartz job, every few minutes): every enabled schedule that is due and has no open planned
    /// ticket gets one. Returns the tickets opened.
    /// </summary>
    public async Task<IReadOnlyList<long>> GenerateDueAsync(CancellationToken ct = default)
    {
        List<int> candidates;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var tickets = db.Tickets;
            candidates = await db.MaintenanceSchedules.Where(s => s.Enabled && !tickets.Any(t => t.OpenScheduleId == s.Id))
                .OrderBy(s => s.Id).Select(s => s.Id).ToListAsync(ct);
        }
        var opened = new List<long>();
        foreach (var id in candidates)
        {
            if ((await GenerateAsync(Actor.System, id, force: false, ct)).Value is { } ticket)
            {
                opened.Add(ticket.Id);
            }
        }
        return opened;
    }

    /// <summary>An admin opens a schedule's planned ticket now, due or not (refused while its last one is open).</summary>
    public async Task<OpsResult<Ticket>> RunNowAsync(Actor actor, long id, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var result = await GenerateAsync(actor, id, force: true, ct);
        return result.Succeeded && result.Value is null ? OpsResult<Ticket>.Conflict($"Schedule #{id} opened nothing.") : result.Map(t => t!);
    }

    /// <summary>
    /// Opens one schedule's planned ticket in one transaction with its history, audit and machine event. A second
    /// generator racing for the same schedule loses on the unique index, reads again and finds the ticket open.
    /// </summary>
    private async Task<OpsResult<Ticket?>> GenerateAsync(Actor actor, long id, bool force, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            try
            {
                var result = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
                {
                    db.ChangeTracker.Clear();
                    await using var tx = await db.Database.BeginTransactionAsync(ct);
                    var schedule = await db.MaintenanceSchedules.SingleOrDefaultAsync(s => s.Id == id, ct);
                    if (schedule is null)
                    {
                        return OpsResult<Ticket?>.NotFound($"No schedule {id}.");
                    }
                    var open = await db.Tickets.Where(t => t.OpenScheduleId == schedule.Id).Select(t => (long?)t.Id).FirstOrDefaultAsync(ct);
                    if (open is { } openId)
                    {
                        return force
                            ? OpsResult<Ticket?>.Conflict($"Schedule #{schedule.Id}'s planned ticket #{openId} is still open; resolve or cancel it first.",
                                new Dictionary<string, object?> { ["ticket_id"] = openId })
                            : OpsResult<Ticket?>.Ok(null);
                    }
                    var now = time.GetUtcNow().UtcDateTime;
                    var progress = await ProgressAsync(db, schedule, now, ct);
                    if (!force && (!schedule.Enabled || !progress.Due))
                    {
                        return OpsResult<Ticket?>.Ok(null);
                    }
                    var ticket = new Ticket
                    {
                        Title = schedule.Title, Description = PlannedDescription(schedule, progress), MachineId = schedule.MachineId, Kind = TicketKind.Planned,
                        Priority = schedule.Priority, Status = TicketStatus.Open, Origin = TicketOrigin.Schedule, ReportedBy = actor.Name,
                        DueAt = progress.DueAt ?? now, CreatedAt = now, UpdatedAt = now, ScheduleId = schedule.Id,
                        OpenScheduleId = schedule.Id, Version = 1,
                    };
                    db.Tickets.Add(ticket);
                    await db.SaveChangesAsync(ct);
                    schedule.LastGeneratedAt = now;
                    schedule.LastTicketId = ticket.Id;
                    db.Record(ticket, actor.Name, now, "created", after: new { ticket.Title, Priority = ticket.Priority.Wire(), Kind = "planned", ScheduleId = schedule.Id });
                    db.Audit(actor, now, MaintenanceModule.Name, force ? "schedule.run" : "schedule.generate", "MaintenanceSchedule", schedule.Id.ToString(), null,
                        new { TicketId = ticket.Id, Progress = progress.Text });
                    db.MachineEvents.Add(TicketJournal.Event(schedule.MachineId, MachineEventKind.Ticket, now, now, StateSource.Manual,
                        $"Planned ticket #{ticket.Id} opened by schedule #{schedule.Id} ({progress.Text}): {ticket.Title}",
                        new { TicketId = ticket.Id, ScheduleId = schedule.Id }, ticketId: ticket.Id));
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                    return OpsResult<Ticket?>.Ok(ticket);
                });
                if (result.Value is { } created)
                {
                    events.Publish(new TicketsChanged([created.Id], TicketChange.Created, TicketStatus.Open));
                    events.Publish(new SchedulesChanged([(int)id]));
                }
                return result;
            }
            catch (DbUpdateException) when (attempt < 4)
            {
                // Another generator opened its ticket meanwhile (the unique index refused this one): look again.
            }
        }
    }

    /// <summary>
    /// A schedule's planned ticket ended (resolved, or cancelled: skipped), in the ticket's own transaction: counting
    /// for the next one starts here.
    /// </summary>
    internal static async Task EndedAsync(OpsDbContext db, int scheduleId, DateTime now, bool done, CancellationToken ct)
    {
        var schedule = await db.MaintenanceSchedules.SingleOrDefaultAsync(s => s.Id == scheduleId, ct);
        if (schedule is null)
        {
            return;
        }
        await SetBaselineAsync(db, schedule, now, ct);
        if (done)
        {
            schedule.LastDoneAt = now;
        }
    }

    /// <summary>
    /// Counting starts at <paramref name="at"/>: the plant's date then, and what that date's records (and any later ones)
    /// already hold, so that only production after it counts.
    /// </summary>
    private static async Task SetBaselineAsync(OpsDbContext db, MaintenanceSchedule schedule, DateTime at, CancellationToken ct)
    {
        var date = await PlantDateAsync(db, schedule.MachineId, at, ct);
        var (cycles, seconds) = await UsageSinceAsync(db, schedule.MachineId, date, ct);
        schedule.BaselineAt = at;
        schedule.BaselineDate = date;
        schedule.BaselineCycles = cycles;
        schedule.BaselineRunSeconds = seconds;
    }

    internal static async Task<ScheduleProgress> ProgressAsync(OpsDbContext db, MaintenanceSchedule s, DateTime now, CancellationToken ct)
    {
        if (s.Trigger == ScheduleTrigger.Days)
        {
            return new ScheduleProgress(s.Trigger, Math.Max(0, (now - s.BaselineAt).TotalDays), s.Interval, s.BaselineAt.AddDays(s.Interval));
        }
        var (cycles, seconds) = await UsageSinceAsync(db, s.MachineId, s.BaselineDate, ct);
        var used = s.Trigger == ScheduleTrigger.Cycles ? cycles - s.BaselineCycles : (seconds - s.BaselineRunSeconds) / 3600.0;
        // A correction that lowers a record's counts can take the sum below the baseline: nothing counted yet, not negative.
        return new ScheduleProgress(s.Trigger, Math.Max(0, used), s.Interval, null);
    }

    /// <summary>Cycles (good + scrap) and run seconds on a machine's production records of <paramref name="from"/> and later.</summary>
    private static async Task<(long Cycles, long RunSeconds)> UsageSinceAsync(OpsDbContext db, int machineId, DateOnly from, CancellationToken ct)
    {
        var records = db.ProductionRecords.Where(r => r.MachineId == machineId && r.Date >= from);
        var cycles = await records.SumAsync(r => (long)r.Good + r.Scrap, ct);
        var seconds = await records.SumAsync(r => (long)r.RunSeconds, ct);
        return (cycles, seconds);
    }

    /// <summary>The date at the machine, in its shift calendar's time zone (UTC without one), as production records are dated.</summary>
    private static async Task<DateOnly> PlantDateAsync(OpsDbContext db, int machineId, DateTime at, CancellationToken ct)
    {
        var zone = await (from m in db.Machines
                          join c in db.ShiftCalendars on m.CalendarId equals c.Id
                          where m.Id == machineId
                          select c.TimeZone).FirstOrDefaultAsync(ct);
        var local = zone is null ? at : TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(at, DateTimeKind.Utc), ExpectedTime.Zone(zone));
        return DateOnly.FromDateTime(local);
    }

    private static string PlannedDescription(MaintenanceSchedule s, ScheduleProgress progress)
    {
        var every = s.Trigger switch
        {
            ScheduleTrigger.Days => $"every {s.Interval:N0} days",
            ScheduleTrigger.Cycles => $"every {s.Interval:N0} cycles",
            _ => $"every {s.Interval:N0} run hours",
        };
        var line = $"Planned by schedule #{s.Id} ({every}; {progress.Text} since {s.BaselineAt:yyyy-MM-dd HH:mm} UTC).";
        var text = s.Description is null ? line : $"{s.Description}\n\n{line}";
        return text.Length > Ticket.MaxDescriptionLength ? text[..Ticket.MaxDescriptionLength] : text;
    }

    private static ScheduleTrigger? ReadTrigger(FieldErrors errors, string? text, bool required)
    {
        var trigger = errors.OptionalChoice<ScheduleTrigger>("trigger", text);
        if (trigger is null && required && string.IsNullOrWhiteSpace(text))
        {
            errors.Add("trigger", "trigger is required: days, cycles or run_hours.");
        }
        return trigger;
    }

    private static int? ReadInterval(FieldErrors errors, long? interval, ScheduleTrigger? trigger, bool required)
    {
        if (interval is null)
        {
            if (required)
            {
                errors.Add("interval", "interval is required: how many days, cycles or run hours between planned tickets.");
            }
            return null;
        }
        var max = trigger is { } t ? MaxInterval(t) : MaxCycles;
        if (interval <= 0 || interval > max)
        {
            var unit = trigger switch { ScheduleTrigger.Days => "days", ScheduleTrigger.RunHours => "run hours", ScheduleTrigger.Cycles => "cycles", _ => "" };
            errors.Add("interval", $"interval must be at least 1 and at most {max:N0}{(unit.Length > 0 ? " " + unit : "")}.");
            return null;
        }
        return (int)interval;
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static ScheduleSnapshot Snapshot(MaintenanceSchedule s) =>
        new(s.MachineId, s.Title, s.Description, s.Priority.Wire(), s.Trigger.Wire(), s.Interval, s.Enabled);

    private sealed record ScheduleSnapshot(int MachineId, string Title, string? Description, string Priority, string Trigger, int Interval, bool Enabled);
}
