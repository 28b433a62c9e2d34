using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Etl;

public static class EtlEvents
{
    /// <summary>The hub group outside clients join to hear the ETL module's events.</summary>
    public const string Topic = "etl";
}

/// <summary>A job as it is after a change.</summary>
public sealed record EtlJobState(Guid Id, string BranchId, int Pos, DateOnly WorkDate, EtlJobStatus Status, int? RecordCount)
{
    public static EtlJobState Of(EtlJob j) => Of(j, j.Status, j.RecordCount);

    /// <summary>The job as it is after a change the caller made in the database, not in <paramref name="j"/>.</summary>
    public static EtlJobState Of(EtlJob j, EtlJobStatus status, int? recordCount) => new(j.Id, j.BranchId, j.Pos, j.WorkDate, status, recordCount);
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
