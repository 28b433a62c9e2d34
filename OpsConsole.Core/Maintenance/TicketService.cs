using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Shared.Settings;

namespace OpsConsole.Core.Maintenance;

/// <summary>A new ticket as a caller sends it (text where the API takes text, so every bad value is named).</summary>
public sealed record NewTicket(string? Title, string? Description, long? MachineId, string? Kind, string? Priority, string? AssignedTo, string? DueAt);

/// <summary>
/// An edit of a ticket's own fields, based on <see cref="Version"/> (the version the caller read). A field left null is
/// not changed; <see cref="ClearAssignee"/> and <see cref="ClearDue"/> empty those two.
/// </summary>
public sealed record TicketEdit(int? Version, string? Title, string? Description, string? Priority, string? AssignedTo, string? DueAt,
    bool ClearAssignee = false, bool ClearDue = false);

/// <summary>
/// A status move: the target status, a reason (on hold, reopen, cancel need one), the failure code on resolve and, for
/// a machine without telemetry, whether it runs again. <see cref="Version"/> is optional: with it a stale read is refused.
/// </summary>
public sealed record TicketStatusChange(string? Status, string? Reason, int? Version = null, string? ProblemCode = null, string? CauseCode = null,
    string? RemedyCode = null, bool? MachineRunsAgain = null);

/// <summary>The tickets list's filters as a caller sends them.</summary>
public sealed record TicketFilterInput(string? Status, string? Priority, string? Kind, string? MachineId, string? Area, string? AssignedTo, string? Search);

public sealed record TicketFilter(IReadOnlyList<TicketStatus> Statuses, TicketPriority? Priority, TicketKind? Kind, int? MachineId, int? AreaId,
    string? AssignedTo, string? Search)
{
    public static readonly TicketFilter None = new([], null, null, null, null, null, null);
}

/// <summary>A ticket as lists show it: with its machine's code and name.</summary>
public sealed record TicketRow(Ticket Ticket, string MachineCode, string MachineName, string AreaName);

/// <summary>What a ticket's page shows: the ticket, its machine, history, comments, photos, parts used and stops.</summary>
public sealed record TicketDetail(Ticket Ticket, Machine Machine, string AreaName, IReadOnlyList<TicketHistory> History, IReadOnlyList<TicketComment> Comments,
    IReadOnlyList<TicketPhoto> Photos, IReadOnlyList<PartMovement> Parts, IReadOnlyList<DowntimePeriod> Periods)
{
    /// <summary>The statuses the ticket may move to now.</summary>
    public IReadOnlyList<TicketStatus> Allowed => TicketRules.AllowedTargets(Ticket.Status);
}

/// <summary>One change a caller missed: what the history says happened after the version it read.</summary>
public sealed record MissedChange(int Version, string Actor, DateTime At, string Action, string? Field, string? Before, string? After);

