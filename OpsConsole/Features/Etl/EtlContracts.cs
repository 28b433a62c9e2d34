using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Etl;

namespace OpsConsole.Features.Etl;

// The wire records of seed 3's API. Field names are snake_case through the API's one JSON style (ApiJson); the
// seed's names (job_id, attempt_count, error_message, chosen_files, branches_missing …) come from the property names.

public sealed record FetchRequest(string? Branch, int? Pos, string? Date, bool? Force)
{
    public FetchInput ToInput() => new(Branch, Pos, Date, Force == true);
}

public sealed record FetchResponse(Guid JobId, EtlJobStatus Status, bool Queued);

/// <summary>
/// A job. awaiting_data: it failed because the file host has no files for the day yet (status stays failed, the seed's
/// values); no error to act on, the missing-data scan tries again (ADR 0022).
/// </summary>
public sealed record JobResponse(Guid JobId, string Branch, int Pos, DateOnly Date, EtlJobStatus Status, int AttemptCount, int MaxAttempts,
    int? RecordCount, int? BadRowCount, string? ErrorMessage, string? ProcessorVersion, string CreatedBy, DateTime CreatedAt, DateTime? StartedAt,
    DateTime? FinishedAt, bool CancelRequested, bool AwaitingData)
{
    public static JobResponse From(EtlJob j) => new(j.Id, j.BranchId, j.Pos, j.WorkDate, j.Status, j.Attempts, j.MaxAttempts, j.RecordCount,
        j.BadRowCount, j.Error, j.ProcessorVersion, j.CreatedBy, j.CreatedAt, j.StartedAt, j.FinishedAt, j.CancelRequested, j.IsAwaitingData);
}

/// <summary>One file the host listed for the job, with its row count once downloaded.</summary>
public sealed record ListedFileResponse(string Name, string Type, int Rows, long Bytes, string Sha256);

/// <summary>The file kept for a file type, and why.</summary>
public sealed record ChosenFileResponse(string Type, string Name, int Rows, string Reason);

public sealed record JobLogResponse(DateTime At, string Kind, int Attempt, string Message);

public sealed record JobDetailResponse(JobResponse Job, IReadOnlyList<ListedFileResponse>? FileList, IReadOnlyList<ChosenFileResponse>? ChosenFiles,
    IReadOnlyList<FileResponse> Files, IReadOnlyList<JobLogResponse> Logs)
{
    private static readonly JsonSerializerOptions Stored = new(JsonSerializerDefaults.Web);

    public static JobDetailResponse From(JobDetail d) => new(JobResponse.From(d.Job),
        d.Job.FileListJson is { } list ? JsonSerializer.Deserialize<List<ListedFileResponse>>(list, Stored) : null,
        d.Job.ChosenFilesJson is { } chosen ? JsonSerializer.Deserialize<List<ChosenFileResponse>>(chosen, Stored) : null,
        d.Files.Select(FileResponse.From).ToList(),
        d.Events.Select(e => new JobLogResponse(e.At, e.Kind, e.Attempt, e.Message)).ToList());
}

public sealed record FileResponse(Guid Id, Guid JobId, string Branch, int Pos, DateOnly Date, string Filename, string Filetype, int RowCount,
    long SizeBytes, string Checksum, bool Chosen, string? ChosenReason, DateTime UploadedAt, int Attempt)
{
    public static FileResponse From(EtlFile f) => new(f.Id, f.JobId, f.BranchId, f.Pos, f.WorkDate, f.FileName, f.FileType, f.RowCount, f.SizeBytes,
        f.Sha256, f.Chosen, f.ChosenReason, f.DownloadedAt, f.Attempt);
}

/// <summary>
/// The jobs list's filters and sort (GET /api/jobs), as text so that Core names a bad one: from/to are work dates,
/// finished_on the UTC day a job finished, awaiting_data true for only the jobs waiting for data and false for all others.
/// </summary>
public sealed record JobsQuery([FromQuery(Name = "branch")] string? Branch, [FromQuery(Name = "pos")] string? Pos,
    [FromQuery(Name = "status")] string? Status, [FromQuery(Name = "from")] string? From, [FromQuery(Name = "to")] string? To,
    [FromQuery(Name = "q")] string? Q, [FromQuery(Name = "sort")] string? Sort, [FromQuery(Name = "desc")] string? Desc,
    [FromQuery(Name = "finished_on")] string? FinishedOn = null, [FromQuery(Name = "awaiting_data")] string? AwaitingData = null)
{
    public JobListInput ToInput() => new(new JobFilterInput(Branch, Pos, Status, From, To, Q, FinishedOn, AwaitingData), Sort, Desc);
}

public sealed record RetryQuery([FromQuery(Name = "force")] string? Force);

/// <summary>"Everything matching" in a bulk body: the jobs list's filters, under the same names.</summary>
public sealed record JobFilterRequest(string? Branch, int? Pos, string? Status, string? From, string? To, string? Q, string? FinishedOn = null,
    bool? AwaitingData = null)
{
    public JobFilterInput ToInput() => new(Branch, Pos?.ToString(System.Globalization.CultureInfo.InvariantCulture), Status, From, To, Q, FinishedOn,
        AwaitingData switch { true => "true", false => "false", null => null });
}

/// <summary>A bulk retry or cancel: ids, or a filter resolved on the server now; force also reruns succeeded jobs.</summary>
public sealed record BulkJobsRequest(Guid[]? Ids, JobFilterRequest? Filter, bool? Force)
{
    public BulkJobsInput ToInput() => new(Ids, Filter?.ToInput(), Force == true);
}

