using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Etl;

public static class EtlEvents
{
    /// <summary>The hub group outside clients join to hear the ETL module's events.</summary>
    public const string Topic = "etl";
}

/// <summary>A job as it is after a change; <see cref="AwaitingData"/> as <see cref="EtlJob.AwaitingData"/>.</summary>
public sealed record EtlJobState(Guid Id, string BranchId, int Pos, DateOnly WorkDate, EtlJobStatus Status, int? RecordCount, bool AwaitingData = false)
{
    public static EtlJobState Of(EtlJob j) => Of(j, j.Status, j.RecordCount, j.AwaitingData);

    /// <summary>The job as it is after a change the caller made in the database, not in <paramref name="j"/>.</summary>
    public static EtlJobState Of(EtlJob j, EtlJobStatus status, int? recordCount, bool awaitingData = false) =>
        new(j.Id, j.BranchId, j.Pos, j.WorkDate, status, recordCount, awaitingData);

    /// <summary>Failed because the file host has no files for the day yet (ADR 0022).</summary>
    public bool IsAwaitingData => Status == EtlJobStatus.Failed && AwaitingData;
}

/// <summary>Jobs whose state changed (one event per command or runner step), for the heatmap, lists and detail pages.</summary>
public sealed record EtlJobsChanged(IReadOnlyList<EtlJobState> Jobs) : IOpsEvent
{
    public string Topic => EtlEvents.Topic;
}

/// <summary>Lets Core ask the host to start the runners now instead of at their next scheduled run.</summary>
public interface IEtlWake
{
    void Wake();
}

public sealed class NoEtlWake : IEtlWake
{
    public void Wake()
    {
    }
}
