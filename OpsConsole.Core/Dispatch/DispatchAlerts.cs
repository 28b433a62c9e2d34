using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Alerts;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Settings;

namespace OpsConsole.Core.Dispatch;

/// <summary>
/// Dispatch's backlog alerts (ADR 0020): too many approved tasks waiting for a worker, too many suggestions waiting for
/// a supervisor. Every claim and decision moves the counts, thousands a second at peak, so a scheduled check counts
/// them (two indexed counts) rather than every event.
/// </summary>
public sealed class DispatchAlerts(IDbContextFactory<OpsDbContext> contexts, RuntimeSettings settings, OpsAlerts alerts)
{
    public const string ReadyBacklogKey = "ready-backlog";
    public const string SuggestionBacklogKey = "suggestion-backlog";

    public async Task<AlertReconcile> CheckAsync(CancellationToken ct = default)
    {
        var values = await settings.ReadAsync(DispatchModule.Name, ct);
        var readyLimit = values.Whole(DispatchSettings.AlertReadyTasksKey);
        var pendingLimit = values.Whole(DispatchSettings.AlertPendingSuggestionsKey);
        int ready, pending;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            ready = readyLimit > 0 ? await db.DispatchTasks.CountAsync(t => t.Status == DispatchTaskStatus.Ready, ct) : 0;
            pending = pendingLimit > 0 ? await db.Suggestions.CountAsync(s => s.Status == SuggestionStatus.Pending, ct) : 0;
        }
        var current = new List<AlertSignal>();
        if (readyLimit > 0 && ready > readyLimit)
        {
            current.Add(new AlertSignal(DispatchModule.Name, ReadyBacklogKey, AlertSeverity.Warning, $"{ready} tasks wait for a worker",
                $"{ready} approved tasks are ready and unclaimed (the alert starts above {readyLimit}). Are the workers signed in?", "/dispatch/tasks"));
        }
        if (pendingLimit > 0 && pending > pendingLimit)
        {
            current.Add(new AlertSignal(DispatchModule.Name, SuggestionBacklogKey, AlertSeverity.Warning, $"{pending} suggestions wait for a decision",
                $"{pending} suggestions are waiting for a supervisor (the alert starts above {pendingLimit}).", "/dispatch/suggestions"));
        }
        return await alerts.ReconcileAsync(DispatchModule.Name, current, ct: ct);
    }
}
