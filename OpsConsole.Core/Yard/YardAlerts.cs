using Microsoft.Extensions.Logging;
using OpsConsole.Core.Shared.Alerts;

namespace OpsConsole.Core.Yard;

/// <summary>
/// The yard's alerts, raised where the poller knows its causes (ADR 0020): a good cycle knows them all (the deletion
/// cap, failing rules, and that the data is fresh again), so it reconciles the whole set; a failed cycle while stale
/// reports the outage again; and the poller's one-second tick notices the moment the data turns stale between cycles
/// (the backoff can leave a minute between them). A failure to write an alert is logged and never stops the poller.
/// </summary>
public sealed class YardAlerts(OpsAlerts alerts, TimeProvider time, ILogger<YardAlerts> logger)
{
    public const string StaleKey = "stale";
    public const string CapKey = "deletion-cap";
    public const string RuleKeyPrefix = "rule:";
    private const string Link = "/yard";

    /// <summary>Whether this instance last reported the data stale (null: not since it started).</summary>
    private bool? _staleReported;

    /// <summary>The tick: reports staleness when it begins or ends between cycles (time passing, a pause).</summary>
    public async Task<bool> TickAsync(YardStatus status, CancellationToken ct)
    {
        var stale = status.IsStale(Now);
        if (_staleReported == stale)
        {
            return false;
        }
        await SafelyAsync(async () =>
        {
            if (stale)
            {
                await alerts.RaiseAsync(Stale(status), ct);
            }
            else
            {
                await alerts.ClearAsync(YardModule.Name, StaleKey, ct);
            }
            _staleReported = stale;
        }, ct);
        return true;
    }

    /// <summary>A cycle ended: a good one reconciles every yard alert; a failed one reports the outage again while stale.</summary>
    public Task AfterCycleAsync(YardStatus status, bool succeeded, CancellationToken ct) => SafelyAsync(async () =>
    {
        if (!succeeded)
        {
            if (status.IsStale(Now))
            {
                await alerts.RaiseAsync(Stale(status), ct);
                _staleReported = true;
            }
            return;
        }
        var current = new List<AlertSignal>();
        if (status.CapAlert is { } cap)
        {
            current.Add(new AlertSignal(YardModule.Name, CapKey, AlertSeverity.Critical, "Yard deletion cap exceeded",
                $"{cap.Planned} tasks would have been deleted in one cycle; the cap is {cap.Cap}. Nothing was changed in that cycle: check the yard system and the rules' findings.",
                Link));
        }
        current.AddRange(status.FailingRules.Select(rule => new AlertSignal(YardModule.Name, RuleKeyPrefix + rule, AlertSeverity.Warning,
            $"Yard rule {rule} is failing", "The rule threw on the last cycle; its findings on the hostler view say why. The other rules still run.", Link)));
        await alerts.ReconcileAsync(YardModule.Name, current, ct: ct);
        _staleReported = false;
    }, ct);

    private static AlertSignal Stale(YardStatus status) => new(YardModule.Name, StaleKey, AlertSeverity.Critical, "Yard data is stale",
        $"No good poll of the yard system for more than {YardStatus.StaleAfterIntervals} intervals ({status.Settings.IntervalSeconds} s each)" +
        (status.LastError is { } error ? $". Last error: {error.TrimEnd('.', ' ')}" : "") + ". The hostler view shows the last good view.",
        Link);

    private async Task SafelyAsync(Func<Task> report, CancellationToken ct)
    {
        try
        {
            await report();
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not report the yard's alerts; the next cycle tries again");
        }
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}
