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
                (taskFindings ??= []).Add(new YardFinding(rule.Name, result.Verdict, result.Reason,
                    result.Verdict == YardVerdict.Flag ? YardOutcome.Flagged : YardOutcome.Pending));
                if (result.Verdict == YardVerdict.Unfixable && (delete is null || (delete.DryRun && !dryRun)))
                {
                    delete = new YardPlannedAction(task, true, dryRun, rule.Name, result.Reason, new Dictionary<string, JsonNode?>(), []);
                }
                else if (result.Verdict == YardVerdict.Fixable && result.Fix is not null)
                {
                    (patch ??= new PatchDraft(rule.Name, result.Reason)).Add(rule.Name, result.Fix, dryRun);
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

    /// <summary>One PATCH being gathered from a task's fixable findings: live as soon as one of them is live.</summary>
    private sealed class PatchDraft(string rule, string reason)
    {
        private readonly Dictionary<string, JsonNode?> _fix = new(StringComparer.Ordinal);
        private readonly List<string> _rules = [];
        private bool _dryRun = true;

        public void Add(string ruleName, IReadOnlyDictionary<string, JsonNode?> fix, bool dryRun)
        {
            _dryRun &= dryRun;
            foreach (var (field, value) in fix)
            {
                _fix[field] = value;
            }
            _rules.Add(ruleName);
        }

        public YardPlannedAction ToAction(YardTask task) => new(task, false, _dryRun, rule, reason, _fix, _rules);
    }
}
