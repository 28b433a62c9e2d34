using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Core.Yard;

/// <summary>One cycle, as the API, the page and the benchmark see it. Times in milliseconds.</summary>
public sealed record YardCycleResult(long Cycle, DateTime StartedAt, string Trigger, bool Succeeded, string? Error,
    int Hostlers, int Tasks, int Patched, int Deleted, int Held, bool CapExceeded, bool Stored, long Version,
    int Added, int Removed, int Changed, double ReadMs, double ProcessMs, double MutateMs, double StoreMs, long ProcessAllocatedBytes);

public sealed record YardCapAlert(DateTime At, int Planned, int Cap);

/// <summary>The poller's state for "last polled", the stale banner, alerts and the settings panel.</summary>
public sealed record YardStatus(YardSettings Settings, DateTime? LastPolledAt, DateTime? LastSuccessAt, DateTime WatchingSince,
    string? LastError, int ConsecutiveFailures, DateTime? NextPollAt, long Version, DateTime? ViewChangedAt, YardCapAlert? CapAlert,
    YardCycleResult? LastCycle, IReadOnlyList<string> FailingRules)
{
    public const int StaleAfterIntervals = 3;

    /// <summary>Three intervals without a good cycle (paused is shown as paused, not as stale).</summary>
    public bool IsStale(DateTime now) =>
        !Settings.Paused && now - (LastSuccessAt ?? WatchingSince) > TimeSpan.FromSeconds(StaleAfterIntervals * Settings.IntervalSeconds);
}

