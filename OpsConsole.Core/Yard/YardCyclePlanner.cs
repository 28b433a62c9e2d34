using System.Text.Json.Nodes;

namespace OpsConsole.Core.Yard;

/// <summary>
/// What one cycle read: every hostler, every task's detail once, and the bucket each task was listed in (a hostler's
/// id, or "" for the workbasket).
/// </summary>
public sealed record YardReads(IReadOnlyList<YardHostler> Hostlers, IReadOnlyList<YardTask> Tasks, IReadOnlyDictionary<string, string> BucketOf);

/// <summary>
/// The one change a cycle plans for a task: a DELETE (the first unfixable finding's rule and reason) or one PATCH with
/// the fixes of its fixable findings (<see cref="FixRules"/>, the first one's reason); <see cref="DryRun"/> when it is
/// only shown.
/// </summary>
public sealed record YardPlannedAction(YardTask Task, bool Delete, bool DryRun, string Rule, string Reason,
    IReadOnlyDictionary<string, JsonNode?> Fix, IReadOnlyList<string> FixRules);

/// <summary>A cycle's plan: the findings per task id, the actions in task order, and the rules that threw (sorted).</summary>
public sealed record YardPlan(IReadOnlyDictionary<string, IReadOnlyList<YardFinding>> Findings, IReadOnlyList<YardPlannedAction> Actions,
    IReadOnlyList<string> FailingRules)
{
    /// <summary>What the deletion cap counts: deletions that would really happen (dry-run ones would not).</summary>
    public int LiveDeletes => Actions.Count(a => a is { Delete: true, DryRun: false });
}

/// <summary>
/// Runs the rules over what a cycle read and plans what to change (docs/yard-rules.md): pure, so that the same reads,
/// settings and switches always give the same plan. A rule that throws becomes an "error" finding and the others still run.
/// </summary>
public sealed class YardCyclePlanner(IEnumerable<IYardRule>? rules = null)
{
    private readonly IReadOnlyList<IYardRule> _rules = rules?.ToList() is { Count: > 0 } custom ? custom : YardRuleSet.Default();

    /// <summary>The rules in the order they run: the first unfixable finding decides a delete.</summary>
    public IReadOnlyList<IYardRule> Rules => _rules;

    public YardPlan Plan(YardReads reads, YardSettings settings, IReadOnlyDictionary<string, YardRuleSetting> ruleSettings, DateTime now)
    {
        var hostlers = reads.Hostlers.ToDictionary(h => h.Id, StringComparer.Ordinal);
        var context = new YardRuleContext(hostlers, reads.Tasks, now, settings);
        var active = _rules.Select(r => (Rule: r, Setting: ruleSettings.GetValueOrDefault(r.Name))).Where(r => r.Setting?.Enabled != false).ToArray();
        var findings = new Dictionary<string, IReadOnlyList<YardFinding>>(StringComparer.Ordinal);
        var actions = new List<YardPlannedAction>();
        var failing = new SortedSet<string>(StringComparer.Ordinal);

        foreach (var task in reads.Tasks)
        {
            List<YardFinding>? taskFindings = null;
            YardPlannedAction? delete = null;
            PatchDraft? patch = null;
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
                    (taskFindings ??= []).Add(new YardFinding(rule.Name, YardVerdict.Error, $"The rule failed: {ex.GetType().Name}: {ex.Message}",
                        YardOutcome.RuleFailed));
                    continue;
                }
                if (result is null)
                {
                    continue;
                }
                var dryRun = settings.DryRun || setting?.DryRun == true;
                // A dry-run finding says at once what would have happened; only live findings wait for the mutator's word.
                (taskFindings ??= []).Add(new YardFinding(rule.Name, result.Verdict, result.Reason, result.Verdict switch
                {
                    YardVerdict.Flag => YardOutcome.Flagged,
                    YardVerdict.Unfixable when dryRun => YardOutcome.WouldDelete,
                    YardVerdict.Fixable when dryRun => YardOutcome.WouldPatch,
                    _ => YardOutcome.Pending,
                }));
                if (result.Verdict == YardVerdict.Unfixable && (delete is null || (delete.DryRun && !dryRun)))
                {
                    delete = new YardPlannedAction(task, true, dryRun, rule.Name, result.Reason, new Dictionary<string, JsonNode?>(), []);
                }
                else if (result.Verdict == YardVerdict.Fixable && result.Fix is not null)
                {
                    patch = (patch ?? new PatchDraft()).Add(rule.Name, result.Reason, result.Fix, dryRun);
                }
            }
            if (taskFindings is not null)
            {
                findings[task.Id] = taskFindings;
            }
            var patchAction = patch?.ToAction(task);
            // A live delete wins; otherwise a live patch; otherwise what would have happened (dry run).
            var action = delete is { DryRun: false } ? delete : patchAction is { DryRun: false } ? patchAction : delete ?? patchAction;
            if (action is not null)
            {
                actions.Add(action);
            }
        }
        return new YardPlan(findings, actions, failing.ToList());
    }

    /// <summary>
    /// One PATCH being gathered from a task's fixable findings: live as soon as one of them is live, and then with the
    /// live findings' fixes only (a rule in dry run changes nothing, whatever else fixes the task); a dry-run PATCH shows
    /// all of them.
    /// </summary>
    private sealed class PatchDraft
    {
        private readonly List<(string Rule, string Reason, IReadOnlyDictionary<string, JsonNode?> Fix, bool DryRun)> _found = [];

        public PatchDraft Add(string rule, string reason, IReadOnlyDictionary<string, JsonNode?> fix, bool dryRun)
        {
            _found.Add((rule, reason, fix, dryRun));
            return this;
        }

        public YardPlannedAction ToAction(YardTask task)
        {
            var live = _found.Where(f => !f.DryRun).ToList();
            var used = live.Count > 0 ? live : _found;
            var fix = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var (field, value) in used.SelectMany(f => f.Fix))
            {
                fix[field] = value;
            }
            return new YardPlannedAction(task, false, live.Count == 0, used[0].Rule, used[0].Reason, fix, used.Select(f => f.Rule).ToList());
        }
    }
}
