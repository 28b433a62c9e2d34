using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Etl;

public sealed record FetchBody(
    [property: JsonPropertyName("branch")] string? Branch,
    [property: JsonPropertyName("pos")] int? Pos,
    [property: JsonPropertyName("date")] string? Date,
    [property: JsonPropertyName("force")] bool? Force);

public sealed record JobIdsBody([property: JsonPropertyName("ids")] Guid[]? Ids, [property: JsonPropertyName("filter")] JobFilterBody? Filter,
    [property: JsonPropertyName("force")] bool? Force);

public sealed record JobFilterBody(
    [property: JsonPropertyName("branch")] string? Branch,
    [property: JsonPropertyName("pos")] int? Pos,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("to")] string? To,
    [property: JsonPropertyName("q")] string? Text);

public sealed record MissingRunBody(
    [property: JsonPropertyName("branches_missing")] Dictionary<string, Dictionary<string, List<string>>>? BranchesMissing,
    [property: JsonPropertyName("filter")] MissingFilterBody? Filter,
    [property: JsonPropertyName("mode")] string? Mode);

public sealed record MissingFilterBody(
    [property: JsonPropertyName("start")] string? Start,
    [property: JsonPropertyName("end")] string? End,
    [property: JsonPropertyName("branch")] string? Branch);

public sealed record BranchBody(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("pos_count")] int? PosCount,
    [property: JsonPropertyName("is_active")] bool? IsActive,
    [property: JsonPropertyName("active_from")] string? ActiveFrom,
    [property: JsonPropertyName("parser_config")] JsonElement? ParserConfig);

/// <summary>Seed 3's API under /api: jobs, missing, branches, files and records, with 202 for queued work.</summary>
public static class EtlApi
{
    public const int MaxRangeDays = EtlMissingData.MaxDays;

    public static void MapEtlApi(this IEndpointRouteBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("ETL jobs");
        jobs.MapPost("/fetch", FetchAsync).RequireAuthorization(OpsPolicies.Operate)
            .WithSummary("Queue (branch, pos, date); returns the existing job when it is queued, running or already succeeded (unless force)");
        jobs.MapGet("/", ListJobsAsync).RequireAuthorization(OpsPolicies.Read);
        jobs.MapGet("/{id:guid}", async (Guid id, EtlService etl, CancellationToken ct) =>
            await etl.JobAsync(id, ct) is { } detail ? TypedResults.Ok(JobDetailBody(detail)) : NotFound($"No job {id}."))
            .RequireAuthorization(OpsPolicies.Read);
        jobs.MapPost("/{id:guid}/retry", async (Guid id, HttpContext http, EtlService etl, CancellationToken ct) =>
            (await etl.RetryAsync(http.User.ToActor(), id, http.Request.Query["force"] == "true", ct)).ToHttp(j => TypedResults.Accepted($"/api/jobs/{j.Id}", JobBody(j))))
            .RequireAuthorization(OpsPolicies.Administer);
        jobs.MapPost("/{id:guid}/cancel", async (Guid id, HttpContext http, EtlService etl, CancellationToken ct) =>
            (await etl.CancelAsync(http.User.ToActor(), id, ct)).ToHttp(j => TypedResults.Ok(JobBody(j))))
            .RequireAuthorization(OpsPolicies.Administer);
        jobs.MapPost("/bulk-retry", (JobIdsBody body, HttpContext http, EtlService etl, CancellationToken ct) => BulkAsync(body, retry: true, http, etl, ct))
            .RequireAuthorization(OpsPolicies.Administer).WithSummary("Retry failed/cancelled jobs by ids or by filter (force also reruns succeeded ones)");
        jobs.MapPost("/bulk-cancel", (JobIdsBody body, HttpContext http, EtlService etl, CancellationToken ct) => BulkAsync(body, retry: false, http, etl, ct))
            .RequireAuthorization(OpsPolicies.Administer);

        var missing = api.MapGroup("/missing").WithTags("ETL missing data");
        missing.MapGet("/", MissingAsync).RequireAuthorization(OpsPolicies.Read).WithSummary("{branch: {pos: [dates]}} with no data in the range");
        missing.MapPost("/run", RunMissingAsync).RequireAuthorization(OpsPolicies.Administer)
            .WithSummary("Queue jobs for the cells given (seed shape) or matching a filter; 202 with their ids");

        var branches = api.MapGroup("/branches").WithTags("ETL branches");
        branches.MapGet("/", async (EtlService etl, CancellationToken ct) => TypedResults.Ok((await etl.BranchesAsync(ct)).Select(BranchOut)))
            .RequireAuthorization(OpsPolicies.Read);
        branches.MapPost("/", UpsertBranchAsync).RequireAuthorization(OpsPolicies.Administer).WithSummary("Create or update a branch (upsert)");
        branches.MapPost("/{id}/test-parse", TestParseAsync).RequireAuthorization(OpsPolicies.Administer).DisableAntiforgery()
            .WithSummary("Parse a sample (multipart 'file', optional 'parser_config'; or a text/csv body) with the branch's config; nothing is stored");

        var files = api.MapGroup("/files").WithTags("ETL files");
        files.MapGet("/", ListFilesAsync).RequireAuthorization(OpsPolicies.Read);
        files.MapGet("/{id:guid}/download", DownloadAsync).RequireAuthorization(OpsPolicies.Read);
        files.MapGet("/{id:guid}/preview", PreviewAsync).RequireAuthorization(OpsPolicies.Read).WithSummary("The first 50 rows as parsed");

        var records = api.MapGroup("/records").WithTags("ETL records");
        records.MapGet("/", QueryRecordsAsync).RequireAuthorization(OpsPolicies.Read);
        records.MapGet("/export", ExportRecordsAsync).RequireAuthorization(OpsPolicies.Read).WithSummary("Every matching record as CSV, streamed in the order stored (job by job, file order)");
    }

