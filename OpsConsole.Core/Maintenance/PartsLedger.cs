using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Alerts;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Shared.Settings;

namespace OpsConsole.Core.Maintenance;

/// <summary>A part's stock, as every screen and the API show it: on hand (the ledger's sum), reserved by active tickets, available.</summary>
public sealed record PartStock(Part Part, int OnHand, int Reserved)
{
    public int Available => OnHand - Reserved;
    public bool Low => Part.ReorderLevel > 0 && Available <= Part.ReorderLevel;
}

/// <summary>When to order a part again: its use per day over the consumption window, the days its stock lasts and how many to order.</summary>
public sealed record ReorderSuggestion(int PartId, double DailyUse, double? DaysLeft, DateOnly? OrderBy, int SuggestedQuantity, string Explanation);

/// <summary>A ledger line as a caller sends it: a positive quantity (an adjustment may be negative), when it happened, a ticket for an issue or return.</summary>
public sealed record MovementInput(string? Kind, int? Quantity, string? OccurredAt, long? TicketId, string? Reason);

public sealed record PartInput(int? Version, string? Number, string? Name, string? Unit, string? Location, int? ReorderLevel, int? ReorderQuantity,
    int? LeadTimeDays, decimal? UnitCost, bool? Active);

/// <summary>
/// The parts ledger (issue 18 item 7, ADR 0024): append-only movements, on hand as their sum, never below zero now or
/// at any past moment. Every movement of a part first bumps the part's <see cref="Part.LedgerVersion"/> in its
/// transaction: that update is the part's lock, so the balance check and the insert that follows are one atomic step
/// (two issues of the last part: one succeeds, the other is refused with what is left).
/// </summary>
public sealed class PartsLedger(IDbContextFactory<OpsDbContext> contexts, OpsAlerts alerts, RuntimeSettings settings, IOpsEventStream events,
    MaintenanceMetrics metrics, TimeProvider time, AccountGate gate)
{
    public const string LowStockKeyPrefix = "low-stock:";
    public const int MaxQuantity = 1_000_000;

    /// <summary>The one definition of on hand, reserved and available: one query for every part (or one).</summary>
    public static IQueryable<PartStockRow> StockQuery(OpsDbContext db)
    {
        // Locals: an expression tree cannot hold the sets' extension properties.
        var movements = db.PartMovements;
        var reservations = db.PartReservations;
        var tickets = db.Tickets;
        return from p in db.Parts.AsNoTracking()
        select new PartStockRow
        {
            Part = p,
            OnHand = movements.Where(m => m.PartId == p.Id).Sum(m => (int?)m.Quantity) ?? 0,
            Reserved = (from r in reservations
                        join t in tickets on r.TicketId equals t.Id
                        where r.PartId == p.Id && (t.Status == TicketStatus.Open || t.Status == TicketStatus.InProgress || t.Status == TicketStatus.OnHold)
                        select (int?)r.Quantity).Sum() ?? 0,
        };
    }

    public async Task<IReadOnlyList<PartStock>> StockAsync(bool lowOnly = false, string? search = null, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = StockQuery(db);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim();
            query = query.Where(r => r.Part.Number.Contains(s) || r.Part.Name.Contains(s));
        }
        var rows = (await query.ToListAsync(ct)).Select(r => new PartStock(r.Part, r.OnHand, r.Reserved));
        return rows.Where(r => !lowOnly || r.Low).OrderBy(r => r.Part.Number, StringComparer.Ordinal).ToList();
    }

    public async Task<OpsResult<PartStock>> GetAsync(long partId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await StockQuery(db).SingleOrDefaultAsync(r => r.Part.Id == partId, ct);
        return row is null ? OpsResult<PartStock>.NotFound($"No part {partId}.") : OpsResult<PartStock>.Ok(new PartStock(row.Part, row.OnHand, row.Reserved));
    }

    public async Task<OpsResult<Page<PartMovement>>> MovementsAsync(long partId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Parts.AnyAsync(p => p.Id == partId, ct))
        {
            return OpsResult<Page<PartMovement>>.NotFound($"No part {partId}.");
        }
        var lines = db.PartMovements.AsNoTracking().Where(m => m.PartId == partId);
        return OpsResult<Page<PartMovement>>.Ok(await lines.PageAsync(q => q.OrderByDescending(m => m.OccurredAt).ThenByDescending(m => m.Id), page, ct));
    }

    /// <summary>
    /// Appends one ledger line (operators and up). An issue names an active or resolved ticket; a receipt or return adds;
    /// an adjustment is signed and needs a reason. Refused when on hand would go below zero, now or at any moment after a
    /// back-dated line.
    /// </summary>
    public async Task<OpsResult<PartMovement>> RecordAsync(Actor actor, long partId, MovementInput input, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        var errors = new FieldErrors();
        var kind = errors.OptionalChoice<MovementKind>("kind", input.Kind);
        if (kind is null && string.IsNullOrWhiteSpace(input.Kind))
        {
            errors.Add("kind", "kind is required: receipt, issue, return or adjustment.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var at = errors.OptionalInstant("occurred_at", input.OccurredAt) ?? now;
        if (at > now.AddMinutes(5))
        {
            errors.Add("occurred_at", "occurred_at may not be in the future.");
        }
        var reason = errors.OptionalText("reason", input.Reason, PartMovement.MaxReasonLength);
        if (input.Quantity is not { } quantity || quantity == 0 || Math.Abs(quantity) > MaxQuantity)
        {
            errors.Add("quantity", $"quantity is required: a whole number from 1 to {MaxQuantity}{(kind == MovementKind.Adjustment ? " (negative to take away)" : "")}.");
            quantity = 0;
        }
        else if (quantity < 0 && kind != MovementKind.Adjustment)
        {
            errors.Add("quantity", "quantity must be positive; only an adjustment may be negative.");
        }
        if (kind == MovementKind.Adjustment && reason is null)
        {
            errors.Add("reason", "reason is required for an adjustment.");
        }
        if (kind == MovementKind.Issue && input.TicketId is null)
        {
            errors.Add("ticket_id", "ticket_id is required: parts are issued to a ticket.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var part = await db.Parts.AsNoTracking().SingleOrDefaultAsync(p => p.Id == partId, ct);
        if (part is null)
        {
            return OpsResult<PartMovement>.NotFound($"No part {partId}.");
        }
        if (input.TicketId is { } ticketId)
        {
            var status = await db.Tickets.Where(t => t.Id == ticketId).Select(t => (TicketStatus?)t.Status).SingleOrDefaultAsync(ct);
            if (status is null)
            {
                errors.Add("ticket_id", $"ticket_id {ticketId} is not a known ticket.");
            }
            else if (status is TicketStatus.Cancelled or TicketStatus.Closed)
            {
                errors.Add("ticket_id", $"Ticket #{ticketId} is {status.Value.Wire()}; parts are recorded on open or resolved tickets.");
            }
        }
        if (errors.Any)
        {
            return errors.ToResult<PartMovement>();
        }
        var signed = kind is MovementKind.Issue ? -quantity : quantity;
        var line = new PartMovement
        {
            PartId = part.Id, Kind = kind!.Value, Quantity = signed, OccurredAt = at, RecordedAt = now, TicketId = input.TicketId, Reason = reason, Actor = actor.Name,
        };
        var (result, before, after) = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // The part's lock: a concurrent movement of the same part waits here until this one commits or rolls back.
            await db.Parts.Where(p => p.Id == part.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.LedgerVersion, p => p.LedgerVersion + 1), ct);
            var stock = await StockQuery(db).SingleAsync(r => r.Part.Id == part.Id, ct);
            var before = new PartStock(stock.Part, stock.OnHand, stock.Reserved);
            if (signed < 0 && await RefusalAsync(db, part, at, signed, before.OnHand, ct) is { } refusal)
            {
                metrics.Movements.Add(1, new("kind", kind.Value.Wire()), new("outcome", "refused"));
                return (OpsResult<PartMovement>.Conflict(refusal.Message, new Dictionary<string, object?>
                {
                    ["on_hand"] = before.OnHand, ["available"] = before.Available, ["quantity_left"] = refusal.Left, ["at"] = refusal.At,
                }), before, before);
            }
            db.PartMovements.Add(line);
            // An issue consumes what its ticket had reserved of the part.
            var reservation = kind == MovementKind.Issue
                ? await db.PartReservations.SingleOrDefaultAsync(r => r.TicketId == input.TicketId && r.PartId == part.Id, ct)
                : null;
            var reservedFreed = 0;
            if (reservation is not null)
            {
                reservedFreed = Math.Min(reservation.Quantity, quantity);
                reservation.Quantity -= reservedFreed;
                if (reservation.Quantity == 0)
                {
                    db.PartReservations.Remove(reservation);
                }
            }
            await db.SaveChangesAsync(ct);
            var after = new PartStock(before.Part, before.OnHand + signed, before.Reserved - reservedFreed);
            db.Audit(actor, now, MaintenanceModule.Name, $"part.{kind.Value.Wire()}", "Part", part.Id.ToString(), new { before.OnHand, before.Reserved },
                new { MovementId = line.Id, line.Quantity, line.OccurredAt, line.TicketId, line.Reason, after.OnHand, after.Reserved });
            if (line.TicketId is { } tid)
            {
                var ticket = await db.Tickets.SingleAsync(t => t.Id == tid, ct);
                ticket.Version++;
                ticket.UpdatedAt = now;
                db.Record(ticket, actor.Name, now, "part", part.Number, null, $"{kind.Value.Wire()} {Math.Abs(signed)} {part.Unit} {part.Number} ({part.Name})");
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return (OpsResult<PartMovement>.Ok(line), before, after);
        });
        if (!result.Succeeded)
        {
            return result;
        }
        metrics.Movements.Add(1, new("kind", kind.Value.Wire()), new("outcome", "stored"));
        await AlertAsync(before, after, ct);
        events.Publish(new PartsChanged([part.Id]));
        if (line.TicketId is { } touched)
        {
            events.Publish(new TicketsChanged([touched], TicketChange.Parts));
        }
        return result;
    }

    private sealed record Refusal(string Message, int Left, DateTime At);

    /// <summary>
    /// Why taking <paramref name="signed"/> at <paramref name="at"/> would make on hand negative: now (nothing later in the
    /// ledger), or at any moment from <paramref name="at"/> on (a back-dated line shifts every later balance).
    /// </summary>
    private static async Task<Refusal?> RefusalAsync(OpsDbContext db, Part part, DateTime at, int signed, int onHandNow, CancellationToken ct)
    {
        var later = await db.PartMovements.AsNoTracking().Where(m => m.PartId == part.Id && m.OccurredAt > at)
            .OrderBy(m => m.OccurredAt).ThenBy(m => m.Id).Select(m => new { m.OccurredAt, m.Quantity }).ToListAsync(ct);
        if (later.Count == 0)
        {
            return onHandNow + signed < 0
                ? new Refusal($"Only {onHandNow} {part.Unit} of {part.Number} on hand; {-signed} cannot be taken.", onHandNow, at)
                : null;
        }
        var balance = onHandNow - later.Sum(m => m.Quantity); // on hand at `at`, before this line
        if (balance + signed < 0)
        {
            return new Refusal($"On {at:yyyy-MM-dd HH:mm} UTC only {balance} {part.Unit} of {part.Number} were on hand; {-signed} cannot be taken then.", balance, at);
        }
        var running = balance + signed;
        foreach (var m in later)
        {
            running += m.Quantity;
            if (running < 0)
            {
                return new Refusal($"Taking {-signed} {part.Unit} of {part.Number} on {at:yyyy-MM-dd HH:mm} UTC would leave {running} on hand on " +
                                   $"{m.OccurredAt:yyyy-MM-dd HH:mm} UTC, after a later movement; the ledger's history cannot go below zero.",
                    Math.Max(0, running - signed), m.OccurredAt);
            }
        }
        return null;
    }

    /// <summary>A low-stock alert is raised once when available falls to the reorder level and cleared when a restock lifts it.</summary>
    private async Task AlertAsync(PartStock before, PartStock after, CancellationToken ct)
    {
        var part = after.Part;
        if (after.Low && !before.Low)
        {
            await alerts.RaiseAsync(new AlertSignal(MaintenanceModule.Name, LowStockKeyPrefix + part.Number, AlertSeverity.Warning,
                $"{part.Number} low: {after.Available} {part.Unit} available",
                $"{part.Name} ({part.Number}) is at {after.Available} {part.Unit} available (on hand {after.OnHand}, reserved {after.Reserved}); its reorder level is {part.ReorderLevel}.",
                $"/maintenance/parts?part_id={part.Id}"), ct);
        }
        else if (!after.Low && before.Low)
        {
            await alerts.ClearAsync(MaintenanceModule.Name, LowStockKeyPrefix + part.Number, ct);
        }
    }

    /// <summary>
    /// When to order: the part's daily use over the consumption window (issues less returns), how many days the available
    /// stock lasts, the day to order by (its lead time before that), and a quantity that covers the lead time back to above
    /// the reorder level (at least the part's reorder quantity).
    /// </summary>
    public async Task<OpsResult<ReorderSuggestion>> ReorderAsync(long partId, CancellationToken ct = default)
    {
        var days = (await settings.ReadAsync(MaintenanceModule.Name, ct)).Whole(MaintenanceSettings.ConsumptionDaysKey);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await StockQuery(db).SingleOrDefaultAsync(r => r.Part.Id == partId, ct);
        if (row is null)
        {
            return OpsResult<ReorderSuggestion>.NotFound($"No part {partId}.");
        }
        var since = now.AddDays(-days);
        var used = -(await db.PartMovements.Where(m => m.PartId == partId && m.OccurredAt >= since && (m.Kind == MovementKind.Issue || m.Kind == MovementKind.Return))
            .SumAsync(m => (int?)m.Quantity, ct) ?? 0);
        return OpsResult<ReorderSuggestion>.Ok(Suggest(new PartStock(row.Part, row.OnHand, row.Reserved), Math.Max(0, used), days, DateOnly.FromDateTime(now)));
    }

    public static ReorderSuggestion Suggest(PartStock stock, int usedInWindow, int windowDays, DateOnly today)
    {
        var part = stock.Part;
        var daily = (double)usedInWindow / windowDays;
        var available = stock.Available;
        if (daily <= 0)
        {
            var qty = stock.Low ? Math.Max(part.ReorderQuantity, part.ReorderLevel + 1 - available) : 0;
            return new ReorderSuggestion(part.Id, 0, null, stock.Low ? today : null, qty,
                $"No use in the last {windowDays} days; " + (stock.Low ? $"available {available} is at or below the reorder level {part.ReorderLevel}." : "no order needed."));
        }
        var daysLeft = Math.Max(0, (available - part.ReorderLevel) / daily);
        var orderBy = today.AddDays((int)Math.Floor(Math.Max(0, daysLeft - part.LeadTimeDays)));
        var cover = (int)Math.Ceiling(daily * part.LeadTimeDays) + part.ReorderLevel + 1 - available;
        var quantity = Math.Max(part.ReorderQuantity, Math.Max(0, cover));
        return new ReorderSuggestion(part.Id, Math.Round(daily, 3), Math.Round(daysLeft, 1), orderBy, quantity,
            $"{usedInWindow} {part.Unit} used in {windowDays} days ({daily:0.##}/day): available {available} reaches the reorder level {part.ReorderLevel} " +
            $"in {daysLeft:0.#} days; with a lead time of {part.LeadTimeDays} days, order {quantity} by {orderBy:yyyy-MM-dd}.");
    }

    /// <summary>Creates a part (admins); its stock starts at zero (a receipt brings it in).</summary>
    public async Task<OpsResult<Part>> CreateAsync(Actor actor, PartInput input, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        var errors = new FieldErrors();
        errors.Required("number", input.Number, Part.MaxNumberLength);
        errors.Required("name", input.Name, 200);
        ValidateNumbers(errors, input);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var number = input.Number?.Trim();
        if (number is { Length: > 0 } && await db.Parts.AnyAsync(p => p.Number == number, ct))
        {
            errors.Add("number", $"number {number} is already a part.");
        }
        if (errors.Any)
        {
            return errors.ToResult<Part>();
        }
        var part = new Part
        {
            Number = number!, Name = input.Name!.Trim(), Unit = string.IsNullOrWhiteSpace(input.Unit) ? "pcs" : input.Unit.Trim(), Location = input.Location?.Trim(),
            ReorderLevel = input.ReorderLevel ?? 0, ReorderQuantity = input.ReorderQuantity ?? 0, LeadTimeDays = input.LeadTimeDays ?? 0,
            UnitCost = input.UnitCost ?? 0, Active = input.Active ?? true, Version = 1,
        };
        db.Parts.Add(part);
        await db.SaveChangesAsync(ct);
        db.Audit(actor, time.GetUtcNow(), MaintenanceModule.Name, "part.create", "Part", part.Id.ToString(), null,
            new { part.Number, part.Name, part.ReorderLevel, part.ReorderQuantity, part.LeadTimeDays, part.UnitCost });
        await db.SaveChangesAsync(ct);
        events.Publish(new PartsChanged([part.Id]));
        return OpsResult<Part>.Ok(part);
    }

    private static void ValidateNumbers(FieldErrors errors, PartInput input)
    {
        errors.MaxLength("unit", input.Unit, 16);
        errors.MaxLength("location", input.Location, 100);
        if (input.ReorderLevel is < 0 or > MaxQuantity)
        {
            errors.Add("reorder_level", $"reorder_level must be from 0 to {MaxQuantity}.");
        }
        if (input.ReorderQuantity is < 0 or > MaxQuantity)
        {
            errors.Add("reorder_quantity", $"reorder_quantity must be from 0 to {MaxQuantity}.");
        }
        if (input.LeadTimeDays is < 0 or > 365)
        {
            errors.Add("lead_time_days", "lead_time_days must be from 0 to 365.");
        }
        if (input.UnitCost is < 0 or > 10_000_000)
        {
            errors.Add("unit_cost", "unit_cost must be from 0 to 10000000.");
        }
    }
}

/// <summary>The stock query's row (a class, so EF can project into it and filter on its members).</summary>
public sealed class PartStockRow
{
    public required Part Part { get; init; }
    public int OnHand { get; init; }
    public int Reserved { get; init; }
}
