
namespace OpsConsole.Core.Etl;

/// <summary>A shop with one or more point-of-sale terminals whose daily files the ETL fetches.</summary>
public sealed class Branch
{
    public const int MaxIdLength = 32;

    public required string Id { get; set; }
    public required string Name { get; set; }
    public int PosCount { get; set; } = 1;
    public bool IsActive { get; set; } = true;
    public DateOnly ActiveFrom { get; set; }
    /// <summary>The branch's <see cref="ParserConfig"/> as JSON.</summary>
    public string ParserConfigJson { get; set; } = ParserConfig.Default.ToJson();
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public ParserConfig Parser => ParserConfig.FromJson(ParserConfigJson);
}

public enum EtlJobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>One (branch, POS, work date): the unit of fetching. Reruns reuse the row; its events keep the history.</summary>
public sealed class EtlJob
{
    public Guid Id { get; set; }
    public required string BranchId { get; set; }
    public int Pos { get; set; }
    public DateOnly WorkDate { get; set; }
    public EtlJobStatus Status { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; } = 3;
    public bool Force { get; set; }
    public bool CancelRequested { get; set; }
    /// <summary>Every file the remote host listed, with its row count once downloaded (JSON).</summary>
    public string? FileListJson { get; set; }
    /// <summary>The file kept per file type and why (JSON).</summary>
    public string? ChosenFilesJson { get; set; }
    public string? Error { get; set; }
    /// <summary>
    /// The last run found no files for the day on the file host (ADR 0022). With <see cref="EtlJobStatus.Failed"/> the
    /// job is waiting for data (<see cref="IsAwaitingData"/>): no error to act on; the missing-data scan tries it again.
    /// Kept while the job is queued again (so a repeat is told apart from a first time), cleared by a run that finds files.
    /// </summary>
    public bool AwaitingData { get; set; }
    public string? ProcessorVersion { get; set; }
    public int? RecordCount { get; set; }
    public int? BadRowCount { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>When it last entered the queue: runners take the oldest first.</summary>
    public DateTime QueuedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>Failed because the file host has no files for the day yet: shown as waiting for data, not as an error.</summary>
    public bool IsAwaitingData => Status == EtlJobStatus.Failed && AwaitingData;
}

/// <summary>A step in a job's life, shown as its timeline and logs.</summary>
public sealed class EtlJobEvent
{
    public long Id { get; set; }
    public Guid JobId { get; set; }
    public DateTime At { get; set; }
    public required string Kind { get; set; }
    public required string Message { get; set; }
    public int Attempt { get; set; }
}

/// <summary>A raw file downloaded for a job, kept in the content-addressed file store under its SHA-256.</summary>
public sealed class EtlFile
{
    public Guid Id { get; set; }
    public Guid JobId { get; set; }
    public required string BranchId { get; set; }
    public int Pos { get; set; }
    public DateOnly WorkDate { get; set; }
    public required string FileName { get; set; }
    public required string FileType { get; set; }
    public required string Sha256 { get; set; }
    public long SizeBytes { get; set; }
    public int RowCount { get; set; }
    public bool Chosen { get; set; }
    public string? ChosenReason { get; set; }
    public DateTime DownloadedAt { get; set; }
    public int Attempt { get; set; }
}

/// <summary>One sales line as the POS recorded it (the seed's fields).</summary>
public sealed class EtlRecord
{
    public long Id { get; set; }
    public Guid JobId { get; set; }
    public required string BranchId { get; set; }
    public int Pos { get; set; }
    public DateOnly WorkDate { get; set; }
    public DateTime SoldAt { get; set; }
    public required string Tnsc { get; set; }
    public required string ItemCode { get; set; }
    public string? Department { get; set; }
    public decimal Quantity { get; set; }
    public decimal Amount { get; set; }
    public string? PaymentMethod { get; set; }
    public required string FileType { get; set; }
    public int SourceLine { get; set; }
}

public static class EtlStatusNames
{
    public static string Name(this EtlJobStatus status) => status.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out EtlJobStatus status) =>
        Enum.TryParse(text, ignoreCase: true, out status) && !int.TryParse(text, out _);
}