    private static IResult NotFound(string message) => TypedResults.Problem(message, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static object JobBody(EtlJob j) => new
    {
        job_id = j.Id,
        branch = j.BranchId,
        pos = j.Pos,
        date = j.WorkDate.ToString("yyyy-MM-dd"),
        status = j.Status.Name(),
        attempt_count = j.Attempts,
        max_attempts = j.MaxAttempts,
        record_count = j.RecordCount,
        bad_row_count = j.BadRowCount,
        error_message = j.Error,
        processor_version = j.ProcessorVersion,
        created_by = j.CreatedBy,
        created_at = j.CreatedAt,
        started_at = j.StartedAt,
        finished_at = j.FinishedAt,
        cancel_requested = j.CancelRequested,
    };

    private static object JobDetailBody(JobDetail d) => new
    {
        job = JobBody(d.Job),
        file_list = d.Job.FileListJson is { } list ? JsonDocument.Parse(list).RootElement : (JsonElement?)null,
        chosen_files = d.Job.ChosenFilesJson is { } chosen ? JsonDocument.Parse(chosen).RootElement : (JsonElement?)null,
        files = d.Files.Select(FileBody),
        logs = d.Events.Select(e => new { at = e.At, kind = e.Kind, attempt = e.Attempt, message = e.Message }),
    };

    private static object FileBody(EtlFile f) => new
    {
        id = f.Id, job_id = f.JobId, branch = f.BranchId, pos = f.Pos, date = f.WorkDate.ToString("yyyy-MM-dd"), filename = f.FileName, filetype = f.FileType,
        row_count = f.RowCount, size_bytes = f.SizeBytes, checksum = f.Sha256, chosen = f.Chosen, chosen_reason = f.ChosenReason, uploaded_at = f.DownloadedAt, attempt = f.Attempt,
    };

    private static object BranchOut(Branch b) => new
    {
        id = b.Id, name = b.Name, pos_count = b.PosCount, is_active = b.IsActive, active_from = b.ActiveFrom.ToString("yyyy-MM-dd"),
        parser_config = JsonDocument.Parse(b.ParserConfigJson).RootElement, created_at = b.CreatedAt, updated_at = b.UpdatedAt,
    };

    private static bool TryDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>An optional YYYY-MM-DD field: absent is null; present but malformed is a 400 naming the field.</summary>
    private static bool TryOptionalDate(string? text, string field, out DateOnly? date, out IResult? error)
    {
        (date, error) = (null, null);
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        if (!TryDate(text, out var parsed))
        {
            error = ApiResults.Invalid(field, $"{field} must be YYYY-MM-DD.");
            return false;
        }
        date = parsed;
        return true;
    }

    private static IResult TooLarge(EtlOptions options) =>
        TypedResults.Problem($"The sample is larger than {options.MaxUploadBytes / 1024 / 1024} MB.", statusCode: StatusCodes.Status413PayloadTooLarge);

    private static async Task<IResult> FetchAsync(FetchBody body, HttpContext http, EtlService etl, IAuthorizationService authorization, CancellationToken ct)
    {
        if (!TryOptionalDate(body.Date, "date", out var date, out var dateError))
        {
            return dateError!;
        }
        var force = body.Force == true;
        if (force && !(await authorization.AuthorizeAsync(http.User, OpsPolicies.Administer)).Succeeded)
        {
            return TypedResults.Problem("Only an admin may force a rerun.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }
        var result = await etl.FetchAsync(http.User.ToActor(), body.Branch, body.Pos, date, force, ct);
        return result.ToHttp<FetchOutcome, IResult>(o => o.Queued
            ? TypedResults.Accepted($"/api/jobs/{o.Job.Id}", new { job_id = o.Job.Id, status = o.Job.Status.Name(), queued = true })
            : TypedResults.Ok(new { job_id = o.Job.Id, status = o.Job.Status.Name(), queued = false }));
    }

    /// <summary>A job filter from query or body fields; errors name the field with <paramref name="prefix"/> ("filter." in a body).</summary>
    private static bool TryFilter(JobFilterBody? f, string? status, string? from, string? to, out JobFilter filter, out IResult? error, string prefix = "")
    {
        filter = new JobFilter();
        error = null;
        EtlJobStatus? parsedStatus = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!EtlStatusNames.TryParse(status, out var s))
            {
                error = ApiResults.Invalid(prefix + "status", "status must be queued, running, succeeded, failed or cancelled.");
                return false;
            }
            parsedStatus = s;
        }
        if (!TryOptionalDate(from, prefix + "from", out var fromDate, out error) || !TryOptionalDate(to, prefix + "to", out var toDate, out error))
        {
            return false;
        }
        filter = new JobFilter(f?.Branch, f?.Pos, parsedStatus, fromDate, toDate, f?.Text);
        return true;
    }

    private static async Task<IResult> ListJobsAsync(EtlService etl, string? branch, int? pos, string? status, string? from, string? to, string? q,
        string? sort, bool? desc, int? page, int? pageSize, CancellationToken ct)
    {
        if (!TryFilter(new JobFilterBody(branch, pos, null, null, null, q), status, from, to, out var filter, out var error))
        {
            return error!;
        }
        if (pageSize is < 1 or > 500)
        {
            return ApiResults.Invalid("pageSize", "pageSize must be between 1 and 500.");
        }
        if (page is < 0)
        {
            return ApiResults.Invalid("page", "page starts at 0.");
        }
        if (sort is not (null or "date" or "branch" or "status" or "created"))
        {
            return ApiResults.Invalid("sort", "sort must be date, branch, status or created.");
        }
        var result = await etl.JobsAsync(filter, sort, desc ?? sort is null or "date" or "created", new PageRequest((page ?? 0) + 1, pageSize ?? 50), ct);
        return TypedResults.Ok(new { items = result.Items.Select(JobBody), total = result.Total, page = result.PageNumber - 1, pageSize = result.PageSize });
    }

    private static async Task<IResult> BulkAsync(JobIdsBody body, bool retry, HttpContext http, EtlService etl, CancellationToken ct)
    {
        IReadOnlyList<Guid> ids;
        if (body.Filter is { } f)
        {
            if (body.Ids is not null)
            {
                return ApiResults.Invalid("ids", "Send either ids or filter, not both.");
            }
            if (!TryFilter(f, f.Status, f.From, f.To, out var filter, out var error, prefix: "filter."))
            {
                return error!;
            }
            ids = await etl.MatchingIdsAsync(filter, EtlService.MaxCellsPerRequest, ct);
        }
        else if (body.Ids is { Length: > 0 and <= EtlService.MaxCellsPerRequest } list)
        {
            ids = list;
        }
        else
        {
            return ApiResults.Invalid("ids", $"ids must list between 1 and {EtlService.MaxCellsPerRequest} job ids (or send a filter).");
        }
        if (!retry)
        {
            var cancelled = await etl.CancelManyAsync(http.User.ToActor(), ids.ToList(), ct);
            return TypedResults.Ok(new { cancelled = cancelled.Count, job_ids = cancelled });
        }
        var queued = await etl.RetryManyAsync(http.User.ToActor(), ids, body.Force == true, ct);
        return TypedResults.Accepted("/api/jobs", new { queued = queued.Count, job_ids = queued });
    }

    private static bool TryRange(string? start, string? end, DateOnly today, out DateOnly from, out DateOnly to, out IResult? error)
    {
        error = null;
        (from, to) = (today.AddDays(-29), today);
        if (!TryOptionalDate(start, "start", out var given, out error))
        {
            return false;
        }
        from = given ?? from;
        if (!TryOptionalDate(end, "end", out given, out error))
        {
            return false;
        }
        to = given ?? to;
        if (to < from)
        {
            error = ApiResults.Invalid("end", "end must not be before start.");
            return false;
        }
        if (to.DayNumber - from.DayNumber + 1 > MaxRangeDays)
        {
            error = ApiResults.Invalid("end", $"The range may cover at most {MaxRangeDays} days.");
            return false;
        }
        return true;
    }

    private static async Task<IResult> MissingAsync(EtlMissingData missing, string? start, string? end, bool? include_failed, CancellationToken ct)
    {
        if (!TryRange(start, end, missing.Today, out var from, out var to, out var error))
        {
            return error!;
        }
        var grid = await missing.GridAsync(from, to, ct: ct, detail: GridDetail.States);
        return TypedResults.Ok(EtlMissingData.MissingMap(grid, include_failed == true));
    }

    private static async Task<IResult> RunMissingAsync(MissingRunBody body, HttpContext http, EtlService etl, EtlMissingData missing, CancellationToken ct)
    {
        var mode = QueueMode.Missing;
        if (body.Mode is { } m)
        {
            mode = m switch
            {
                "missing" => QueueMode.Missing,
                "missing_and_failed" or "missing-and-failed" => QueueMode.MissingAndFailed,
                "all" or "force" => QueueMode.All,
                _ => (QueueMode)(-1),
            };
            if ((int)mode < 0)
            {
                return ApiResults.Invalid("mode", "mode must be missing, missing_and_failed or all.");
            }
        }
        List<EtlCell> cells;
        if (body.BranchesMissing is { } map)
        {
            if (body.Filter is not null)
            {
                return ApiResults.Invalid("filter", "Send either branches_missing or filter, not both.");
            }
            cells = [];
            var branches = (await etl.BranchesAsync(ct)).ToDictionary(b => b.Id);
            foreach (var (branchId, byPos) in map)
            {
                if (!branches.TryGetValue(branchId, out var branch))
                {
                    return ApiResults.Invalid($"branches_missing.{Clip(branchId)}", $"There is no branch '{Clip(branchId)}'.");
                }
                foreach (var (posText, dates) in byPos ?? [])
                {
                    if (!int.TryParse(posText, out var pos) || pos < 1 || pos > branch.PosCount)
                    {
                        return ApiResults.Invalid($"branches_missing.{branchId}.{Clip(posText)}", $"pos must be between 1 and {branch.PosCount} for branch {branchId}.");
                    }
                    foreach (var text in dates ?? [])
                    {
                        if (!TryDate(text, out var date) || date < EtlService.EarliestDate || date > etl.Today)
                        {
                            return ApiResults.Invalid($"branches_missing.{branchId}.{pos}", $"'{Clip(text ?? "")}' is not a date between {EtlService.EarliestDate:yyyy-MM-dd} and today.");
                        }
                        cells.Add(new EtlCell(branchId, pos, date));
                    }
                }
            }
        }
        else if (body.Filter is { } f)
        {
            if (!TryRange(f.Start, f.End, etl.Today, out var from, out var to, out var error))
            {
                return error!;
            }
            var grid = await missing.GridAsync(from, to, f.Branch, ct, detail: GridDetail.States);
            var rows = string.IsNullOrWhiteSpace(f.Branch) ? grid : grid with { Rows = grid.Rows.Where(r => r.BranchId == f.Branch).ToList() };
            cells = EtlMissingData.CellsToQueue(rows, mode).ToList();
        }
        else
        {
            return ApiResults.Invalid("branches_missing", "Send branches_missing ({branch: {pos: [dates]}}) or a filter.");
        }
        if (cells.Count > EtlService.MaxCellsPerRequest)
        {
            return ApiResults.Invalid("branches_missing", $"At most {EtlService.MaxCellsPerRequest} cells per request; narrow the range.");
        }
        var queued = await etl.QueueCellsAsync(http.User.ToActor(), cells, mode, ct);
        return TypedResults.Accepted("/api/jobs", new { queued = queued.Count, job_ids = queued });
    }

    private static async Task<IResult> UpsertBranchAsync(BranchBody body, HttpContext http, EtlService etl, CancellationToken ct)
    {
        if (!TryOptionalDate(body.ActiveFrom, "active_from", out var activeFrom, out var dateError))
        {
            return dateError!;
        }
        var config = body.ParserConfig is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } json
            ? json.ValueKind == JsonValueKind.String ? json.GetString() : json.GetRawText()
            : null;
        var result = await etl.UpsertBranchAsync(http.User.ToActor(), new BranchInput(body.Id, body.Name, body.PosCount, body.IsActive, activeFrom, config), ct);
        return result.ToHttp(b => TypedResults.Ok(BranchOut(b)));
    }

