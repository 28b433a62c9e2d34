namespace OpsConsole.Core.Yard;

public sealed record YardCapAlert(DateTime At, int Planned, int Cap);

/// <summary>
/// The poller's state for "last polled", the stale banner, alerts and the settings panel. "Last polled" is
/// <see cref="LastSuccessAt"/>, the last GOOD cycle; <see cref="LastAttemptAt"/> is the last cycle of either kind, and
/// <see cref="LastError"/> its error when it failed (ADR 0019).
/// </summary>
public sealed record YardStatus(YardSettings Settings, DateTime? LastAttemptAt, DateTime? LastSuccessAt, DateTime WatchingSince,
    string? LastError, int ConsecutiveFailures, DateTime? NextPollAt, long Version, DateTime? ViewChangedAt, YardCapAlert? CapAlert,
    YardCycleResult? LastCycle, IReadOnlyList<string> FailingRules, YardPollerHealth Health = YardPollerHealth.Watching)
{
    public const int StaleAfterIntervals = 3;

    /// <summary>Three intervals without a good cycle (paused is shown as paused, not as stale).</summary>
    public bool IsStale(DateTime now) =>
        !Settings.Paused && SinceLastSuccess(now) > TimeSpan.FromSeconds(StaleAfterIntervals * Settings.IntervalSeconds);

    /// <summary>The last cycle failed (its error is <see cref="LastError"/>); the view is the one of <see cref="LastSuccessAt"/>.</summary>
    public bool LastAttemptFailed => LastError is not null;

    /// <summary>Nothing to show yet: no view was stored before this start and no cycle has succeeded since.</summary>
    public bool WaitingForFirstView() => Version == 0 && LastSuccessAt is null;

    /// <summary>How long since the last good cycle (or since the poller started watching, before the first).</summary>
    public TimeSpan SinceLastSuccess(DateTime now) => now - (LastSuccessAt ?? WatchingSince);
}

/// <summary>What a cycle's end changed: the health move, and the alerts that began with it (each audited once, when it begins).</summary>
public sealed record YardStateChange(YardPollerMove Move, YardStatus Status, bool CapAlertStarted, IReadOnlyList<string> RulesStartedFailing);

/// <summary>
/// The poller's state between cycles: its settings and rule switches as last saved, the last stored view, and its
/// status. Every change of the status happens here, under one lock, and every health move goes through
/// <see cref="YardTransitions.Health"/>. No I/O: the poller reads and stores, audits and publishes around it.
/// </summary>
public sealed class YardPollerState
{
    /// <summary>
    /// Ticks come each whole second and a cycle starts a few milliseconds into one: half a second of slack keeps a
    /// 1 s interval from slipping to every other tick.
    /// </summary>
    public static readonly TimeSpan TickSlack = TimeSpan.FromMilliseconds(500);

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private YardSettings _settings = new();
    private IReadOnlyDictionary<string, YardRuleSetting> _rules = new Dictionary<string, YardRuleSetting>(StringComparer.Ordinal);
    private YardView _view = YardView.Empty;
    private YardStatus _status;

    public YardPollerState(TimeProvider time)
    {
        _time = time;
        _status = new YardStatus(new YardSettings(), null, null, Now, null, 0, null, 0, null, null, null, []);
    }

    public YardView View => _view;
    public YardStatus Status => _status;

    /// <summary>A copy of the settings, for one cycle to hold on to while an admin changes them.</summary>
    public YardSettings Settings
    {
        get
        {
            lock (_gate)
            {
                return _settings.Copy();
            }
        }
    }

    public IReadOnlyDictionary<string, YardRuleSetting> RuleSettings => _rules;

    public YardRuleSetting RuleSetting(string name) => _rules.GetValueOrDefault(name) ?? new YardRuleSetting { Name = name };

    /// <summary>What was stored before this start: the settings, the rule switches and the last view (stale until a good cycle).</summary>
    public void Load(YardSettings settings, IReadOnlyDictionary<string, YardRuleSetting> rules, YardView view, DateTime? viewChangedAt)
    {
        lock (_gate)
        {
            var now = Now;
            _settings = settings.Copy();
            _rules = new Dictionary<string, YardRuleSetting>(rules, StringComparer.Ordinal);
            _view = view;
            _status = _status with
            {
                Settings = settings.Copy(), Version = view.Version, ViewChangedAt = viewChangedAt, WatchingSince = now, NextPollAt = now,
                Health = YardPollerHealth.Watching,
            };
        }
    }

