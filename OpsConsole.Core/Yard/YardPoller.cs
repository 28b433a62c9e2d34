using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Leasing;
using OpsConsole.Core.Shared.Settings;
using OpsConsole.Core.Shared.Upstreams;

namespace OpsConsole.Core.Yard;

/// <summary>One cycle, as the API, the page and the benchmark see it. Times in milliseconds.</summary>
public sealed record YardCycleResult(long Cycle, DateTime StartedAt, string Trigger, bool Succeeded, string? Error,
    int Hostlers, int Tasks, int Patched, int Deleted, int Held, bool CapExceeded, bool Stored, long Version,
    int Added, int Removed, int Changed, double ReadMs, double ProcessMs, double MutateMs, double StoreMs, long ProcessAllocatedBytes);

/// <summary>
/// The yard poller (ADR 0011) runs a cycle: it reads every hostler, the workbasket, each hostler's tasks and every
/// task's detail (through <see cref="YardTaskCache"/>); the <see cref="YardCyclePlanner"/> runs the rules; the
/// <see cref="YardMutator"/> patches and deletes unless a guard holds it; the <see cref="YardViewBuilder"/> makes the
/// unified view, which is stored and published only when it differs from the last. The <see cref="YardPollerState"/>
/// keeps what lasts between cycles. Cycles never overlap, across instances too: a cycle holds the database lease
/// <see cref="LeaseName"/> (ADR 0040), so two consoles never patch and delete in the yard system at once; in a cluster
/// they also share when the next cycle is due, its status and its view (<see cref="YardSharedPoll"/>), so the cluster
/// polls once per interval and every instance shows the last cycle's view, whichever instance ran it.
/// </summary>
public sealed class YardPoller(
    YardClient client,
    YardTaskCache cache,
    YardViewStore store,
    YardCyclePlanner planner,
    YardMutator mutator,
    YardPollerState state,
    AuditLog audit,
    IOpsEventStream events,
    YardMetrics metrics,
    YardAlerts alerts,
    RuntimeSettings settings,
    YardOptions options,
    UpstreamBreakers breakers,
    DatabaseLease leases,
    YardSharedPoll shared,
    TimeProvider time,
    ILogger<YardPoller> logger)
{
    public static readonly Actor PollerActor = new("yard-poller", []);

    /// <summary>The lease a cycle holds, on whichever instance it runs.</summary>
    public const string LeaseName = "yard:poller";

    /// <summary>Renewed every third of this while a cycle runs; a dead instance's cycle frees it after this long.</summary>
    public static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan LeaseRetry = TimeSpan.FromMilliseconds(250);

    private readonly SemaphoreSlim _cycleGate = new(1, 1);
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private volatile bool _loaded;
    private long _cycles;
    private int _pollSoon;
    private readonly Lock _catchUpGate = new();
    private Task? _catchingUp;

    public IReadOnlyList<IYardRule> Rules => planner.Rules;
    public YardView View => state.View;
    public YardStatus Status => state.Status;

    public YardRuleSetting RuleSetting(string name) => state.RuleSetting(name);

    /// <summary>Reads the settings, the rule switches and the last stored view (once, before anything else).</summary>
    public async Task EnsureLoadedAsync(CancellationToken ct = default)
    {
        if (_loaded)
        {
            return;
        }
        await _loadGate.WaitAsync(ct);
        try
        {
            if (_loaded)
            {
                return;
            }
            var stored = await store.LoadAsync(ct);
            state.Load(stored.Settings, stored.Rules, stored.View, stored.ViewChangedAt);
            _loaded = true;
        }
        finally
        {
            _loadGate.Release();
        }
    }

    /// <summary>
    /// The scheduler's tick (every second): a cycle when one is due, not paused and none is running. It also reads the
    /// runtime settings (a snapshot, renewed every 30 s, so another instance's change arrives) and notices when the data
    /// has turned stale between cycles.
    /// </summary>
    public async Task<YardCycleResult?> TickAsync(CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        await settings.ReadAsync(YardModule.Name, ct);
        await alerts.TickAsync(state.Status, ct);
        if (!state.IsDue() || _cycleGate.CurrentCount == 0)
        {
            return null;
        }
        return await PollAsync("schedule", waitForLease: false, ct: ct);
    }

    /// <summary>
    /// Runs one cycle now (after any running one). While paused a cycle reads and shows but changes nothing. The
    /// cycle's audit lines name <paramref name="actor"/> (the poller's own by default; an operator who asked for it
    /// through <see cref="YardOperations.PollNowAsync"/>).
    /// </summary>
    internal async Task<YardCycleResult> PollAsync(string trigger, Actor? actor = null, CancellationToken ct = default) =>
        (await PollAsync(trigger, waitForLease: true, actor, ct))!;

    /// <summary>
    /// A cycle under the lease. A scheduled tick that finds another instance cycling leaves it (null: nothing due here);
    /// a person's "poll now" waits for that cycle to end, as it waits for one in this process.
    /// </summary>
    private async Task<YardCycleResult?> PollAsync(string trigger, bool waitForLease, Actor? actor = null, CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        await _cycleGate.WaitAsync(ct);
        try
        {
            // A tick that found a cycle due may have waited here behind an operator's "poll now", which made it not due.
            if (!waitForLease && !state.IsDue())
            {
                return null;
            }
            var lease = await leases.TryAcquireAsync(LeaseName, LeaseTtl, ct);
            while (lease is null && waitForLease)
            {
                await Task.Delay(LeaseRetry, time, ct);
                lease = await leases.TryAcquireAsync(LeaseName, LeaseTtl, ct);
            }
            if (lease is null)
            {
                return null;
            }
            await using (lease)
            {
                if (shared.Enabled && !await ClaimSharedCycleAsync(force: waitForLease, ct))
                {
                    return null;
                }
                using var work = CancellationTokenSource.CreateLinkedTokenSource(ct, lease.Lost);
                return await CycleAsync(trigger, actor ?? PollerActor, work.Token);
            }
        }
        finally
        {
            _cycleGate.Release();
        }
    }

    /// <summary>The next tick runs a cycle (after a manual change, or a new interval), on this instance even in a cluster.</summary>
    public void PollSoon()
    {
        Volatile.Write(ref _pollSoon, 1);
        state.PollSoon();
    }

    /// <summary>
    /// In a cluster, under the lease: claims the cycle when the cluster's last one is an interval old (or when a person
    /// asked), and first takes the status and the view the last cycle left, whichever instance ran it, so this cycle
    /// compares with the newest view. False: another instance cycled within the interval; this one tries when it is due.
    /// </summary>
    private async Task<bool> ClaimSharedCycleAsync(bool force, CancellationToken ct)
    {
        force |= Interlocked.Exchange(ref _pollSoon, 0) == 1;
        var claimed = await shared.TryClaimAsync(DueAfter, force, ct);
        await AdoptSharedAsync(ct);
        return claimed;
    }

    /// <summary>The cluster's interval, less the tick's slack (see <see cref="YardPollerState.TickSlack"/>).</summary>
    private TimeSpan DueAfter => TimeSpan.FromSeconds(state.Settings.IntervalSeconds) - YardPollerState.TickSlack;

    private async Task AdoptSharedAsync(CancellationToken ct)
    {
        if (await shared.ReadAsync(DueAfter, ct) is not { } row)
        {
            return;
        }
        var newer = row.Status is { } status && status.Version > state.View.Version ? await store.LoadNewerAsync(state.View.Version, ct) : null;
        state.Adopt(row.Status, newer, row.UntilDue);
    }

    /// <summary>
    /// Brings this instance's status and view up to the cluster's last cycle, which may have run on another instance
    /// (pages call it before they read <see cref="View"/> and <see cref="Status"/>, on an event or a resync). One read of
    /// the poll row at a time however many pages ask; nothing while this instance cycles (its own result is coming) and
    /// nothing without <c>Cluster:Enabled</c> (this instance's state is the only one).
    /// </summary>
    public async Task CatchUpAsync(CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        if (!shared.Enabled)
        {
            return;
        }
        Task running;
        lock (_catchUpGate)
        {
            running = _catchingUp is { IsCompleted: false } inFlight ? inFlight : _catchingUp = CatchUpOnceAsync();
        }
        await running.WaitAsync(ct);
    }

    private async Task CatchUpOnceAsync()
    {
        if (!await _cycleGate.WaitAsync(0))
        {
            return;
        }
        try
        {
            await AdoptSharedAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "The yard poller could not read the cluster's last cycle; this instance shows its own");
        }
        finally
        {
            _cycleGate.Release();
        }
    }

    internal void Apply(YardSettings settings) => events.Publish(new YardStatusChanged(state.Apply(settings)));

    internal void Apply(YardRuleSetting rule) => events.Publish(new YardStatusChanged(state.Apply(rule)));

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private async Task<YardCycleResult> CycleAsync(string trigger, Actor actor, CancellationToken ct)
    {
        var cycle = Interlocked.Increment(ref _cycles);
        var started = Now;
        var settings = state.Settings;
        var ruleSettings = state.RuleSettings;
        var clock = Stopwatch.StartNew();

        YardReads reads;
        try
        {
            await ProbePastAnOpenBreakerAsync(ct);
            reads = await ReadAllAsync(ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is YardUpstreamException or HttpRequestException or JsonException)
        {
            return await FailAsync(new YardCycleResult(cycle, started, trigger, false, ex.Message, 0, 0, 0, 0, 0, false, false, state.View.Version,
                0, 0, 0, clock.Elapsed.TotalMilliseconds, 0, 0, 0, 0), settings, actor, ct);
        }
        var readMs = clock.Elapsed.TotalMilliseconds;

        // Process: rules and the plan (synchronous, so the allocation count is this cycle's own).
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        clock.Restart();
        var plan = planner.Plan(reads, settings, ruleSettings, started);
        var processMs = clock.Elapsed.TotalMilliseconds;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        clock.Restart();
        var outcome = await mutator.ApplyAsync(plan, settings, actor, ct);
        var mutateMs = clock.Elapsed.TotalMilliseconds;

        // The view, stored only when it changed.
        allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        clock.Restart();
        var last = state.View;
        var candidate = YardViewBuilder.Build(reads, plan, outcome, started);
        var diff = YardViewDiff.Between(last, candidate);
        processMs += clock.Elapsed.TotalMilliseconds;
        allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        clock.Restart();
        YardView? stored = null;
        if (!diff.IsEmpty)
        {
            stored = candidate with { Version = last.Version + 1 };
            await store.StoreAsync(stored, diff, ct);
        }
        var storeMs = clock.Elapsed.TotalMilliseconds;

        var result = new YardCycleResult(cycle, started, trigger, true, null, reads.Hostlers.Count, reads.Tasks.Count, outcome.Patched,
            outcome.Deleted, outcome.Held, outcome.CapExceeded, stored is not null, stored?.Version ?? last.Version, diff.Added.Count,
            diff.Removed.Count, diff.Changed.Count, readMs, processMs, mutateMs, storeMs, allocated);
        var capAlert = outcome.CapExceeded ? new YardCapAlert(started, outcome.PlannedDeletes, settings.DeletionCap) : null;
        var change = state.Succeeded(result, stored, capAlert, plan.FailingRules);
        await ShareAsync(change.Status, ct);
        await AuditAlertsAsync(change, capAlert, cycle, actor, ct);
        await alerts.AfterCycleAsync(change.Status, succeeded: true, ct);
        metrics.Cycles.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
        metrics.CycleDuration.Record((readMs + processMs + mutateMs + storeMs) / 1000);
        if (stored is not null)
        {
            events.Publish(new YardViewChanged(stored.Version, started, diff.Added, diff.Removed, diff.Changed));
        }
        events.Publish(new YardStatusChanged(change.Status));
        return result;
    }

    /// <summary>
    /// While the yard client's circuit breaker is open every read fails at once without reaching the yard system, and
    /// the breaker would only try again after its break: the view would stay stale that long after the yard system
    /// came back, and "poll now" would be refused unseen. So a cycle then sends one probe past the breaker; when it
    /// answers the breaker is closed and the cycle reads as usual, when it does not the cycle fails saying why (ADR 0019).
    /// </summary>
    private async Task ProbePastAnOpenBreakerAsync(CancellationToken ct)
    {
        var breaker = breakers.For(YardModule.Upstream);
        if (!breaker.IsOpen)
        {
            return;
        }
        try
        {
            await client.ProbeAsync(ct);
        }
        catch (YardUpstreamException ex)
        {
            throw new YardUpstreamException(
                $"Circuit breaker open after repeated failures (one probe per poll until the yard system answers); the probe: {ex.Message}",
                ex, ex.Status);
        }
        await breaker.CloseAsync(ct);
        logger.LogInformation("The yard system answered a probe: its circuit breaker is closed and the poller reads again");
    }

    private async Task<YardReads> ReadAllAsync(CancellationToken ct)
    {
        var hostlersTask = client.HostlersAsync(ct);
        var workbasketTask = client.WorkbasketAsync(ct);
        await Task.WhenAll(hostlersTask, workbasketTask);
        var hostlers = hostlersTask.Result;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.ReadParallelism, CancellationToken = ct };
        var perHostler = new IReadOnlyList<YardTaskSummary>[hostlers.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, hostlers.Count), parallel,
            async (i, token) => perHostler[i] = await client.HostlerTasksAsync(hostlers[i].Id, token));

        // Every task once; a task a hostler lists is in that hostler's bucket, the rest in the workbasket ("").
        var summaries = new Dictionary<string, YardTaskSummary>(StringComparer.Ordinal);
        var bucketOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in workbasketTask.Result)
        {
            summaries[s.Id] = s;
            bucketOf[s.Id] = "";
        }
        for (var i = 0; i < hostlers.Count; i++)
        {
            foreach (var s in perHostler[i])
            {
                summaries[s.Id] = s;
                bucketOf[s.Id] = hostlers[i].Id;
            }
        }

        var list = summaries.Values.ToArray();
        var details = new YardTask?[list.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, list.Length), parallel, async (i, token) => details[i] = await cache.DetailAsync(list[i], token));
        // A task whose detail answers 404 went between the lists and its read: gone for this cycle, not a failed poll.
        var gone = list.Where((_, i) => details[i] is null).Select(s => s.Id).ToList();
        if (gone.Count > 0)
        {
            logger.LogInformation("Yard poll: {Count} listed task(s) answered 404 and are left out of this cycle: {Ids}", gone.Count,
                string.Join(", ", gone.Take(10)));
        }
        return new YardReads(hostlers, details.OfType<YardTask>().ToArray(), bucketOf);
    }

    private async Task<YardCycleResult> FailAsync(YardCycleResult result, YardSettings settings, Actor actor, CancellationToken ct)
    {
        var previousError = state.Status.LastError;
        var change = state.Failed(result, settings.IntervalSeconds);
        await ShareAsync(change.Status, ct);
        // A failure is retried every interval (ADR 0019): a warning when a run of failures starts or its error changes,
        // not one every few seconds of a long outage.
        logger.Log(change.Move == YardPollerMove.Fail || result.Error != previousError ? LogLevel.Warning : LogLevel.Debug,
            "Yard poll {Cycle} failed ({Failures} in a row); nothing was changed: {Error}", result.Cycle, change.Status.ConsecutiveFailures, result.Error);
        metrics.Cycles.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        if (change.Move == YardPollerMove.Fail)
        {
            await AuditAsync(actor, "yard.cycle-failed", "YardPoller", null, new { cycle = result.Cycle, error = result.Error }, ct);
        }
        await alerts.AfterCycleAsync(change.Status, succeeded: false, ct);
        events.Publish(new YardStatusChanged(change.Status));
        return result;
    }

    /// <summary>The status for the cluster's other instances, before the events that make their pages read it.</summary>
    private async Task ShareAsync(YardStatus status, CancellationToken ct)
    {
        if (!shared.Enabled)
        {
            return;
        }
        try
        {
            await shared.RecordAsync(status, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The cycle's work is done; the others show their last status until the next cycle shares one.
            logger.LogWarning(ex, "The yard poller could not share its status with the cluster's other instances");
        }
    }

    /// <summary>A cap alert and a rule's errors are audited when they begin; a run of failures when it ends.</summary>
    private async Task AuditAlertsAsync(YardStateChange change, YardCapAlert? capAlert, long cycle, Actor actor, CancellationToken ct)
    {
        if (change.CapAlertStarted && capAlert is not null)
        {
            metrics.CapAlerts.Add(1);
            logger.LogError("Yard poller: {Planned} deletions planned, more than the cap of {Cap}; nothing was changed this cycle", capAlert.Planned, capAlert.Cap);
            await AuditAsync(actor, "yard.deletion-cap-exceeded", "YardPoller", null, new { planned = capAlert.Planned, cap = capAlert.Cap }, ct);
        }
        foreach (var rule in change.RulesStartedFailing)
        {
            await AuditAsync(actor, "yard.rule-error", "YardRule", rule, "the rule threw; see its findings on the hostler view", ct);
        }
        if (change.Move == YardPollerMove.Recover)
        {
            await AuditAsync(actor, "yard.cycle-recovered", "YardPoller", null, new { cycle }, ct);
        }
    }

    private Task AuditAsync(Actor actor, string action, string entityType, string? entityId, object? after, CancellationToken ct) =>
        audit.RecordAsync(actor, YardModule.Name, action, entityType, entityId, null, after, ct);
}
