namespace OpsConsole.Core.Shared.Modules;

/// <summary>A module as the console lists it: its name (in audit entries, job groups and event topics) and its title.</summary>
public sealed record OpsModuleInfo(string Name, string Title);

/// <summary>
/// Every module that registered itself (<see cref="OpsModuleServices.AddOpsModule"/>), after "shared" for the shell's
/// own actions. The audit filters and the scheduler's groups read it, so Shared code never lists the modules.
/// </summary>
public sealed class OpsModuleCatalog(IEnumerable<OpsModuleInfo> modules)
{
    public IReadOnlyList<OpsModuleInfo> All { get; } = [new(Auditing.OpsModules.Shared, "Shared"), .. modules.DistinctBy(m => m.Name)];

    public IReadOnlyList<string> Names => All.Select(m => m.Name).ToList();

    public bool IsKnown(string? name) => name is not null && All.Any(m => m.Name == name);
}