    /// <summary>Whether the scheduler's tick should run a cycle: not paused, and the interval (or the backoff) has passed.</summary>
    public bool IsDue()
    {
        var status = _status;
        return !status.Settings.Paused && (status.NextPollAt is not { } due || Now >= due - TickSlack);
    }

    /// <summary>
    /// Another instance of the cluster cycled (ADR 0040): its status (with this instance's own settings) and, when newer, the
    /// view it stored become this instance's, and this instance's next try is when the cluster's next cycle is due.
    /// False when it is this state's own last cycle (only the next try moves). Never while this instance cycles.
    /// </summary>
    public bool Adopt(YardStatus? shared, YardView? storedView, TimeSpan untilDue)
    {
        lock (_gate)
        {
            var next = Now + untilDue;
            // The row holds the cluster's newest cycle (cycles take turns under the lease): another one than this state's last.
            if (shared is null || shared.LastAttemptAt == _status.LastAttemptAt)
            {
                _status = _status with { NextPollAt = next };
                return false;
            }
            if (storedView is not null && storedView.Version > _view.Version)
            {
                _view = storedView;
            }
            _status = shared with { Settings = _settings.Copy(), WatchingSince = _status.WatchingSince, NextPollAt = next, Version = _view.Version };
            return true;
        }
    }

    /// <summary>The next tick runs a cycle (after a manual change, or a new interval).</summary>
    public void PollSoon()
    {
        lock (_gate)
        {
            _status = _status with { NextPollAt = Now };
        }
    }

    /// <summary>New settings: the next cycle is an interval (as set now) after the last one.</summary>
    public YardStatus Apply(YardSettings settings)
    {
        lock (_gate)
        {
            _settings = settings.Copy();
            _status = _status with { Settings = settings.Copy(), NextPollAt = (_status.LastAttemptAt ?? Now).AddSeconds(settings.IntervalSeconds) };
            return _status;
        }
    }

    public YardStatus Apply(YardRuleSetting rule)
    {
        lock (_gate)
        {
            _rules = new Dictionary<string, YardRuleSetting>(_rules, StringComparer.Ordinal) { [rule.Name] = rule };
            return _status;
        }
    }

    /// <summary>
    /// A good cycle: its view (when it was stored), the cap alert raised or cleared, the rules failing now, and the
    /// next cycle one interval (as set now) after this one.
    /// </summary>
    public YardStateChange Succeeded(YardCycleResult result, YardView? stored, YardCapAlert? capAlert, IReadOnlyList<string> failingRules)
    {
        lock (_gate)
        {
            var move = Move(succeeded: true);
            var capStarted = capAlert is not null && _status.CapAlert is null;
            var newlyFailing = failingRules.Except(_status.FailingRules, StringComparer.Ordinal).ToList();
            _view = stored ?? _view;
            _status = _status with
            {
                Health = move.To, LastAttemptAt = result.StartedAt, LastSuccessAt = result.StartedAt, LastError = null, ConsecutiveFailures = 0,
                NextPollAt = result.StartedAt.AddSeconds(_settings.IntervalSeconds), Version = _view.Version,
                ViewChangedAt = stored is null ? _status.ViewChangedAt : result.StartedAt, CapAlert = capAlert, LastCycle = result,
                FailingRules = failingRules,
            };
            return new YardStateChange(move.Move, _status, capStarted, newlyFailing);
        }
    }

    /// <summary>
    /// A failed cycle: nothing of the view or the alerts changes, and the next try is one interval later, so the view
    /// recovers within an interval of the yard system answering again. No backoff of our own: while the yard system
    /// is down the client's circuit breaker opens and a cycle costs one probe (ADR 0019).
    /// </summary>
    public YardStateChange Failed(YardCycleResult result, int intervalSeconds)
    {
        lock (_gate)
        {
            var move = Move(succeeded: false);
            _status = _status with
            {
                Health = move.To, LastAttemptAt = result.StartedAt, LastError = result.Error, ConsecutiveFailures = _status.ConsecutiveFailures + 1,
                NextPollAt = result.StartedAt.AddSeconds(intervalSeconds), LastCycle = result,
            };
            return new YardStateChange(move.Move, _status, false, []);
        }
    }

    private (YardPollerMove Move, YardPollerHealth To) Move(bool succeeded)
    {
        var move = YardTransitions.AfterCycle(_status.Health, succeeded);
        var transition = YardTransitions.Health.Apply(_status.Health, move, "The yard poller");
        return transition.Allowed ? (move, transition.To) : throw new InvalidOperationException(transition.Refusal);
    }

    private DateTime Now => _time.GetUtcNow().UtcDateTime;
}
