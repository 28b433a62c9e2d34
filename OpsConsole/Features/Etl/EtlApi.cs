using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;
using OpsConsole.Infrastructure.Http;

namespace OpsConsole.Features.Etl;

/// <summary>Seed 3's API under /api: jobs, missing, branches, files and records, with 202 for queued work.</summary>
public static class EtlApi
{
    public const int DefaultJobsPageSize = 50;
    public const int MaxJobsPageSize = 500;
    public const int PreviewRows = 50;

    /// <summary>The per-user allowance POST /api/jobs/fetch and the pages' "Fetch now" share (ADR 0015): each fetch reaches the file host.</summary>
    public const string FetchCall = "etl-fetch";

    public static void MapEtlApi(this IEndpointRouteBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("ETL jobs");
        jobs.MapPost("/fetch", FetchJobAsync).AllowedFor(OpsPolicies.Operate).LimitedAsUpstreamCall(FetchCall)
            .WithSummary("Queue (branch, pos, date): 202 when queued now; 200 with the existing job when it is queued, running or already succeeded (force, admins only, reruns it)");
        jobs.MapGet("/", ListJobsAsync).AllowedFor(OpsPolicies.Read).WithSummary("Jobs, filtered, sorted and paged (newest work date first)");
        jobs.MapGet("/{id}", GetJobAsync).AllowedFor(OpsPolicies.Read).WithSummary("A job with its file list, chosen files, downloaded files and logs");
        jobs.MapPost("/{id}/retry", RetryJobAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Queue a failed or cancelled job again (force=true also reruns a succeeded one)");
        jobs.MapPost("/{id}/cancel", CancelJobAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Cancel a queued job, or ask a running one to stop (it stores nothing)");
        jobs.MapPost("/bulk-retry", BulkRetryJobsAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Retry failed/cancelled jobs by ids or by a filter resolved now (force also reruns succeeded ones)");
        jobs.MapPost("/bulk-cancel", BulkCancelJobsAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Cancel queued or running jobs by ids or by a filter resolved now");

        var missing = api.MapGroup("/missing").WithTags("ETL missing data");
        missing.MapGet("/", ListMissingDataAsync).AllowedFor(OpsPolicies.Read).WithSummary("{branch: {pos: [dates]}} with no data in the range (the last 30 days by default)");
        missing.MapPost("/run", RunMissingDataAsync).AllowedFor(OpsPolicies.Administer).LimitedAsUpstreamCall("etl-missing-run")
            .WithSummary("Queue jobs for the cells given (the seed's branches_missing) or matching a filter; 202 with their ids");

        var branches = api.MapGroup("/branches").WithTags("ETL branches");
        branches.MapGet("/", ListBranchesAsync).AllowedFor(OpsPolicies.Read).WithSummary("Every branch with its parser config");
        branches.MapPost("/", UpsertBranchAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Create (201) or update (200) a branch; on an update, fields left out keep their values");
        branches.MapPost("/{id}/test-parse", TestParseBranchAsync).AllowedFor(OpsPolicies.Administer).DisableAntiforgery()
            .LimitedAsUpstreamCall("etl-test-parse")
            .TakesBody<IFormFile>("multipart/form-data", "text/csv")
            .WithSummary("Parse a sample (multipart 'file' with an optional 'parser_config' draft, or a text/csv body) with the branch's config; nothing is stored");

        var files = api.MapGroup("/files").WithTags("ETL files");
        files.MapGet("/", ListFilesAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("Raw files by job, branch, POS, work dates (from, to) and file_type, newest work date first; a list, 1,000 a page (page, page_size)");
        files.MapGet("/{id}/download", DownloadFileAsync).AllowedFor(OpsPolicies.Read).WithSummary("A raw file as the host sent it")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        files.MapGet("/{id}/preview", PreviewFileAsync).AllowedFor(OpsPolicies.Read).WithSummary("The first 50 rows as parsed");

        var records = api.MapGroup("/records").WithTags("ETL records");
        records.MapGet("/", ListRecordsAsync).AllowedFor(OpsPolicies.Read).WithSummary("Records by date range, branch, POS and item, paged");
        records.MapGet("/export", ExportRecordsAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("Every matching record as CSV, streamed in the order stored (job by job, file order)")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
    }

    private static async Task<Results<Accepted<FetchResponse>, Ok<FetchResponse>, ValidationProblem, ForbiddenProblem>> FetchJobAsync(FetchRequest request,
        HttpContext http, EtlService etl, IAuthorizationService authorization, CancellationToken ct)
    {
        if (request.Force == true && !(await authorization.AuthorizeAsync(http.User, OpsPolicies.Administer)).Succeeded)
        {
            return new ForbiddenProblem("Only an admin may force a rerun.");
        }
        var result = await etl.FetchAsync(http.User.ToActor(), request.ToInput(), ct);
        if (!result.Succeeded)
        {
            return ApiResults.Invalid(result.Errors);
        }
        var (job, queued) = result.Value!;
        var body = new FetchResponse(job.Id, job.Status, queued);
        return queued ? TypedResults.Accepted($"/api/jobs/{job.Id}", body) : TypedResults.Ok(body);
    }

    private static async Task<Results<Ok<PageResponse<JobResponse>>, ValidationProblem>> ListJobsAsync(EtlJobsQuery jobs, [AsParameters] JobsQuery query,
        [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var page = paging.Read(errors, DefaultJobsPageSize, MaxJobsPageSize);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        var result = await jobs.ListAsync(query.ToInput(), page, ct);
        return result.Succeeded ? TypedResults.Ok(PageResponse<JobResponse>.From(result.Value!, JobResponse.From)) : ApiResults.Invalid(result.Errors);
    }

    private static async Task<Results<Ok<JobDetailResponse>, NotFoundProblem>> GetJobAsync(Guid id, EtlJobsQuery jobs, CancellationToken ct) =>
        await jobs.DetailAsync(id, ct) is { } detail ? TypedResults.Ok(JobDetailResponse.From(detail)) : ApiResults.NotFound($"No job {id}.");

    private static async Task<Results<Accepted<JobResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> RetryJobAsync(Guid id,
        [AsParameters] RetryQuery query, HttpContext http, EtlService etl, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var force = errors.OptionalFlag("force", query.Force) ?? false;
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return (await etl.RetryAsync(http.User.ToActor(), id, force, ct)).ToHttp(j => TypedResults.Accepted($"/api/jobs/{j.Id}", JobResponse.From(j)));
    }

    private static async Task<Results<Ok<JobResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> CancelJobAsync(Guid id, HttpContext http,
        EtlService etl, CancellationToken ct) =>
        (await etl.CancelAsync(http.User.ToActor(), id, ct)).ToHttp(j => TypedResults.Ok(JobResponse.From(j)));

    private static async Task<Results<Accepted<JobsQueuedResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> BulkRetryJobsAsync(
        BulkJobsRequest request, HttpContext http, EtlService etl, CancellationToken ct) =>
        (await etl.BulkAsync(http.User.ToActor(), request.ToInput(), retry: true, ct))
            .ToHttp(ids => TypedResults.Accepted("/api/jobs", new JobsQueuedResponse(ids.Count, ids)));

    private static async Task<Results<Ok<JobsCancelledResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> BulkCancelJobsAsync(
        BulkJobsRequest request, HttpContext http, EtlService etl, CancellationToken ct) =>
        (await etl.BulkAsync(http.User.ToActor(), request.ToInput(), retry: false, ct))
            .ToHttp(ids => TypedResults.Ok(new JobsCancelledResponse(ids.Count, ids)));

    private static async Task<Results<Ok<Dictionary<string, Dictionary<string, List<string>>>>, ValidationProblem, NotFoundProblem, ConflictProblem>>
        ListMissingDataAsync(EtlMissingData missing, [AsParameters] MissingQuery query, CancellationToken ct) =>
        (await missing.MissingMapAsync(query.ToInput(), ct)).ToHttp();

    private static async Task<Results<Accepted<JobsQueuedResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> RunMissingDataAsync(
        MissingRunRequest request, HttpContext http, EtlService etl, CancellationToken ct) =>
        (await etl.QueueMissingAsync(http.User.ToActor(), request.ToInput(), ct))
            .ToHttp(ids => TypedResults.Accepted("/api/jobs", new JobsQueuedResponse(ids.Count, ids)));

    private static async Task<Ok<List<BranchResponse>>> ListBranchesAsync(EtlBranches branches, CancellationToken ct) =>
        TypedResults.Ok((await branches.ListAsync(ct)).Select(BranchResponse.From).ToList());

    private static async Task<Results<Created<BranchResponse>, Ok<BranchResponse>, ValidationProblem, ConflictProblem>> UpsertBranchAsync(
        BranchRequest request, HttpContext http, EtlBranches branches, CancellationToken ct)
    {
        var result = await branches.UpsertAsync(http.User.ToActor(), request.ToInput(), ct);
        return result.Outcome switch
        {
            OpsOutcome.Ok when result.Value!.Created => TypedResults.Created("/api/branches", BranchResponse.From(result.Value.Branch)),
            OpsOutcome.Ok => TypedResults.Ok(BranchResponse.From(result.Value!.Branch)),
            OpsOutcome.Conflict => ApiResults.Conflict(result.Describe()),
            _ => ApiResults.Invalid(result.Errors),
        };
    }

    private static async Task<Results<Ok<TestParseResponse>, ValidationProblem, NotFoundProblem, UploadRefusedProblem>> TestParseBranchAsync(string id,
        HttpContext http, EtlBranches branches, EtlOptions options, CancellationToken ct)
    {
        if (await branches.FindAsync(id, ct) is not { } branch)
        {
            return ApiResults.NotFound($"There is no branch '{(id.Length <= 40 ? id : id[..40] + "…")}'.");
        }
        var read = await UploadReader.ReadAsync(http.Request, options.MaxUploadBytes, ct);
        if (read.Invalid is { } invalid)
        {
            return invalid;
        }
        if (read.Refused is { } refused)
        {
            return refused;
        }
        await using var upload = read.Upload!;
        var config = branch.Parser;
        if (read.Form?["parser_config"].ToString() is { Length: > 0 } draft && !string.IsNullOrWhiteSpace(draft))
        {
            var parsed = ParserConfig.Parse(draft);
            if (!parsed.Succeeded)
            {
                return ApiResults.Invalid(parsed.Errors);
            }
            config = parsed.Value!;
        }
        return TypedResults.Ok(TestParseResponse.From(TestParse.Run(upload.Content, config)));
    }

    private static async Task<Results<Ok<List<FileResponse>>, ValidationProblem, NotFoundProblem, ConflictProblem>> ListFilesAsync(EtlFilesQuery files,
        [AsParameters] FilesQuery query, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var page = paging.Read(errors, EtlFilesQuery.MaxListed, EtlFilesQuery.MaxListed);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return (await files.ListAsync(query.ToInput(), page, ct)).ToHttp(list => TypedResults.Ok(list.Select(FileResponse.From).ToList()));
    }

    private static async Task<Results<FileStreamHttpResult, NotFoundProblem>> DownloadFileAsync(Guid id, EtlFilesQuery files, EtlFileStore store,
        CancellationToken ct)
    {
        if (await files.FindAsync(id, ct) is not { } file || await store.OpenReadAsync(file.Sha256, ct) is not { } content)
        {
            return ApiResults.NotFound($"No file {id}.");
        }
        return TypedResults.Stream(content, "text/csv", file.FileName);
    }

    private static async Task<Results<Ok<FilePreviewResponse>, NotFoundProblem>> PreviewFileAsync(Guid id, EtlFilesQuery files, EtlFileStore store,
        EtlBranches branches, CancellationToken ct)
    {
        if (await files.FindAsync(id, ct) is not { } file || await store.OpenReadAsync(file.Sha256, ct) is not { } content)
        {
            return ApiResults.NotFound($"No file {id}.");
        }
        var config = (await branches.FindAsync(file.BranchId, ct))?.Parser ?? ParserConfig.Default;
        await using (content)
        {
            var rows = PosFileParser.Read(content, config, file.FileType).Take(PreviewRows)
                .Select(r => new PreviewRowResponse(r.Line, r.Cells, r.Errors.Select(e => new RowErrorResponse(e.Field, e.Message)).ToList())).ToList();
            return TypedResults.Ok(new FilePreviewResponse(FileResponse.From(file), rows));
        }
    }

    private static async Task<Results<Ok<PageResponse<RecordResponse>>, ValidationProblem>> ListRecordsAsync(EtlRecords records,
        [AsParameters] RecordsQuery query, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var filter = EtlRecords.ReadFilter(errors, query.ToInput());
        var page = paging.Read(errors, EtlRecords.DefaultPageSize, EtlRecords.MaxPageSize);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok(PageResponse<RecordResponse>.From(await records.QueryAsync(filter, page, ct), RecordResponse.From));
    }

    private static Results<PushStreamHttpResult, ValidationProblem> ExportRecordsAsync(EtlRecords records, [AsParameters] RecordsQuery query,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        var filter = EtlRecords.ReadFilter(errors, query.ToInput());
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Stream(async output => await records.ExportAsync(filter, output, ct), "text/csv",
            $"records-{filter.Start?.ToString("yyyyMMdd") ?? "all"}-{filter.End?.ToString("yyyyMMdd") ?? "all"}.csv");
    }
}
