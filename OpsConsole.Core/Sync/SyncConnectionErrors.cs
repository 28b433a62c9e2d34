using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Core.Sync;

/// <summary>
/// Errors by scope, for connections (ADR 0036): a read that failed because the system refused the connection's
/// credentials (401, 403), does not know what it was asked (400, 404 on a list) or answered in a shape the connection
/// does not describe (no items array, no id, not JSON) will fail the same way every run until an admin fixes the
/// connection, so the sync pauses it and says why. A timeout, a 5xx or a 429 is passing: the run fails, the bot tries again.
/// </summary>
public static class SyncConnectionErrors
{
    /// <summary>Why the connection should be paused, or null when the failure is passing.</summary>
    public static string? PauseReason(TaskSystemException error) => error switch
    {
        TaskSystemRateLimitedException => null,
        { Status: 401 or 403 } => $"The task system refused the connection's credentials (HTTP {error.Status}); fix them and resume the connection.",
        { Status: 400 or 404 } => $"The task system does not know what the connection asks for (HTTP {error.Status}); check its paths and fields and resume it.",
        { Status: null, Uncertain: false, InnerException: null } => "The task system answered in a shape the connection does not describe; check its settings and resume it.",
        _ => null,
    };
}
