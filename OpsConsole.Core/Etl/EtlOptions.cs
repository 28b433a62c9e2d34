using System.ComponentModel.DataAnnotations;

namespace OpsConsole.Core.Etl;

/// <summary>`Etl:*` in appsettings.json, checked when the console starts.</summary>
public sealed class EtlOptions
{
    /// <summary>`Etl:FileStore`: the folder of the content-addressed raw-file store.</summary>
    [Required]
    public string FileStore { get; set; } = "data/files";

    /// <summary>
    /// `Etl:Runners`: how many jobs one console runs at once. Three keep the database busy writing: while one stores
    /// its records, the others download and parse (docs/benchmarks.md, ETL ingest).
    /// </summary>
    [Range(1, 16)]
    public int Runners { get; set; } = 3;

    [Range(3, 3600)]
    public int LeaseSeconds { get; set; } = 60;

    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>A failed attempt is tried again after this many seconds times the attempt number.</summary>
    [Range(0, 86_400)]
    public int RetryDelaySeconds { get; set; } = 15;

    /// <summary>A cell is suspicious when its row count strays from the branch's trailing median by more than this factor.</summary>
    [Range(1.0, 1000.0)]
    public double SuspiciousFactor { get; set; } = 3.0;

    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Alert when more than this share of the jobs finished in the last hour failed: the default of the ETL section of the runtime settings.</summary>
    [Range(0.0, 1.0)]
    public double AlertFailureRate { get; set; } = 0.2;

    /// <summary>Alert when a branch × POS has had no data for this many days in a row: the default of the ETL section of the runtime settings.</summary>
    [Range(1, 400)]
    public int AlertMissingDays { get; set; } = 3;

    /// <summary>`Etl:ScanDays`: the hourly missing-data scan queues cells of this many past days that have no job.</summary>
    [Range(1, 400)]
    public int ScanDays { get; set; } = 7;
}
