using System.ComponentModel.DataAnnotations;

namespace OpsConsole.Core.Yard;

/// <summary>
/// `Yard:*` in appsettings.json, checked when the console starts. What admins change at runtime (interval, pause,
/// dry run, deletion cap, rules) is stored in the database instead (<see cref="YardSettings"/>).
/// </summary>
public sealed class YardOptions
{
    /// <summary>`Yard:ReadParallelism`: how many reads of the yard system a cycle makes at once.</summary>
    [Range(1, 64)]
    public int ReadParallelism { get; set; } = 16;

    /// <summary>`Yard:KeptSnapshots`: how many stored versions of the unified view are kept.</summary>
    [Range(1, 10_000)]
    public int KeptSnapshots { get; set; } = 20;
}
