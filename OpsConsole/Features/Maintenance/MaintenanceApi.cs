using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Maintenance;

/// <summary>/api/maintenance (issue 18 item 11): machines and their downtime, tickets with comments, photos and parts, the parts ledger, codes, events.</summary>
public static partial class MaintenanceApi
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public static void MapMaintenanceApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/maintenance").WithTags("Maintenance");
        group.MapGet("/areas", ListAreasAsync).AllowedFor(OpsPolicies.Read).WithSummary("Areas of the plant");
        group.MapGet("/machines", ListMachinesAsync).AllowedFor(OpsPolicies.Read).WithSummary("Machines with their state, open period and open tickets");
        group.MapGet("/machines/{id}", GetMachineAsync).AllowedFor(OpsPolicies.Read).WithSummary("One machine");
        group.MapPut("/machines/{id}", EditMachineAsync).AllowedFor(OpsPolicies.Administer).WithSummary("Edit a machine's master data (admins; with its version)");
        group.MapPost("/machines/{id}/state", SetMachineStateAsync).AllowedFor(OpsPolicies.Operate)
            .WithSummary("Set a machine's state by hand (opens or closes its downtime)");
        group.MapGet("/machines/{id}/downtime", ListDowntimeAsync).AllowedFor(OpsPolicies.Read).WithSummary("A machine's downtime periods, newest first");
        group.MapPost("/machines/{id}/downtime", AddDowntimeAsync).AllowedFor(OpsPolicies.Operate).WithSummary("Enter a downtime period after the fact");
        group.MapPut("/downtime/{id}", CorrectDowntimeAsync).AllowedFor(OpsPolicies.Operate).WithSummary("Set or correct a period's reason, kind, note or ticket");
        group.MapGet("/tickets", ListTicketsAsync).AllowedFor(OpsPolicies.Read).WithSummary("Tickets, filtered and paged, active and most urgent first");
        group.MapPost("/tickets", CreateTicketAsync).AllowedFor(OpsPolicies.Operate).WithSummary("Report a problem: a new open ticket");
        group.MapGet("/tickets/{id}", GetTicketAsync).AllowedFor(OpsPolicies.Read).WithSummary("A ticket with its history, comments, photos, parts and stops");
        group.MapPut("/tickets/{id}", UpdateTicketAsync).AllowedFor(OpsPolicies.Operate)
            .WithSummary("Edit a ticket (title, description, priority, assignee, due) based on its version; 409 with what changed on a stale one");
        group.MapPost("/tickets/{id}/status", MoveTicketAsync).AllowedFor(OpsPolicies.Operate)
            .WithSummary("Move a ticket {status, reason}; 409 with `allowed` on an illegal move");
        group.MapPost("/tickets/{id}/comments", CommentAsync).AllowedFor(OpsPolicies.Operate).WithSummary("Comment on a ticket");
        group.MapPost("/tickets/{id}/photos", AttachPhotoAsync).AllowedFor(OpsPolicies.Operate).DisableAntiforgery()
            .TakesBody<IFormFile>("multipart/form-data")
            .WithSummary("Attach a photo (multipart 'file', optional 'comment_id'); at most 10 MB and 40 megapixels, stored upright without metadata");
        group.MapGet("/tickets/{id}/photos/{photoId}", ReadPhotoAsync).AllowedFor(OpsPolicies.Read).WithSummary("A ticket's photo (or its thumbnail)")
            .Produces<byte[]>(StatusCodes.Status200OK, "image/jpeg");
        group.MapPost("/tickets/{id}/parts", RecordTicketPartAsync).AllowedFor(OpsPolicies.Operate)
            .WithSummary("Record parts used on a ticket (an issue from stock, or a return)");
        group.MapGet("/parts", ListPartsAsync).AllowedFor(OpsPolicies.Read).WithSummary("Parts with on hand, reserved and available");
        group.MapPost("/parts", CreatePartAsync).AllowedFor(OpsPolicies.Administer).WithSummary("Create a part (admins)");
        group.MapGet("/parts/{id}", GetPartAsync).AllowedFor(OpsPolicies.Read).WithSummary("A part's stock and its reorder suggestion");
        group.MapGet("/parts/{id}/movements", ListMovementsAsync).AllowedFor(OpsPolicies.Read).WithSummary("A part's ledger, newest first");
        group.MapPost("/parts/{id}/movements", RecordMovementAsync).AllowedFor(OpsPolicies.Operate)
            .WithSummary("Append a ledger line (receipt, issue, return, adjustment); 409 with what is left when stock would go below zero");
        group.MapGet("/codes", ListCodesAsync).AllowedFor(OpsPolicies.Read).WithSummary("Downtime reasons and failure codes");
        group.MapPut("/codes", UpsertCodesAsync).AllowedFor(OpsPolicies.Administer).WithSummary("Add or change codes (admins; an array)");
        group.MapGet("/events", ListEventsAsync).AllowedFor(OpsPolicies.Read).WithSummary("The machine event log, newest first");
        MapScheduleRoutes(group);
        MapCalendarRoutes(group);
        MapLabelRoutes(group);
        MapMonitoringRoutes(group);
        MapSavedViewRoutes(group);
        group.MapGet("/production", ListProductionAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("Production records per machine and shift, newest day first");
        group.MapPost("/production/import", ImportProductionAsync).AllowedFor(OpsPolicies.Operate).DisableAntiforgery()
            .TakesBody<IFormFile>("multipart/form-data", "text/csv")
            .WithSummary("Import production records from CSV (text/csv body or a multipart 'file'): a per-row report; dry_run=true writes nothing; " +
                "with bad rows nothing is stored unless valid_rows_only=true; an upsert on (machine, date, shift)");
    }

    private static async Task<Ok<List<AreaResponse>>> ListAreasAsync(MachineDirectory machines, CancellationToken ct) =>
        TypedResults.Ok((await machines.AreasAsync(ct)).Select(a => new AreaResponse(a.Id, a.Name, a.Description)).ToList());

    private static async Task<Results<Ok<List<MachineResponse>>, ValidationProblem>> ListMachinesAsync(MachineDirectory machines, [AsParameters] MachinesQuery query,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        var area = errors.OptionalInt("area", query.Area, 1, int.MaxValue);
        var state = errors.OptionalChoice<MachineState>("state", query.State);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok((await machines.BoardAsync(area, state, ct)).Select(MachineResponse.From).ToList());
    }

    private static async Task<Results<Ok<MachineResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> GetMachineAsync(long id,
        MachineDirectory machines, CancellationToken ct) =>
        (await machines.GetAsync(id, ct)).ToHttp(t => TypedResults.Ok(MachineResponse.From(t)));

    private static async Task<Results<Ok<MachineResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> EditMachineAsync(long id,
        MachineEditRequest request, MachineDirectory machines, HttpContext http, CancellationToken ct)
    {
        var edited = await machines.EditAsync(http.User.ToActor(), id, request.ToInput(), ct);
        var result = edited.Succeeded ? await machines.GetAsync(id, ct) : edited.Map(_ => (MachineTile)null!);
        return result.ToHttp(t => TypedResults.Ok(MachineResponse.From(t)));
    }

    private static async Task<Results<Ok<StateChangeResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> SetMachineStateAsync(long id,
        MachineStateRequest request, MachineStates states, HttpContext http, CancellationToken ct) =>
        id > int.MaxValue
            ? ApiResults.NotFound($"No machine {id}.")
            : (await states.SetManualStateAsync(http.User.ToActor(), (int)id, request.State, request.Note, ct)).ToHttp(c => TypedResults.Ok(StateChangeResponse.From(c)));

    private static async Task<Results<Ok<PageResponse<DowntimePeriodResponse>>, ValidationProblem, NotFoundProblem, ConflictProblem>> ListDowntimeAsync(long id,
        DowntimeLog log, [AsParameters] DowntimeQuery query, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var page = paging.Read(errors, DefaultPageSize, MaxPageSize);
        var from = errors.OptionalInstant("from", query.From);
        var to = errors.OptionalInstant("to", query.To);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return (await log.ListAsync(id, from, to, page, ct)).ToHttp(p => TypedResults.Ok(PageResponse<DowntimePeriodResponse>.From(p, DowntimePeriodResponse.From)));
    }

    private static async Task<Results<Created<DowntimePeriodResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> AddDowntimeAsync(long id,
        NewDowntimeRequest request, DowntimeLog log, HttpContext http, CancellationToken ct) =>
        (await log.AddAsync(http.User.ToActor(), id, request.ToInput(), ct))
            .ToHttp(p => TypedResults.Created($"/api/maintenance/machines/{id}/downtime", DowntimePeriodResponse.From(p)));

    private static async Task<Results<Ok<DowntimePeriodResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> CorrectDowntimeAsync(long id,
        DowntimeCorrectionRequest request, DowntimeLog log, HttpContext http, CancellationToken ct) =>
        (await log.CorrectAsync(http.User.ToActor(), id, request.ToInput(), ct)).ToHttp(p => TypedResults.Ok(DowntimePeriodResponse.From(p)));

    private static async Task<Results<Ok<PageResponse<TicketResponse>>, ValidationProblem>> ListTicketsAsync(TicketService tickets,
        [AsParameters] TicketsQuery query, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var page = paging.Read(errors, DefaultPageSize, TicketService.MaxPageSize);
        var filter = tickets.ReadFilter(errors, query.ToInput());
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok(PageResponse<TicketResponse>.From(await tickets.ListAsync(filter, page, ct), TicketResponse.From));
    }

    private static async Task<Results<Created<TicketResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> CreateTicketAsync(NewTicketRequest request,
        TicketService tickets, HttpContext http, CancellationToken ct) =>
        (await tickets.CreateAsync(http.User.ToActor(), request.ToInput(), ct)).ToHttp(t => TypedResults.Created($"/api/maintenance/tickets/{t.Id}", TicketResponse.From(t)));

    private static async Task<Results<Ok<TicketDetailResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> GetTicketAsync(long id,
        TicketService tickets, CancellationToken ct) =>
        (await tickets.GetAsync(id, ct)).ToHttp(d => TypedResults.Ok(TicketDetailResponse.From(d)));

    private static async Task<Results<Ok<TicketResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> UpdateTicketAsync(long id,
        TicketUpdateRequest request, TicketService tickets, HttpContext http, CancellationToken ct) =>
        (await tickets.UpdateAsync(http.User.ToActor(), id, request.ToInput(), ct)).ToHttp(t => TypedResults.Ok(TicketResponse.From(t)));

    private static async Task<Results<Ok<TicketResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> MoveTicketAsync(long id,
        TicketStatusRequest request, TicketService tickets, HttpContext http, CancellationToken ct) =>
        (await tickets.MoveAsync(http.User.ToActor(), id, request.ToInput(), ct)).ToHttp(t => TypedResults.Ok(TicketResponse.From(t)));

    private static async Task<Results<Created<CommentResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> CommentAsync(long id,
        CommentRequest request, TicketService tickets, HttpContext http, CancellationToken ct) =>
        (await tickets.CommentAsync(http.User.ToActor(), id, request.Body, ct))
            .ToHttp(c => TypedResults.Created($"/api/maintenance/tickets/{id}", CommentResponse.From(c)));

    private static async Task<Results<Created<PhotoResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, UploadRefusedProblem>> AttachPhotoAsync(long id,
        TicketPhotos photos, HttpContext http, CancellationToken ct)
    {
        var read = await UploadReader.ReadAsync(http.Request, PhotoProcessor.MaxBytes, ct);
        if (read.Invalid is { } invalid)
        {
            return invalid;
        }
        if (read.Refused is { } refused)
        {
            return refused;
        }
        await using var upload = read.Upload!;
        var errors = new FieldErrors();
        var commentId = errors.OptionalId("comment_id", read.Form?["comment_id"].ToString());
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        using var buffer = new MemoryStream();
        await upload.Content.CopyToAsync(buffer, ct);
        return (await photos.AttachAsync(http.User.ToActor(), id, commentId, upload.FileName, buffer.ToArray(), ct)).ToHttp(p =>
            TypedResults.Created($"/api/maintenance/tickets/{id}/photos/{p.Id}", PhotoResponse.From(p))).Result switch
        {
            Created<PhotoResponse> created => created,
            ValidationProblem v => v,
            NotFoundProblem n => n,
            ConflictProblem c => c,
            var other => throw new InvalidOperationException(other.GetType().Name),
        };
    }

    private static async Task<Results<FileStreamHttpResult, NotFoundProblem>> ReadPhotoAsync(long id, long photoId, bool? thumbnail, TicketPhotos photos,
        CancellationToken ct)
    {
        var result = await photos.ReadAsync(id, photoId, thumbnail == true, ct);
        if (!result.Succeeded)
        {
            return ApiResults.NotFound(result.Describe());
        }
        var (content, type, _) = result.Value;
        return TypedResults.Stream(content, type);
    }

    private static async Task<Results<Created<MovementResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> RecordTicketPartAsync(long id,
        TicketPartRequest request, PartsLedger ledger, HttpContext http, CancellationToken ct)
    {
        if (request.PartId is not { } partId)
        {
            return ApiResults.Invalid("part_id", "part_id is required.");
        }
        var kind = string.IsNullOrWhiteSpace(request.Kind) ? "issue" : request.Kind;
        if (kind is not ("issue" or "return"))
        {
            return ApiResults.Invalid("kind", "kind must be issue or return.");
        }
        return (await ledger.RecordAsync(http.User.ToActor(), partId, new MovementInput(kind, request.Quantity, request.OccurredAt, id, null), ct))
            .ToHttp(m => TypedResults.Created($"/api/maintenance/parts/{partId}/movements", MovementResponse.From(m)));
    }

    private static async Task<Results<Ok<List<PartResponse>>, ValidationProblem>> ListPartsAsync(PartsLedger ledger, [AsParameters] PartsQuery query,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        var low = errors.OptionalFlag("low", query.Low);
        var search = errors.OptionalText("q", query.Search, 100);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok((await ledger.StockAsync(low == true, search, ct)).Select(PartResponse.From).ToList());
    }

    private static async Task<Results<Created<PartResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> CreatePartAsync(NewPartRequest request,
        PartsLedger ledger, HttpContext http, CancellationToken ct) =>
        (await ledger.CreateAsync(http.User.ToActor(), request.ToInput(), ct))
            .ToHttp(p => TypedResults.Created($"/api/maintenance/parts/{p.Id}", PartResponse.From(new PartStock(p, 0, 0))));

    private static async Task<Results<Ok<PartDetailResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> GetPartAsync(long id, PartsLedger ledger,
        CancellationToken ct)
    {
        var stock = await ledger.GetAsync(id, ct);
        if (!stock.Succeeded)
        {
            return ApiResults.NotFound(stock.Describe());
        }
        var r = (await ledger.ReorderAsync(id, ct)).Value!;
        return TypedResults.Ok(new PartDetailResponse(PartResponse.From(stock.Value!),
            new ReorderResponse(r.DailyUse, r.DaysLeft, r.OrderBy, r.SuggestedQuantity, r.Explanation)));
    }

    private static async Task<Results<Ok<PageResponse<MovementResponse>>, ValidationProblem, NotFoundProblem, ConflictProblem>> ListMovementsAsync(long id,
        PartsLedger ledger, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var page = paging.Read(errors, DefaultPageSize, MaxPageSize);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return (await ledger.MovementsAsync(id, page, ct)).ToHttp(p => TypedResults.Ok(PageResponse<MovementResponse>.From(p, MovementResponse.From)));
    }

    private static async Task<Results<Created<MovementResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> RecordMovementAsync(long id,
        MovementRequest request, PartsLedger ledger, HttpContext http, CancellationToken ct) =>
        (await ledger.RecordAsync(http.User.ToActor(), id, request.ToInput(), ct))
            .ToHttp(m => TypedResults.Created($"/api/maintenance/parts/{id}/movements", MovementResponse.From(m)));

    private static async Task<Results<Ok<List<CodeResponse>>, ValidationProblem>> ListCodesAsync(MaintenanceCodes codes, string? kind, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var k = errors.OptionalChoice<CodeKind>("kind", kind);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok((await codes.ListAsync(k, false, ct)).Select(c => new CodeResponse(c.Kind, c.Code, c.Label, c.Planned, c.Active)).ToList());
    }

    private static async Task<Results<Ok<CodesUpsertedResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> UpsertCodesAsync(CodeRequest[] request,
        MaintenanceCodes codes, HttpContext http, CancellationToken ct) =>
        (await codes.UpsertAsync(http.User.ToActor(), request.Select(c => new CodeInput(c.Kind, c.Code, c.Label, c.Planned, c.Active)).ToList(), ct))
            .ToHttp(n => TypedResults.Ok(new CodesUpsertedResponse(n)));

    private static async Task<Results<Ok<PageResponse<MachineEventResponse>>, ValidationProblem>> ListEventsAsync(MachineDirectory machines,
        [AsParameters] EventsQuery query, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var page = paging.Read(errors, DefaultPageSize, MaxPageSize);
        var machine = errors.OptionalInt("machine_id", query.MachineId, 1, int.MaxValue);
        var kind = errors.OptionalChoice<MachineEventKind>("kind", query.Kind);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok(PageResponse<MachineEventResponse>.From(await machines.EventsAsync(machine, kind, page, ct), MachineEventResponse.From));
    }

    private static async Task<Results<Ok<PageResponse<ProductionRecordResponse>>, ValidationProblem>> ListProductionAsync(ProductionLog log,
        [AsParameters] ProductionQuery query, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var page = paging.Read(errors, DefaultPageSize, ProductionLog.MaxPageSize);
        var filter = ProductionLog.ReadFilter(errors, query.ToInput());
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok(PageResponse<ProductionRecordResponse>.From(await log.ListAsync(filter, page, ct), ProductionRecordResponse.From));
    }

    private static async Task<Results<Ok<ProductionImportResponse>, ValidationProblem, UploadRefusedProblem>> ImportProductionAsync(HttpContext http,
        [AsParameters] ProductionImportQuery query, ProductionImport import, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var dryRun = errors.OptionalFlag("dry_run", query.DryRun) ?? false;
        var validRowsOnly = errors.OptionalFlag("valid_rows_only", query.ValidRowsOnly) ?? false;
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        var read = await UploadReader.ReadAsync(http.Request, ProductionImport.MaxBytes, ct);
        if (read.Invalid is { } invalid)
        {
            return invalid;
        }
        if (read.Refused is { } refused)
        {
            return refused;
        }
        await using var upload = read.Upload!;
        var report = await import.ImportAsync(http.User.ToActor(), upload.Content, new ProductionImportRequest(dryRun, validRowsOnly, upload.FileName), ct);
        var response = ProductionImportResponse.From(report);
        if (report.Readable && !report.RefusedForBadRows)
        {
            return TypedResults.Ok(response);
        }
        // The same shape as the suggestions import: the errors by "line N: column", the whole report beside them.
        var byLine = report.Problems.GroupBy(p => p.Line > 0 ? $"line {p.Line}: {p.Column}" : p.Column).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray());
        return TypedResults.ValidationProblem(byLine,
            title: report.Readable
                ? $"Nothing was imported: {report.InvalidRows} of {report.Rows} rows are invalid. Fix them, or import the valid rows only (valid_rows_only=true)."
                : "Nothing was imported: the file cannot be read as production records.",
            extensions: new Dictionary<string, object?> { ["report"] = response });
    }
}