/// <summary>
/// The yard poller (ADR 0011): each cycle reads every hostler, the workbasket, each hostler's tasks and every task's
/// detail (through HybridCache, keyed by the task's version); runs the rules; patches fixable tasks and deletes
/// unfixable ones unless a guard holds them (dry run, a failed read, the deletion cap, paused); and stores the
/// unified view only when it changed, publishing what was added, removed and changed. Cycles never overlap.
/// </summary>
public sealed class YardPoller(
    YardClient client,
    HybridCache cache,
    IDbContextFactory<OpsDbContext> contexts,
    AuditLog audit,
    IOpsEventStream events,
    YardMetrics metrics,
    YardOptions options,
    TimeProvider time,
    ILogger<YardPoller> logger,
    IEnumerable<IYardRule>? rules = null)
{
    public static readonly Actor PollerActor = new("yard-poller", []);

    internal static readonly JsonSerializerOptions ViewJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static readonly HybridCacheEntryOptions DetailEntry = new() { Expiration = TimeSpan.FromMinutes(30), LocalCacheExpiration = TimeSpan.FromMinutes(30) };

    private readonly IReadOnlyList<IYardRule> _rules = rules?.ToList() is { Count: > 0 } custom ? custom : YardRuleSet.Default();
    private readonly SemaphoreSlim _cycleGate = new(1, 1);
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly Lock _stateGate = new();
    private volatile bool _loaded;

    private YardSettings _settings = new();
    private Dictionary<string, YardRuleSetting> _ruleSettings = new(StringComparer.Ordinal);
    private YardView _view = YardView.Empty;
    private YardStatus _status = new(new YardSettings(), null, null, DateTime.UtcNow, null, 0, null, 0, null, null, null, []);
    private long _cycles;
    private bool _failing;
    private HashSet<string> _failingRules = [];

    public IReadOnlyList<IYardRule> Rules => _rules;
    public YardView View => _view;
    public YardStatus Status => _status;

    public static string TaskTag(string id) => "yard:task:" + id;

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
            await using var db = await contexts.CreateDbContextAsync(ct);
            _settings = await db.YardSettings.AsNoTracking().FirstOrDefaultAsync(ct) ?? new YardSettings();
            _ruleSettings = await db.YardRules.AsNoTracking().ToDictionaryAsync(r => r.Name, StringComparer.Ordinal, ct);
            var last = await db.YardSnapshots.AsNoTracking().OrderByDescending(s => s.Id).FirstOrDefaultAsync(ct);
            if (last is not null)
            {
                _view = JsonSerializer.Deserialize<YardView>(last.ViewJson, ViewJson) ?? YardView.Empty;
            }
            var now = Now;
            _status = _status with { Settings = _settings.Copy(), Version = _view.Version, ViewChangedAt = last?.TakenAt, WatchingSince = now, NextPollAt = now };
            _loaded = true;
        }
        finally
        {
            _loadGate.Release();
        }
    }

    public YardRuleSetting RuleSetting(string name) => _ruleSettings.GetValueOrDefault(name) ?? new YardRuleSetting { Name = name };

    /// <summary>The scheduler's tick (every second): a cycle when one is due, not paused and none is running.</summary>
    public async Task<YardCycleResult?> TickAsync(CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        // Ticks come each whole second and a cycle starts a few milliseconds into one: half a second of slack keeps a
        // 1 s interval from slipping to every other tick.
        if (_settings.Paused || (_status.NextPollAt is { } due && Now < due.AddMilliseconds(-500)) || _cycleGate.CurrentCount == 0)
        {
            return null;
        }
        return await PollAsync("schedule", ct);
    }

    /// <summary>Runs one cycle now (after any running one). While paused a cycle reads and shows but changes nothing.</summary>
    public async Task<YardCycleResult> PollAsync(string trigger, CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        await _cycleGate.WaitAsync(ct);
        try
        {
            return await CycleAsync(trigger, ct);
        }
        finally
        {
            _cycleGate.Release();
        }
    }

    /// <summary>The next tick runs a cycle (after a manual change, or a new interval).</summary>
    public void PollSoon()
    {
        lock (_stateGate)
        {
            _status = _status with { NextPollAt = Now };
        }
    }

    internal void Apply(YardSettings settings)
    {
        lock (_stateGate)
        {
            _settings = settings.Copy();
            var next = (_status.LastPolledAt ?? Now).AddSeconds(settings.IntervalSeconds);
            _status = _status with { Settings = settings.Copy(), NextPollAt = _status.ConsecutiveFailures > 0 ? _status.NextPollAt : next };
        }
        events.Publish(new YardStatusChanged(_status));
    }

    internal void Apply(YardRuleSetting rule)
    {
        lock (_stateGate)
        {
            _ruleSettings = new Dictionary<string, YardRuleSetting>(_ruleSettings, StringComparer.Ordinal) { [rule.Name] = rule };
        }
        events.Publish(new YardStatusChanged(_status));
    }

    internal async Task ForgetTaskAsync(string id, YardTask? replacement, CancellationToken ct)
    {
        await cache.RemoveByTagAsync(TaskTag(id), ct);
        if (replacement is not null)
        {
            await cache.SetAsync(DetailKey(id, replacement.Version), replacement, DetailEntry, [TaskTag(id)], ct);
        }
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private async Task<YardCycleResult> CycleAsync(string trigger, CancellationToken ct)
    {
        var cycle = Interlocked.Increment(ref _cycles);
        var started = Now;
        var settings = _settings.Copy();
        var ruleSettings = _ruleSettings;
        var clock = Stopwatch.StartNew();

        YardReads reads;
        try
        {
            reads = await ReadAllAsync(ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is YardUpstreamException or HttpRequestException or JsonException)
        {
            return await FailAsync(cycle, started, trigger, settings, ex.Message, clock.Elapsed.TotalMilliseconds, ct);
        }
        var readMs = clock.Elapsed.TotalMilliseconds;

        // Process: rules and the plan (synchronous, so the allocation count is this cycle's own).
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        clock.Restart();
        var plan = Evaluate(reads, settings, ruleSettings, started);
        var processMs = clock.Elapsed.TotalMilliseconds;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        // Guards, then mutations.
        clock.Restart();
        var liveDeletes = plan.Actions.Count(a => a.Delete && !a.DryRun);
        var capExceeded = liveDeletes > settings.DeletionCap;
        string? hold = settings.Paused ? "held: the poller is paused" : capExceeded ? $"held: {liveDeletes} deletions exceed the cap of {settings.DeletionCap}" : null;
        var outcome = await MutateAsync(plan, hold, ct);
        var mutateMs = clock.Elapsed.TotalMilliseconds;

        // The view, stored only when it changed.
        allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        clock.Restart();
        var candidate = BuildView(reads, plan, outcome, started);
        var diff = YardViewDiff.Between(_view, candidate);
        processMs += clock.Elapsed.TotalMilliseconds;
        allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        clock.Restart();
        var stored = false;
        if (!diff.IsEmpty)
        {
            candidate = candidate with { Version = _view.Version + 1 };
            await StoreAsync(candidate, diff, ct);
            _view = candidate;
            stored = true;
        }
        var storeMs = clock.Elapsed.TotalMilliseconds;

        await NoteCapAsync(capExceeded, liveDeletes, settings.DeletionCap, started, ct);
        await NoteRuleErrorsAsync(plan.FailingRules, ct);
        if (_failing)
        {
            _failing = false;
            await AuditAsync("yard.cycle-recovered", "YardPoller", null, null, new { cycle }, ct);
        }

        var result = new YardCycleResult(cycle, started, trigger, true, null, reads.Hostlers.Count, reads.Tasks.Count, outcome.Patched,
            outcome.Deleted, outcome.Held, capExceeded, stored, _view.Version, diff.Added.Count, diff.Removed.Count, diff.Changed.Count,
            readMs, processMs, mutateMs, storeMs, allocated);
        lock (_stateGate)
        {
            _status = _status with
            {
                LastPolledAt = started, LastSuccessAt = started, LastError = null, ConsecutiveFailures = 0,
                NextPollAt = started.AddSeconds(_settings.IntervalSeconds), Version = _view.Version,
                ViewChangedAt = stored ? started : _status.ViewChangedAt, LastCycle = result, FailingRules = plan.FailingRules,
            };
        }
        metrics.Cycles.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
        metrics.CycleDuration.Record((readMs + processMs + mutateMs + storeMs) / 1000);
        if (stored)
        {
            events.Publish(new YardViewChanged(_view.Version, started, diff.Added, diff.Removed, diff.Changed));
        }
        events.Publish(new YardStatusChanged(_status));
        return result;
    }

    private sealed record YardReads(IReadOnlyList<YardHostler> Hostlers, IReadOnlyList<YardTask> Tasks, IReadOnlyDictionary<string, string> BucketOf);

    private async Task<YardReads> ReadAllAsync(CancellationToken ct)
    {
        var hostlersTask = client.HostlersAsync(ct);
        var workbasketTask = client.WorkbasketAsync(ct);
        await Task.WhenAll(hostlersTask, workbasketTask);
        var hostlers = hostlersTask.Result;
        var perHostler = new IReadOnlyList<YardTaskSummary>[hostlers.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, hostlers.Count), new ParallelOptions { MaxDegreeOfParallelism = options.ReadParallelism, CancellationToken = ct },
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
        var details = new YardTask[list.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, list.Length), new ParallelOptions { MaxDegreeOfParallelism = options.ReadParallelism, CancellationToken = ct },
            async (i, token) =>
            {
                var s = list[i];
                details[i] = await cache.GetOrCreateAsync(DetailKey(s.Id, s.Version), (client, s.Id),
                    static async (state, c) => await state.client.TaskAsync(state.Id, c), DetailEntry, [TaskTag(s.Id)], token);
            });
        return new YardReads(hostlers, details, bucketOf);
    }

    private static string DetailKey(string id, int version) => $"yard:task:{id}:v{version}";

    private sealed record PlannedAction(YardTask Task, bool Delete, bool DryRun, string Rule, string Reason, Dictionary<string, JsonNode?> Fix, List<string> FixRules);

    private sealed record YardPlan(Dictionary<string, List<YardFinding>> Findings, List<PlannedAction> Actions, IReadOnlyList<string> FailingRules);

    private YardPlan Evaluate(YardReads reads, YardSettings settings, IReadOnlyDictionary<string, YardRuleSetting> ruleSettings, DateTime now)
    {
        var hostlers = reads.Hostlers.ToDictionary(h => h.Id, StringComparer.Ordinal);
        var context = new YardRuleContext(hostlers, reads.Tasks, now, settings);
        var active = _rules.Select(r => (Rule: r, Setting: ruleSettings.GetValueOrDefault(r.Name))).Where(r => r.Setting?.Enabled != false).ToArray();
        var findings = new Dictionary<string, List<YardFinding>>(StringComparer.Ordinal);
        var actions = new List<PlannedAction>();
        var failing = new SortedSet<string>(StringComparer.Ordinal);

        foreach (var task in reads.Tasks)
        {
            List<YardFinding>? taskFindings = null;
            PlannedAction? delete = null;
            PlannedAction? patch = null;
            foreach (var (rule, setting) in active)
            {
                YardRuleResult? result;
                try
                {
                    result = rule.Evaluate(task, context);
                }
                catch (Exception ex)
                {
                    failing.Add(rule.Name);
                    (taskFindings ??= []).Add(new YardFinding(rule.Name, YardVerdict.Error, $"The rule failed: {ex.GetType().Name}: {ex.Message}", "rule failed"));
                    continue;
                }
                if (result is null)
                {
                    continue;
                }
                var dryRun = settings.DryRun || setting?.DryRun == true;
                (taskFindings ??= []).Add(new YardFinding(rule.Name, result.Verdict, result.Reason, result.Verdict == YardVerdict.Flag ? "flagged" : ""));
                if (result.Verdict == YardVerdict.Unfixable && (delete is null || (delete.DryRun && !dryRun)))
                {
                    delete = new PlannedAction(task, true, dryRun, rule.Name, result.Reason, [], []);
                }
                else if (result.Verdict == YardVerdict.Fixable && result.Fix is not null)
                {
                    patch ??= new PlannedAction(task, false, true, rule.Name, result.Reason, [], []);
                    if (!dryRun)
                    {
                        patch = patch with { DryRun = false };
                    }
                    foreach (var (field, value) in result.Fix)
                    {
                        patch.Fix[field] = value;
                    }
                    patch.FixRules.Add(rule.Name);
                }
            }
            if (taskFindings is not null)
            {
                findings[task.Id] = taskFindings;
            }
            // A live delete wins; otherwise a live patch; otherwise what would have happened (dry run).
            var action = delete is { DryRun: false } ? delete : patch is { DryRun: false } ? patch : delete ?? patch;
            if (action is not null)
            {
                actions.Add(action);
            }
        }
        return new YardPlan(findings, actions, failing.ToList());
    }

    private sealed record MutationOutcome(int Patched, int Deleted, int Held, HashSet<string> DeletedIds, Dictionary<string, YardTask> PatchedTasks,
        Dictionary<string, string> OutcomeByTask);

    private async Task<MutationOutcome> MutateAsync(YardPlan plan, string? hold, CancellationToken ct)
    {
        var outcome = new MutationOutcome(0, 0, 0, [], new Dictionary<string, YardTask>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal));
        int patched = 0, deleted = 0, held = 0;
        foreach (var action in plan.Actions)
        {
            var id = action.Task.Id;
            if (action.DryRun)
            {
                outcome.OutcomeByTask[id] = action.Delete ? "would delete (dry run)" : "would patch (dry run)";
                continue;
            }
            if (hold is not null)
            {
                outcome.OutcomeByTask[id] = hold;
                held++;
                continue;
            }
            try
            {
                if (action.Delete)
                {
                    var existed = await client.DeleteAsync(id, ct);
                    await ForgetTaskAsync(id, null, ct);
                    outcome.DeletedIds.Add(id);
                    outcome.OutcomeByTask[id] = existed ? "deleted" : "already gone";
                    deleted++;
                    metrics.Mutations.Add(1, new KeyValuePair<string, object?>("kind", "delete"));
                    await AuditAsync("yard.auto-delete", "YardTask", id, Describe(action.Task), new { rule = action.Rule, reason = action.Reason, existed }, ct);
                }
                else
                {
                    var after = await client.PatchAsync(id, action.Fix, ct);
                    await ForgetTaskAsync(id, after, ct);
                    if (after is null)
                    {
                        outcome.DeletedIds.Add(id);
                        outcome.OutcomeByTask[id] = "already gone";
                        continue;
                    }
                    outcome.PatchedTasks[id] = after;
                    outcome.OutcomeByTask[id] = "patched";
                    patched++;
                    metrics.Mutations.Add(1, new KeyValuePair<string, object?>("kind", "patch"));
                    await AuditAsync("yard.auto-patch", "YardTask", id, Describe(action.Task),
                        new { rules = action.FixRules, reason = action.Reason, fields = new JsonObject(action.Fix.Select(f => KeyValuePair.Create(f.Key, f.Value?.DeepClone()))) }, ct);
                }
            }
            catch (YardUpstreamException ex)
            {
                outcome.OutcomeByTask[id] = (action.Delete ? "delete failed: " : "patch failed: ") + ex.Message;
                metrics.Mutations.Add(1, new KeyValuePair<string, object?>("kind", "error"));
                logger.LogWarning("Yard {Action} of task {Task} failed: {Error}", action.Delete ? "delete" : "patch", id, ex.Message);
                await AuditAsync(action.Delete ? "yard.auto-delete-failed" : "yard.auto-patch-failed", "YardTask", id, Describe(action.Task),
                    new { rule = action.Rule, reason = action.Reason, error = ex.Message }, ct);
            }
        }
        return outcome with { Patched = patched, Deleted = deleted, Held = held };
    }

    private static object Describe(YardTask t) => new { t.Status, hostler_id = t.HostlerId, t.Priority, t.Origin, t.Destination, trailer_id = t.TrailerId, t.Version };

    private static YardView BuildView(YardReads reads, YardPlan plan, MutationOutcome outcome, DateTime now)
    {
        var buckets = new Dictionary<string, List<YardTaskRow>>(StringComparer.Ordinal);
        var workbasket = new List<YardTaskRow>();
        foreach (var original in reads.Tasks)
        {
            if (outcome.DeletedIds.Contains(original.Id))
            {
                continue;
            }
            var task = outcome.PatchedTasks.GetValueOrDefault(original.Id) ?? original;
            IReadOnlyList<YardFinding> findings = [];
            if (plan.Findings.TryGetValue(original.Id, out var found))
            {
                var done = outcome.OutcomeByTask.GetValueOrDefault(original.Id);
                findings = done is null ? found : found.Select(f => f.Outcome.Length == 0 ? f with { Outcome = done } : f).ToList();
            }
            var row = new YardTaskRow(task, findings);
            // A patch may have unassigned it: the task goes where its patched hostler says.
            var bucket = outcome.PatchedTasks.ContainsKey(original.Id) ? task.HostlerId ?? "" : reads.BucketOf.GetValueOrDefault(original.Id, "");
            if (bucket.Length == 0)
            {
                workbasket.Add(row);
            }
            else
            {
                if (!buckets.TryGetValue(bucket, out var list))
                {
                    buckets[bucket] = list = [];
                }
                list.Add(row);
            }
        }
        var cards = new List<YardHostlerCard>(reads.Hostlers.Count);
        foreach (var hostler in reads.Hostlers)
        {
            var tasks = buckets.GetValueOrDefault(hostler.Id) ?? [];
            var current = tasks.FirstOrDefault(t => t.Task.Status == YardTask.InProgress);
            cards.Add(new YardHostlerCard(hostler, current, current is null ? tasks : tasks.Where(t => !ReferenceEquals(t, current)).ToList()));
        }
        workbasket.Sort((a, b) => b.Task.Priority != a.Task.Priority ? b.Task.Priority.CompareTo(a.Task.Priority) : a.Task.CreatedAt.CompareTo(b.Task.CreatedAt));
        return new YardView(0, now, cards, workbasket);
    }

    private async Task StoreAsync(YardView view, YardViewDiff diff, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.YardSnapshots.Add(new YardSnapshot
        {
            Version = view.Version, TakenAt = view.TakenAt, Added = diff.Added.Count, Removed = diff.Removed.Count, Changed = diff.Changed.Count,
            ViewJson = JsonSerializer.Serialize(view, ViewJson),
        });
        await db.SaveChangesAsync(ct);
        if (view.Version % options.KeptSnapshots == 0)
        {
            var keepFrom = view.Version - options.KeptSnapshots;
            await db.YardSnapshots.Where(s => s.Version <= keepFrom).ExecuteDeleteAsync(ct);
        }
    }

    private async Task<YardCycleResult> FailAsync(long cycle, DateTime started, string trigger, YardSettings settings, string error, double readMs,
        CancellationToken ct)
    {
        int failures;
        lock (_stateGate)
        {
            failures = _status.ConsecutiveFailures + 1;
            var backoff = Math.Min(settings.IntervalSeconds * Math.Pow(2, Math.Min(failures, 10)), Math.Max(settings.IntervalSeconds, 60));
            _status = _status with { LastPolledAt = started, LastError = error, ConsecutiveFailures = failures, NextPollAt = started.AddSeconds(backoff) };
        }
        logger.LogWarning("Yard poll {Cycle} failed ({Failures} in a row); nothing was changed: {Error}", cycle, failures, error);
        metrics.Cycles.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        if (!_failing)
        {
            _failing = true;
            await AuditAsync("yard.cycle-failed", "YardPoller", null, null, new { cycle, error }, ct);
        }
        var result = new YardCycleResult(cycle, started, trigger, false, error, 0, 0, 0, 0, 0, false, false, _view.Version, 0, 0, 0, readMs, 0, 0, 0, 0);
        lock (_stateGate)
        {
            _status = _status with { LastCycle = result };
        }
        events.Publish(new YardStatusChanged(_status));
        return result;
    }

    private async Task NoteCapAsync(bool exceeded, int planned, int cap, DateTime at, CancellationToken ct)
    {
        var previous = _status.CapAlert;
        if (exceeded)
        {
            lock (_stateGate)
            {
                _status = _status with { CapAlert = new YardCapAlert(at, planned, cap) };
            }
            if (previous is null)
            {
                metrics.CapAlerts.Add(1);
                logger.LogError("Yard poller: {Planned} deletions planned, more than the cap of {Cap}; nothing was changed this cycle", planned, cap);
                await AuditAsync("yard.deletion-cap-exceeded", "YardPoller", null, null, new { planned, cap }, ct);
            }
        }
        else if (previous is not null)
        {
            lock (_stateGate)
            {
                _status = _status with { CapAlert = null };
            }
        }
    }

    private async Task NoteRuleErrorsAsync(IReadOnlyList<string> failing, CancellationToken ct)
    {
        foreach (var rule in failing.Where(r => !_failingRules.Contains(r)))
        {
            await AuditAsync("yard.rule-error", "YardRule", rule, null, "the rule threw; see its findings on the hostler view", ct);
        }
        _failingRules = [.. failing];
    }

    private Task AuditAsync(string action, string entityType, string? entityId, object? before, object? after, CancellationToken ct) =>
        audit.RecordAsync(PollerActor, YardModule.Name, action, entityType, entityId, before, after, ct);
}