    private static async Task<IResult> TestParseAsync(string id, HttpContext http, EtlService etl, EtlOptions options, CancellationToken ct)
    {
        if (await etl.BranchAsync(id, ct) is not { } branch)
        {
            return NotFound($"There is no branch '{Clip(id)}'.");
        }
        if (http.Request.ContentLength > options.MaxUploadBytes)
        {
            return TooLarge(options);
        }
        var config = branch.Parser;
        Stream sample;
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(ct);
            if (form.Files.GetFile("file") is not { } file)
            {
                return ApiResults.Invalid("file", "Send the sample as a multipart field named 'file'.");
            }
            if (file.Length > options.MaxUploadBytes)
            {
                return TooLarge(options);
            }
            if (form.TryGetValue("parser_config", out var draft) && !string.IsNullOrWhiteSpace(draft))
            {
                var parsed = ParserConfig.Parse(draft);
                if (!parsed.Succeeded)
                {
                    return parsed.ToHttp();
                }
                config = parsed.Value!;
            }
            sample = file.OpenReadStream();
        }
        else if (http.Request.ContentType?.StartsWith("text/", StringComparison.OrdinalIgnoreCase) == true
                 || http.Request.ContentType?.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) == true)
        {
            var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, ct);
            if (buffer.Length > options.MaxUploadBytes)
            {
                return TooLarge(options);
            }
            buffer.Position = 0;
            sample = buffer;
        }
        else
        {
            return ApiResults.Invalid("Content-Type", "Send text/csv, or multipart/form-data with a 'file' field.");
        }
        await using (sample)
        {
            var result = TestParse.Run(sample, config);
            return TypedResults.Ok(new
            {
                total_rows = result.TotalRows,
                bad_rows = result.BadRows,
                truncated = result.Truncated,
                rows = result.Rows.Select(r => new
                {
                    line = r.Line,
                    cells = r.Cells,
                    record = r.Record is { } rec ? new
                    {
                        date = rec.WorkDate.ToString("yyyy-MM-dd"), sold_at = rec.SoldAt, tnsc = rec.Tnsc, item_code = rec.ItemCode, department = rec.Department,
                        quantity = rec.Quantity, amount = rec.Amount, payment_method = rec.PaymentMethod,
                    } : null,
                    errors = r.Errors.Select(e => new { field = e.Field, message = e.Message }),
                }),
            });
        }
    }

    private static async Task<IResult> ListFilesAsync(EtlFilesQuery files, Guid? job_id, string? branch, CancellationToken ct)
    {
        if (job_id is null && string.IsNullOrWhiteSpace(branch))
        {
            return ApiResults.Invalid("job_id", "Give job_id or branch.");
        }
        return TypedResults.Ok((await files.ListAsync(job_id, branch, ct)).Select(FileBody));
    }

    private static async Task<IResult> DownloadAsync(Guid id, EtlFilesQuery files, EtlFileStore store, CancellationToken ct)
    {
        if (await files.FindAsync(id, ct) is not { } file || store.OpenRead(file.Sha256) is not { } content)
        {
            return NotFound($"No file {id}.");
        }
        return TypedResults.Stream(content, "text/csv", file.FileName);
    }

    private static async Task<IResult> PreviewAsync(Guid id, EtlFilesQuery files, EtlFileStore store, EtlService etl, CancellationToken ct)
    {
        if (await files.FindAsync(id, ct) is not { } file || store.OpenRead(file.Sha256) is not { } content)
        {
            return NotFound($"No file {id}.");
        }
        var config = (await etl.BranchAsync(file.BranchId, ct))?.Parser ?? ParserConfig.Default;
        await using (content)
        {
            var rows = PosFileParser.Read(content, config, file.FileType).Take(50).Select(r => new
            {
                line = r.Line, cells = r.Cells, errors = r.Errors.Select(e => new { field = e.Field, message = e.Message }),
            }).ToList();
            return TypedResults.Ok(new { file = FileBody(file), rows });
        }
    }

    private static bool TryRecordFilter(string? start, string? end, string? branch, int? pos, string? item, out RecordFilter filter, out IResult? error)
    {
        filter = new RecordFilter();
        error = null;
        if (!TryOptionalDate(start, "start", out var from, out error) || !TryOptionalDate(end, "end", out var to, out error))
        {
            return false;
        }
        if (from > to)
        {
            error = ApiResults.Invalid("end", "end must not be before start.");
            return false;
        }
        filter = new RecordFilter(from, to, branch, pos, item);
        return true;
    }

    private static async Task<IResult> QueryRecordsAsync(EtlRecords records, string? start, string? end, string? branch, int? pos, string? item,
        int? page, int? pageSize, CancellationToken ct)
    {
        if (!TryRecordFilter(start, end, branch, pos, item, out var filter, out var error))
        {
            return error!;
        }
        if (pageSize is < 1 or > 1000)
        {
            return ApiResults.Invalid("pageSize", "pageSize must be between 1 and 1000.");
        }
        if (page is < 0)
        {
            return ApiResults.Invalid("page", "page starts at 0.");
        }
        var result = await records.QueryAsync(filter, new PageRequest((page ?? 0) + 1, pageSize ?? 100), ct);
        return TypedResults.Ok(new
        {
            items = result.Items.Select(r => new
            {
                id = r.Id, job_id = r.JobId, branch = r.BranchId, pos = r.Pos, date = r.WorkDate.ToString("yyyy-MM-dd"), sold_at = r.SoldAt, tnsc = r.Tnsc,
                item_code = r.ItemCode, department = r.Department, quantity = r.Quantity, amount = r.Amount, payment_method = r.PaymentMethod,
                file_type = r.FileType, source_line = r.SourceLine,
            }),
            total = result.Total, page = result.PageNumber - 1, pageSize = result.PageSize,
        });
    }

    private static async Task<IResult> ExportRecordsAsync(HttpContext http, EtlRecords records, string? start, string? end, string? branch, int? pos, string? item,
        CancellationToken ct)
    {
        if (!TryRecordFilter(start, end, branch, pos, item, out var filter, out var error))
        {
            return error!;
        }
        return Results.Stream(async output => await records.ExportAsync(filter, output, ct), "text/csv",
            $"records-{filter.Start?.ToString("yyyyMMdd") ?? "all"}-{filter.End?.ToString("yyyyMMdd") ?? "all"}.csv");
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