/// <summary>
/// Tickets (issue 18 item 2, ADR 0024): create, edit with a version, move through <see cref="MaintenanceTransitions"/>,
/// assign, comment. Every change writes a history line and an audit line in its own transaction and counts the
/// ticket's version; a save based on an older version is refused with the changes it missed.
/// </summary>
public sealed class TicketService(IDbContextFactory<OpsDbContext> contexts, MachineStates states, IOpsEventStream events, MaintenanceMetrics metrics,
    TimeProvider time, AccountGate gate)
{
    public const int MaxPageSize = 200;
    public const int MaxSearchLength = 100;

    public TicketFilter ReadFilter(FieldErrors errors, TicketFilterInput input)
    {
        var statuses = new List<TicketStatus>();
        if (!string.IsNullOrWhiteSpace(input.Status))
        {
            foreach (var part in input.Status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (part == "active")
                {
                    statuses.AddRange(TicketRules.Active);
                }
                else if (errors.OptionalChoice<TicketStatus>("status", part) is { } s)
                {
                    statuses.Add(s);
                }
            }
        }
        var machine = errors.OptionalInt("machine_id", input.MachineId, 1, int.MaxValue);
        var area = errors.OptionalInt("area", input.Area, 1, int.MaxValue);
        return new TicketFilter(statuses.Distinct().ToList(), errors.OptionalChoice<TicketPriority>("priority", input.Priority),
            errors.OptionalChoice<TicketKind>("kind", input.Kind), machine, area, errors.OptionalText("assigned_to", input.AssignedTo, 256),
            errors.OptionalText("q", input.Search, MaxSearchLength));
    }

    /// <summary>Tickets matching the filter, most urgent and newest first.</summary>
    public async Task<Page<TicketRow>> ListAsync(TicketFilter filter, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var tickets = db.Tickets.AsNoTracking();
        if (filter.Statuses.Count > 0)
        {
            tickets = tickets.Where(t => filter.Statuses.Contains(t.Status));
        }
        if (filter.Priority is { } priority)
        {
            tickets = tickets.Where(t => t.Priority == priority);
        }
        if (filter.Kind is { } kind)
        {
            tickets = tickets.Where(t => t.Kind == kind);
        }
        if (filter.MachineId is { } machineId)
        {
            tickets = tickets.Where(t => t.MachineId == machineId);
        }
        if (filter.AssignedTo is { } assignee)
        {
            tickets = tickets.Where(t => t.AssignedTo == assignee);
        }
        if (filter.Search is { } search)
        {
            var pattern = $"%{search.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%";
            tickets = tickets.Where(t => EF.Functions.Like(t.Title, pattern, "\\"));
        }
        var rows = from t in tickets
                   join m in db.Machines on t.MachineId equals m.Id
                   join a in db.MaintenanceAreas on m.AreaId equals a.Id
                   where filter.AreaId == null || m.AreaId == filter.AreaId
                   select new { t, m.Code, m.Name, Area = a.Name };
        // Priority is stored as its word; its order is spelt out so critical sorts first on every provider.
        var listed = await rows.PageAsync(q => q
            .OrderBy(r => r.t.Status == TicketStatus.Open || r.t.Status == TicketStatus.InProgress || r.t.Status == TicketStatus.OnHold ? 0 : 1)
            .ThenBy(r => r.t.Priority == TicketPriority.Critical ? 0 : r.t.Priority == TicketPriority.High ? 1 : r.t.Priority == TicketPriority.Medium ? 2 : 3)
            .ThenByDescending(r => r.t.CreatedAt).ThenByDescending(r => r.t.Id), page, ct);
        return listed.Map(r => new TicketRow(r.t, r.Code, r.Name, r.Area));
    }

    public async Task<OpsResult<TicketDetail>> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var ticket = await db.Tickets.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        if (ticket is null)
        {
            return OpsResult<TicketDetail>.NotFound($"No ticket {id}.");
        }
        var machine = await db.Machines.AsNoTracking().SingleAsync(m => m.Id == ticket.MachineId, ct);
        var area = await db.MaintenanceAreas.Where(a => a.Id == machine.AreaId).Select(a => a.Name).SingleAsync(ct);
        var history = await db.TicketHistory.AsNoTracking().Where(h => h.TicketId == id).OrderBy(h => h.Id).ToListAsync(ct);
        var comments = await db.TicketComments.AsNoTracking().Where(c => c.TicketId == id).OrderBy(c => c.Id).ToListAsync(ct);
        var photos = await db.TicketPhotos.AsNoTracking().Where(p => p.TicketId == id).OrderBy(p => p.Id).ToListAsync(ct);
        var parts = await db.PartMovements.AsNoTracking().Where(p => p.TicketId == id).OrderBy(p => p.Id).ToListAsync(ct);
        var periods = await db.DowntimePeriods.AsNoTracking().Where(p => p.TicketId == id).OrderBy(p => p.StartAt).ToListAsync(ct);
        return OpsResult<TicketDetail>.Ok(new TicketDetail(ticket, machine, area, history, comments, photos, parts, periods));
    }

    /// <summary>Reports a problem (operators and up): a new open ticket on a machine.</summary>
    public async Task<OpsResult<Ticket>> CreateAsync(Actor actor, NewTicket request, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        var errors = new FieldErrors();
        errors.Required("title", request.Title, Ticket.MaxTitleLength);
        errors.MaxLength("description", request.Description, Ticket.MaxDescriptionLength);
        if (request.MachineId is null)
        {
            errors.Add("machine_id", "machine_id is required.");
        }
        var kind = errors.OptionalChoice<TicketKind>("kind", request.Kind) ?? TicketKind.Corrective;
        var priority = errors.OptionalChoice<TicketPriority>("priority", request.Priority);
        var due = errors.OptionalInstant("due_at", request.DueAt);
        var assignee = errors.OptionalText("assigned_to", request.AssignedTo, 256);
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
        if (assignee is not null && !await UserExistsAsync(db, assignee, ct))
        {
            errors.Add("assigned_to", $"assigned_to '{assignee}' is not a user of the console.");
        }
        if (errors.Any)
        {
            return errors.ToResult<Ticket>();
        }
        var now = time.GetUtcNow().UtcDateTime;
        var ticket = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var ticket = new Ticket
            {
                Title = request.Title!.Trim(), Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
                MachineId = machine!.Id, Kind = kind, Priority = priority ?? MachineStates.PriorityFor(machine.Criticality), Status = TicketStatus.Open,
                Origin = TicketOrigin.Reported, ReportedBy = actor.Name, AssignedTo = assignee, DueAt = due, CreatedAt = now, UpdatedAt = now, Version = 1,
            };
            db.Tickets.Add(ticket);
            await db.SaveChangesAsync(ct);
            var after = new { ticket.Title, ticket.MachineId, Kind = kind.Wire(), Priority = ticket.Priority.Wire(), ticket.AssignedTo, ticket.DueAt };
            db.Record(ticket, actor.Name, now, "created", after: new { ticket.Title, Priority = ticket.Priority.Wire(), Kind = kind.Wire() });
            db.Audit(actor, now, MaintenanceModule.Name, "ticket.create", "Ticket", ticket.Id.ToString(), null, after);
            db.MachineEvents.Add(TicketJournal.Event(machine.Id, MachineEventKind.Ticket, now, now, StateSource.Manual,
                $"Ticket #{ticket.Id} reported by {actor.Name}: {ticket.Title}", new { TicketId = ticket.Id }, ticketId: ticket.Id));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return ticket;
        });
        metrics.TicketMoves.Add(1, new KeyValuePair<string, object?>("move", "create"));
        events.Publish(new TicketsChanged([ticket.Id], TicketChange.Created, TicketStatus.Open));
        return OpsResult<Ticket>.Ok(ticket);
    }

    /// <summary>Edits the ticket's own fields (operators and up), refused with what changed when the version is stale.</summary>
    public async Task<OpsResult<Ticket>> UpdateAsync(Actor actor, long id, TicketEdit edit, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        var errors = new FieldErrors();
        if (edit.Version is null)
        {
            errors.Add("version", "version is required: the ticket's version as you read it.");
        }
        if (edit.Title is not null)
        {
            errors.Required("title", edit.Title, Ticket.MaxTitleLength);
        }
        errors.MaxLength("description", edit.Description, Ticket.MaxDescriptionLength);
        var priority = errors.OptionalChoice<TicketPriority>("priority", edit.Priority);
        var due = errors.OptionalInstant("due_at", edit.DueAt);
        var assignee = errors.OptionalText("assigned_to", edit.AssignedTo, 256);
        if (errors.Any)
        {
            return errors.ToResult<Ticket>();
        }
        return await ChangeAsync(actor, id, edit.Version, async (db, ticket, now) =>
        {
            if (assignee is not null && assignee != ticket.AssignedTo && !await UserExistsAsync(db, assignee, ct))
            {
                return OpsResult<TicketTouch>.Invalid("assigned_to", $"assigned_to '{assignee}' is not a user of the console.");
            }
            if (!ticket.IsActive)
            {
                return OpsResult<TicketTouch>.Conflict($"Ticket #{ticket.Id} is {ticket.Status.Wire()}; only an open ticket is edited (reopen a resolved one first).");
            }
            var changes = new List<(string Field, object? Before, object? After)>();
            void Change<T>(string field, T before, T after, Action set)
            {
                if (!EqualityComparer<T>.Default.Equals(before, after))
                {
                    changes.Add((field, before, after));
                    set();
                }
            }
            if (edit.Title is not null)
            {
                Change("title", ticket.Title, edit.Title.Trim(), () => ticket.Title = edit.Title.Trim());
            }
            if (edit.Description is not null)
            {
                var text = string.IsNullOrWhiteSpace(edit.Description) ? null : edit.Description.Trim();
                Change("description", ticket.Description, text, () => ticket.Description = text);
            }
            if (priority is { } p)
            {
                Change("priority", ticket.Priority, p, () => ticket.Priority = p);
            }
            if (edit.ClearAssignee || assignee is not null)
            {
                var to = edit.ClearAssignee ? null : assignee;
                Change("assigned_to", ticket.AssignedTo, to, () => ticket.AssignedTo = to);
            }
            if (edit.ClearDue || due is not null)
            {
                var to = edit.ClearDue ? null : due;
                Change("due_at", ticket.DueAt, to, () => ticket.DueAt = to);
            }
            if (changes.Count == 0)
            {
                return OpsResult<TicketTouch>.Ok(TicketTouch.Nothing);
            }
            ticket.Version++;
            foreach (var (field, before, after) in changes)
            {
                db.Record(ticket, actor.Name, now, field == "assigned_to" ? "assigned" : "edited", field, before, after);
            }
            db.Audit(actor, now, MaintenanceModule.Name, "ticket.update", "Ticket", ticket.Id.ToString(),
                changes.ToDictionary(c => c.Field, c => TicketJournal.Text(c.Before)), changes.ToDictionary(c => c.Field, c => TicketJournal.Text(c.After)));
            return OpsResult<TicketTouch>.Ok(new TicketTouch(TicketChange.Edited));
        }, ct);
    }

    /// <summary>Moves a ticket to another status through the workflow table; an illegal move is a conflict naming the allowed ones.</summary>
    public async Task<OpsResult<Ticket>> MoveAsync(Actor actor, long id, TicketStatusChange change, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        var errors = new FieldErrors();
        var target = errors.OptionalChoice<TicketStatus>("status", change.Status);
        if (target is null && !errors.Any)
        {
            errors.Add("status", $"status is required: one of {OpsNames.List(Enum.GetValues<TicketStatus>().Select(s => s.Wire()).ToList())}.");
        }
        var reason = errors.OptionalText("reason", change.Reason, Ticket.MaxReasonLength);
        if (errors.Any)
        {
            return errors.ToResult<Ticket>();
        }
        var microStop = await states.MicroStopAsync(ct);
        return await ChangeAsync(actor, id, change.Version, async (db, ticket, now) =>
        {
            var from = ticket.Status;
            var (move, refusal) = TicketRules.MoveTo(from, target!.Value, $"Ticket #{ticket.Id}");
            if (move is not { } m)
            {
                return OpsResult<TicketTouch>.Conflict(refusal!, new Dictionary<string, object?>
                {
                    ["status"] = from.Wire(),
                    ["allowed"] = TicketRules.AllowedTargets(from).Select(s => s.Wire()).ToList(),
                });
            }
            var moveErrors = new FieldErrors();
            if (TicketRules.NeedsReason(m) && reason is null)
            {
                moveErrors.Add("reason", $"reason is required to {(m == TicketMove.Hold ? "put a ticket on hold" : m == TicketMove.Reopen ? "reopen a ticket" : "cancel a ticket")}.");
            }
            string? problem = null, cause = null, remedy = null;
            if (m == TicketMove.Resolve)
            {
                problem = await MaintenanceCodes.CheckAsync(db, moveErrors, "problem_code", CodeKind.Problem, change.ProblemCode, ct);
                cause = await MaintenanceCodes.CheckAsync(db, moveErrors, "cause_code", CodeKind.Cause, change.CauseCode, ct);
                remedy = await MaintenanceCodes.CheckAsync(db, moveErrors, "remedy_code", CodeKind.Remedy, change.RemedyCode, ct);
            }
            if (moveErrors.Any)
            {
                return moveErrors.ToResult<TicketTouch>();
            }
            var machine = await db.Machines.SingleAsync(x => x.Id == ticket.MachineId, ct);
            var before = new { Status = from.Wire(), ticket.StatusReason };
            ticket.Status = target.Value;
            ticket.StatusReason = reason;
            ticket.Version++;
            switch (m)
            {
                case TicketMove.Start:
                    ticket.FirstStartedAt ??= now;
                    break;
                case TicketMove.Resolve:
                    ticket.ResolvedAt = now;
                    ticket.OpenFailureMachineId = null;
                    await EndPlannedAsync(db, ticket, now, done: true, ct);
                    ticket.ProblemCode = problem ?? ticket.ProblemCode;
                    ticket.CauseCode = cause ?? ticket.CauseCode;
                    ticket.RemedyCode = remedy ?? ticket.RemedyCode;
                    break;
                case TicketMove.Close:
                    ticket.ClosedAt = now;
                    break;
                case TicketMove.Cancel:
                    ticket.CancelledAt = now;
                    ticket.OpenFailureMachineId = null;
                    await EndPlannedAsync(db, ticket, now, done: false, ct);
                    break;
                case TicketMove.Reopen:
                    ticket.Reopened++;
                    ticket.ResolvedAt = null;
                    // The same failure again: it takes its machine's failure slot back unless another stop took it meanwhile.
                    if (ticket.Origin == TicketOrigin.Downtime && !await db.Tickets.AnyAsync(t => t.OpenFailureMachineId == ticket.MachineId && t.Id != ticket.Id, ct))
                    {
                        ticket.OpenFailureMachineId = ticket.MachineId;
                    }
                    // A reopened planned ticket is its schedule's open one again, unless the schedule opened another meanwhile.
                    if (ticket.ScheduleId is { } scheduleId && !await db.Tickets.AnyAsync(t => t.OpenScheduleId == scheduleId && t.Id != ticket.Id, ct))
                    {
                        ticket.OpenScheduleId = scheduleId;
                    }
                    break;
            }
            db.Record(ticket, actor.Name, now, "status", "status", from, target.Value);
            if (reason is not null)
            {
                db.Record(ticket, actor.Name, now, "status", "reason", null, reason);
            }
            if (m == TicketMove.Resolve && (problem ?? cause ?? remedy) is not null)
            {
                db.Record(ticket, actor.Name, now, "edited", "failure_code", null, $"{problem ?? "-"} / {cause ?? "-"} / {remedy ?? "-"}");
            }
            var touch = new TicketTouch(TicketChange.Status);
            // Resolving never sets a machine with a feed running: its telemetry or monitoring says when it runs.
            if (m == TicketMove.Resolve && change.MachineRunsAgain == true && machine.Feed == StateFeed.Manual && machine.State != MachineState.Running)
            {
                var work = new StateWork();
                await states.ApplyAsync(db, machine, MachineState.Running, StateSource.Manual, now, actor.Name, microStop, work, ct);
                db.Record(ticket, actor.Name, now, "status", "machine_state", machine.State.Wire(), "running");
                touch = touch with { MachineState = work };
            }
            db.Audit(actor, now, MaintenanceModule.Name, "ticket.status", "Ticket", ticket.Id.ToString(), before,
                new { Status = target.Value.Wire(), ticket.StatusReason, ticket.ProblemCode, ticket.CauseCode, ticket.RemedyCode, MachineRunsAgain = change.MachineRunsAgain });
            db.MachineEvents.Add(TicketJournal.Event(machine.Id, MachineEventKind.Ticket, now, now, StateSource.Manual,
                $"Ticket #{ticket.Id} {from.Wire()} → {target.Value.Wire()} by {actor.Name}", new { TicketId = ticket.Id, From = from.Wire(), To = target.Value.Wire() },
                ticketId: ticket.Id));
            metrics.TicketMoves.Add(1, new KeyValuePair<string, object?>("move", m.Wire()));
            return OpsResult<TicketTouch>.Ok(touch);
        }, ct);
    }

    /// <summary>Adds a comment (operators and up); it counts as a change of the ticket but needs no version.</summary>
    public async Task<OpsResult<TicketComment>> CommentAsync(Actor actor, long id, string? body, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        var errors = new FieldErrors();
        errors.Required("body", body, TicketComment.MaxBodyLength);
        if (errors.Any)
        {
            return errors.ToResult<TicketComment>();
        }
        TicketComment? comment = null;
        var result = await ChangeAsync(actor, id, null, async (db, ticket, now) =>
        {
            comment = new TicketComment { TicketId = ticket.Id, Author = actor.Name, Body = body!.Trim(), CreatedAt = now };
            db.TicketComments.Add(comment);
            ticket.Version++;
            db.Record(ticket, actor.Name, now, "comment", after: comment.Body.Length > 120 ? comment.Body[..119] + "…" : comment.Body);
            db.Audit(actor, now, MaintenanceModule.Name, "ticket.comment", "Ticket", ticket.Id.ToString(), null, new { comment.Body });
            await Task.CompletedTask;
            return OpsResult<TicketTouch>.Ok(new TicketTouch(TicketChange.Comment));
        }, ct);
        return result.Succeeded ? OpsResult<TicketComment>.Ok(comment!) : result.Map(_ => comment!);
    }

    /// <summary>
    /// Runs one change of one ticket in a transaction: reads it, refuses a stale <paramref name="version"/> with the
    /// changes the caller missed, applies <paramref name="apply"/> and saves; a concurrent save in between (the
    /// version is the concurrency token) is refused the same way.
    /// </summary>
    internal async Task<OpsResult<Ticket>> ChangeAsync(Actor actor, long id, int? version,
        Func<OpsDbContext, Ticket, DateTime, Task<OpsResult<TicketTouch>>> apply, CancellationToken ct, string? policy = null)
    {
        if (policy is not null)
        {
            await gate.EnsureAsync(actor, policy, ct);
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        Ticket? ticket = null;
        OpsResult<TicketTouch> outcome;
        try
        {
            outcome = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                ticket = await db.Tickets.SingleOrDefaultAsync(t => t.Id == id, ct);
                if (ticket is null)
                {
                    return OpsResult<TicketTouch>.NotFound($"No ticket {id}.");
                }
                if (version is { } v && v != ticket.Version)
                {
                    return await StaleAsync(db, ticket, v, ct);
                }
                var result = await apply(db, ticket, now);
                if (!result.Succeeded || result.Value!.Change is null)
                {
                    return result;
                }
                ticket.UpdatedAt = now;
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return result;
            });
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await contexts.CreateDbContextAsync(ct);
            var current = await fresh.Tickets.AsNoTracking().SingleAsync(t => t.Id == id, ct);
            var read = version ?? ticket!.Version - 1;
            return (await StaleAsync(fresh, current, read, ct)).Map(_ => current);
        }
        if (outcome.Succeeded && outcome.Value!.Change is { } change)
        {
            if (outcome.Value.MachineState is { } work)
            {
                states.Publish(work, ticket!.MachineId);
            }
            events.Publish(new TicketsChanged([id], change, ticket!.Status));
        }
        return outcome.Map(_ => ticket!);
    }

    private static async Task<OpsResult<TicketTouch>> StaleAsync(OpsDbContext db, Ticket current, int read, CancellationToken ct)
    {
        var missed = (await db.TicketHistory.AsNoTracking().Where(h => h.TicketId == current.Id && h.Version > read).OrderBy(h => h.Id).ToListAsync(ct))
            .Select(h => new MissedChange(h.Version, h.Actor, h.At, h.Action, h.Field, h.Before, h.After)).ToList();
        var fields = missed.Select(c => c.Field ?? c.Action).Distinct().ToList();
        return OpsResult<TicketTouch>.Conflict(
            $"Ticket #{current.Id} changed since you read it (your version {read}, now {current.Version}): {OpsNames.List(fields)} by " +
            $"{OpsNames.List(missed.Select(c => c.Actor).Distinct().ToList())}. Nothing was saved; look at the changes and try again.",
            new Dictionary<string, object?>
            {
                ["version"] = current.Version,
                ["your_version"] = read,
                ["changes"] = missed.Select(c => new Dictionary<string, object?>
                {
                    ["version"] = c.Version, ["actor"] = c.Actor, ["at"] = c.At, ["action"] = c.Action, ["field"] = c.Field, ["before"] = c.Before, ["after"] = c.After,
                }).ToList(),
            });
    }

    /// <summary>A schedule's planned ticket ends (resolved: done; cancelled: skipped): its schedule counts again from now (ADR 0030).</summary>
    private static async Task EndPlannedAsync(OpsDbContext db, Ticket ticket, DateTime now, bool done, CancellationToken ct)
    {
        if (ticket.OpenScheduleId is { } scheduleId)
        {
            ticket.OpenScheduleId = null;
            await MaintenanceSchedules.EndedAsync(db, scheduleId, now, done, ct);
        }
    }

    internal static Task<bool> UserExistsAsync(OpsDbContext db, string userName, CancellationToken ct) =>
        db.Users.AnyAsync(u => u.UserName == userName && !u.IsDisabled, ct);

    /// <summary>The names people may assign tickets to: enabled accounts with a role that may operate.</summary>
    public async Task<IReadOnlyList<string>> AssigneesAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var roles = OpsPolicies.RolesByPolicy[OpsPolicies.Operate];
        return await (from u in db.Users
                      join ur in db.UserRoles on u.Id equals ur.UserId
                      join r in db.Roles on ur.RoleId equals r.Id
                      where !u.IsDisabled && roles.Contains(r.Name!)
                      select u.UserName!).Distinct().OrderBy(n => n).ToListAsync(ct);
    }
}

/// <summary>What a ticket change did, for the event after the commit: null change = nothing to save.</summary>
internal sealed record TicketTouch(TicketChange? Change)
{
    public static readonly TicketTouch Nothing = new((TicketChange?)null);
    public StateWork? MachineState { get; init; }
}
