using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Shared.Settings;

/// <summary>An admin changed runtime settings of one section; pages showing them reload.</summary>
public sealed record SettingsChanged(string Module, IReadOnlyList<string> Keys, string By) : IOpsEvent
{
    public string Topic => OpsTopics.Settings;
}