public sealed record JobsQueuedResponse(int Queued, IReadOnlyList<Guid> JobIds);

public sealed record JobsCancelledResponse(int Cancelled, IReadOnlyList<Guid> JobIds);

public sealed record MissingQuery([FromQuery(Name = "start")] string? Start, [FromQuery(Name = "end")] string? End,
    [FromQuery(Name = "include_failed")] string? IncludeFailed)
{
    public MissingQueryInput ToInput() => new(Start, End, IncludeFailed);
}

public sealed record MissingFilterRequest(string? Start, string? End, string? Branch);

/// <summary>The seed's {branches_missing: {branch: {pos: [dates]}}}, or a range filter; mode: missing, missing_and_failed or all.</summary>
public sealed record MissingRunRequest(Dictionary<string, Dictionary<string, List<string>>?>? BranchesMissing, MissingFilterRequest? Filter, string? Mode)
{
    public MissingRunInput ToInput() => new(BranchesMissing, Filter is { } f ? new MissingRunFilter(f.Start, f.End, f.Branch) : null, Mode);
}

/// <summary>
/// A branch to create or update (upsert). On an existing branch a field left out keeps its value. parser_config is
/// an object (docs/etl-parser-config.md) or the same as a JSON string.
/// </summary>
public sealed record BranchRequest(string? Id, string? Name, int? PosCount, bool? IsActive, string? ActiveFrom, JsonElement? ParserConfig)
{
    public BranchInput ToInput() => new(Id, Name, PosCount, IsActive, ActiveFrom, ParserConfig switch
    {
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } json => json.GetRawText(),
        _ => null,
    });
}

public sealed record BranchResponse(string Id, string Name, int PosCount, bool IsActive, DateOnly ActiveFrom, ParserConfig ParserConfig,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public static BranchResponse From(Branch b) => new(b.Id, b.Name, b.PosCount, b.IsActive, b.ActiveFrom, b.Parser, b.CreatedAt, b.UpdatedAt);
}

public sealed record RowErrorResponse(string Field, string Message);

public sealed record ParsedRecordResponse(DateOnly Date, DateTime SoldAt, string Tnsc, string ItemCode, string? Department, decimal Quantity,
    decimal Amount, string? PaymentMethod);

public sealed record TestParseRowResponse(int Line, IReadOnlyList<string> Cells, ParsedRecordResponse? Record, IReadOnlyList<RowErrorResponse> Errors)
{
    public static TestParseRowResponse From(ParsedRow r) => new(r.Line, r.Cells,
        r.Record is { } rec ? new ParsedRecordResponse(rec.WorkDate, rec.SoldAt, rec.Tnsc, rec.ItemCode, rec.Department, rec.Quantity, rec.Amount, rec.PaymentMethod) : null,
        r.Errors.Select(e => new RowErrorResponse(e.Field, e.Message)).ToList());
}

public sealed record TestParseResponse(int TotalRows, int BadRows, bool Truncated, IReadOnlyList<TestParseRowResponse> Rows)
{
    public static TestParseResponse From(TestParseResult r) => new(r.TotalRows, r.BadRows, r.Truncated, r.Rows.Select(TestParseRowResponse.From).ToList());
}

/// <summary>GET /api/files's filters (the seed's job_id and branch; pos, from/to work dates and file_type), as the files page's address names them.</summary>
public sealed record FilesQuery([FromQuery(Name = "job_id")] string? JobId, [FromQuery(Name = "branch")] string? Branch,
    [FromQuery(Name = "pos")] string? Pos = null, [FromQuery(Name = "from")] string? From = null, [FromQuery(Name = "to")] string? To = null,
    [FromQuery(Name = "file_type")] string? FileType = null)
{
    public FileListInput ToInput() => new(JobId, Branch, Pos, From, To, FileType);
}

public sealed record PreviewRowResponse(int Line, IReadOnlyList<string> Cells, IReadOnlyList<RowErrorResponse> Errors);

public sealed record FilePreviewResponse(FileResponse File, IReadOnlyList<PreviewRowResponse> Rows);

/// <summary>The records' filters (GET /api/records and its export), as the seed names them.</summary>
public sealed record RecordsQuery([FromQuery(Name = "start")] string? Start, [FromQuery(Name = "end")] string? End,
    [FromQuery(Name = "branch")] string? Branch, [FromQuery(Name = "pos")] string? Pos, [FromQuery(Name = "item")] string? Item)
{
    public RecordFilterInput ToInput() => new(Start, End, Branch, Pos, Item);
}

public sealed record RecordResponse(long Id, Guid JobId, string Branch, int Pos, DateOnly Date, DateTime SoldAt, string Tnsc, string ItemCode,
    string? Department, decimal Quantity, decimal Amount, string? PaymentMethod, string FileType, int SourceLine)
{
    public static RecordResponse From(EtlRecord r) => new(r.Id, r.JobId, r.BranchId, r.Pos, r.WorkDate, r.SoldAt, r.Tnsc, r.ItemCode, r.Department,
        r.Quantity, r.Amount, r.PaymentMethod, r.FileType, r.SourceLine);
}

/// <summary>
/// The missing-data page's address: a range as GET /api/missing names it (start, end), or the last N days to today
/// (days, which stays relative in a link), and a branch filter as in the run's filter (branch).
/// </summary>
public sealed record MissingViewQuery([FromQuery(Name = "start")] string? Start, [FromQuery(Name = "end")] string? End,
    [FromQuery(Name = "days")] string? Days, [FromQuery(Name = "branch")] string? Branch);
