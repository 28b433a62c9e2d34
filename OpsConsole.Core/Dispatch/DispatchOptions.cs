using System.ComponentModel.DataAnnotations;

namespace OpsConsole.Core.Dispatch;

/// <summary>
/// `Dispatch:*` in appsettings.json, checked when the console starts. The lease and the backlog alerts are the defaults
/// of the Dispatch section of the runtime settings, where admins change them while the console runs.
/// </summary>
public sealed class DispatchOptions
{
    /// <summary>`Dispatch:LeaseMinutes` &gt; 0: tasks assigned longer than this return to ready (0 = never).</summary>
    [Range(0.0, DispatchSettings.MaxLeaseMinutes)]
    public double LeaseMinutes { get; set; }

    /// <summary>`Dispatch:AlertReadyTasks`: an alert opens when more approved tasks than this wait for a worker (0 = never).</summary>
    [Range(0, DispatchSettings.MaxBacklog)]
    public int AlertReadyTasks { get; set; } = 50;

    /// <summary>`Dispatch:AlertPendingSuggestions`: an alert opens when more suggestions than this wait for a supervisor (0 = never).</summary>
    [Range(0, DispatchSettings.MaxBacklog)]
    public int AlertPendingSuggestions { get; set; } = 100;
}
