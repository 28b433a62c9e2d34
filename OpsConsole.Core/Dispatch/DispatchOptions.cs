using System.ComponentModel.DataAnnotations;

namespace OpsConsole.Core.Dispatch;

/// <summary>`Dispatch:*` in appsettings.json, checked when the console starts.</summary>
public sealed class DispatchOptions
{
    /// <summary>`Dispatch:LeaseMinutes` &gt; 0: tasks assigned longer than this return to ready (0 = never).</summary>
    [Range(0.0, 7 * 24 * 60.0)]
    public double LeaseMinutes { get; set; }
}
