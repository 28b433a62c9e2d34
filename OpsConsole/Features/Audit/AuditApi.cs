using System.Globalization;
using CsvHelper;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Infrastructure.Api;

namespace OpsConsole.Features.Audit;

public static class AuditApi
{
    public static void MapAuditApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/audit").WithTags("Audit").RequireAuthorization(OpsPolicies.Read);
        group.MapGet("/", QueryAsync).WithSummary("Audit entries, newest first, filtered and paged");
        group.MapGet("/export", ExportAsync).WithSummary("Every matching audit entry as CSV, streamed");
    }

    private static async Task<IResult> QueryAsync(AuditLog log, string? actor, string? module, string? entity, string? text,
        DateTime? from, DateTime? to, int? page, int? pageSize, CancellationToken ct)
    {
        if (Validate(actor, module, entity, text, from, to) is { } invalid)
        {
            return invalid;
        }
        if (pageSize is < 1 or > AuditLog.MaxPageSize)
        {
            return ApiResults.Invalid("pageSize", $"pageSize must be between 1 and {AuditLog.MaxPageSize}.");
        }
        if (page is < 0)
        {
            return ApiResults.Invalid("page", "page starts at 0.");
        }
        return TypedResults.Ok(await log.QueryAsync(new AuditFilter(actor, module, entity, text, from, to), page ?? 0, pageSize ?? 50, ct));
    }

    private static async Task<IResult> ExportAsync(HttpContext http, AuditLog log, string? actor, string? module, string? entity,
        string? text, DateTime? from, DateTime? to, CancellationToken ct)
    {
        if (Validate(actor, module, entity, text, from, to) is { } invalid)
        {
            return invalid;
        }
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, leaveOpen: true);
        await using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        csv.WriteHeader<AuditCsvRow>();
        await csv.NextRecordAsync();
        var rows = 0;
        await foreach (var e in log.StreamAsync(new AuditFilter(actor, module, entity, text, from, to), ct))
        {
            csv.WriteRecord(new AuditCsvRow(e.Id, e.OccurredAt.ToString("O", CultureInfo.InvariantCulture), e.Actor, e.Module, e.Action,
                e.EntityType, e.EntityId, e.Before, e.After));
            await csv.NextRecordAsync();
            if (++rows % 1000 == 0)
            {
                await writer.FlushAsync(ct);
            }
        }
        await writer.FlushAsync(ct);
        return Results.Empty;
    }

    private static IResult? Validate(string? actor, string? module, string? entity, string? text, DateTime? from, DateTime? to)
    {
        if (actor?.Length > 256)
        {
            return ApiResults.Invalid("actor", "actor must be at most 256 characters.");
        }
        if (module is { Length: > 0 } && !OpsModules.All.Contains(module))
        {
            return ApiResults.Invalid("module", $"module must be one of {string.Join(", ", OpsModules.All)}.");
        }
        if (entity?.Length > 64)
        {
            return ApiResults.Invalid("entity", "entity must be at most 64 characters.");
        }
        if (text?.Length > 200)
        {
            return ApiResults.Invalid("text", "text must be at most 200 characters.");
        }
        if (from is not null && to is not null && from > to)
        {
            return ApiResults.Invalid("from", "from must be before to.");
        }
        return null;
    }

    private sealed record AuditCsvRow(long Id, string OccurredAt, string Actor, string Module, string Action, string EntityType,
        string? EntityId, string? Before, string? After);
}
