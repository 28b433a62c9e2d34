using OpsConsole.Core.Shared.Alerts;

namespace OpsConsole.Features.Alerts;

/// <summary>
/// The inbox's filters as the page holds them, named and spelt as GET /api/alerts takes them (module, state,
/// severity), so that they can live in the page's address like every list's. By default: what still needs someone.
/// </summary>
public sealed record AlertsView(string? Module = null, string? State = OpsAlerts.ActiveState, string? Severity = null)
{
    public AlertFilterInput ToInput() => new(Module, State, Severity);
}
