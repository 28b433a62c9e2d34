using System.Globalization;
using CsvHelper;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Csv;
using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;

namespace OpsConsole.Features.Audit;

public static class AuditApi
{
    public static void MapAuditApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/audit").WithTags("Audit").AllowedFor(OpsPolicies.Read);
        group.MapGet("/", ListAuditEntriesAsync).WithSummary("Audit entries, newest first, filtered and paged");
        group.MapGet("/export", ExportAuditEntriesAsync).WithSummary("Every matching audit entry as CSV, streamed")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
    }

    private static async Task<Results<Ok<PageResponse<AuditEntryResponse>>, ValidationProblem>> ListAuditEntriesAsync(AuditLog log,
        [AsParameters] AuditQuery query, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var filter = log.ReadFilter(errors, query.ToInput());
        var page = paging.Read(errors, AuditView.DefaultPageSize, AuditLog.MaxPageSize);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok(PageResponse<AuditEntryResponse>.From(await log.QueryAsync(filter, page, ct), AuditEntryResponse.From));
    }

    private static async Task<Results<EmptyHttpResult, ValidationProblem>> ExportAuditEntriesAsync(HttpContext http, AuditLog log,
        [AsParameters] AuditQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var filter = log.ReadFilter(errors, query.ToInput());
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, leaveOpen: true);
        await using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        csv.WriteHeader<AuditCsvRow>();
        await csv.NextRecordAsync();
        var rows = 0;
        await foreach (var e in log.StreamAsync(filter, ct))
        {
            // Every text column through the formula rule (ADR 0014): user names, entity ids and details come from outside.
            csv.WriteRecord(new AuditCsvRow(e.Id, e.OccurredAt.ToString("O", CultureInfo.InvariantCulture), CsvCells.Neutralise(e.Actor)!,
                CsvCells.Neutralise(e.Module)!, CsvCells.Neutralise(e.Action)!, CsvCells.Neutralise(e.EntityType)!, CsvCells.Neutralise(e.EntityId),
                CsvCells.Neutralise(e.Before), CsvCells.Neutralise(e.After)));
            await csv.NextRecordAsync();
            if (++rows % 1000 == 0)
            {
                await writer.FlushAsync(ct);
            }
        }
        await writer.FlushAsync(ct);
        return TypedResults.Empty;
    }

    private sealed record AuditCsvRow(long Id, string OccurredAt, string Actor, string Module, string Action, string EntityType,
        string? EntityId, string? Before, string? After);
}
