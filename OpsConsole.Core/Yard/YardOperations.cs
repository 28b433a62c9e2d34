using OpsConsole.Core.Shared.Identity;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Shared.Settings;

namespace OpsConsole.Core.Yard;

/// <summary>A change to the poller's settings; null fields stay as they are.</summary>
public sealed record YardSettingsInput(int? IntervalSeconds = null, bool? Paused = null, bool? DryRun = null, int? DeletionCap = null, int? StaleTaskHours = null)
{
    /// <summary>The fields sent, as runtime-setting values by key.</summary>
    public IReadOnlyDictionary<string, string?> Changes()
    {
        (string Key, string? Value)[] sent =
        [
            (YardSettings.IntervalKey, IntervalSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (YardSettings.DeletionCapKey, DeletionCap?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (YardSettings.StaleTaskHoursKey, StaleTaskHours?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (YardSettings.DryRunKey, DryRun is { } dryRun ? SettingDefinition.Text(dryRun) : null),
            (YardSettings.PausedKey, Paused is { } paused ? SettingDefinition.Text(paused) : null),
        ];
        return sent.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
    }
}

public sealed record YardRuleView(string Name, string Description, YardVerdict Kind, bool Enabled, bool DryRun, bool Failing);

/// <summary>What people do to the yard: patch or delete a task (operators), and the poller's settings and rules (admins). All audited.</summary>
public sealed class YardOperations(YardPoller poller, YardClient client, YardTaskCache cache, IDbContextFactory<OpsDbContext> contexts, AuditLog audit,
    RuntimeSettings settings, TimeProvider time, AccountGate gate)
{
    public const int MaxReasonLength = 500;
    public const int MaxTextLength = 64;
    public const int MaxNotesLength = 500;

    public IReadOnlyList<YardRuleView> Rules() => poller.Rules.Select(r =>
    {
        var s = poller.RuleSetting(r.Name);
        return new YardRuleView(r.Name, r.Description, r.Kind, s.Enabled, s.DryRun, poller.Status.FailingRules.Contains(r.Name));
    }).ToList();

    /// <summary>
    /// The poller's settings through the runtime settings (admins; checked, audited and applied there). A change that only
    /// pauses or resumes is audited as <c>yard.pause</c> / <c>yard.resume</c>, the rest as a settings change.
    /// </summary>
    public async Task<OpsResult<YardSettings>> UpdateSettingsAsync(Actor actor, YardSettingsInput input, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        await poller.EnsureLoadedAsync(ct);
        var action = input.Paused is { } paused && paused != poller.Status.Settings.Paused && input with { Paused = null } == new YardSettingsInput()
            ? (paused ? "yard.pause" : "yard.resume")
            : null;
        var result = await settings.SaveAsync(actor, YardModule.Name, input.Changes(), action, ct);
        return result.Map(YardSettings.From);
    }

    public async Task<OpsResult<YardRuleView>> SetRuleAsync(Actor actor, string name, bool? enabled, bool? dryRun, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Administer, ct);
        if (poller.Rules.All(r => r.Name != name))
        {
            return OpsResult<YardRuleView>.NotFound($"No yard rule '{name}'. Rules: {string.Join(", ", poller.Rules.Select(r => r.Name))}.");
        }
        if (enabled is null && dryRun is null)
        {
            return OpsResult<YardRuleView>.Invalid("enabled", "Send enabled, dry_run or both.");
        }
        await poller.EnsureLoadedAsync(ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.YardRules.FindAsync([name], ct);
        if (row is null)
        {
            row = new YardRuleSetting { Name = name };
            db.YardRules.Add(row);
        }
        var before = new { row.Enabled, dry_run = row.DryRun };
        row.Enabled = enabled ?? row.Enabled;
        row.DryRun = dryRun ?? row.DryRun;
        row.UpdatedAt = time.GetUtcNow().UtcDateTime;
        row.UpdatedBy = actor.Name;
        db.Audit(actor, time.GetUtcNow(), YardModule.Name, "yard.rule", "YardRule", name, before, new { row.Enabled, dry_run = row.DryRun });
        await db.SaveChangesAsync(ct);
        poller.Apply(new YardRuleSetting { Name = name, Enabled = row.Enabled, DryRun = row.DryRun, UpdatedAt = row.UpdatedAt, UpdatedBy = row.UpdatedBy });
        return OpsResult<YardRuleView>.Ok(Rules().First(r => r.Name == name));
    }

    /// <summary>
    /// One field as a person types it into a form: empty clears it (null), a priority that reads as a whole number is
    /// one, anything else is text; <see cref="PatchTaskAsync"/> then checks it like any API body.
    /// </summary>
    public static JsonObject FieldFromText(string field, string? text) => new()
    {
        [field] = string.IsNullOrWhiteSpace(text) ? null
            : field == "priority" && int.TryParse(text, out var priority) ? JsonValue.Create(priority) : JsonValue.Create(text.Trim()),
    };

    /// <summary>
    /// Changes fields of a task in the yard system. Only <see cref="YardTask.PatchableFields"/> are accepted, each
    /// checked for its type and range; the error names the field.
    /// </summary>
    public async Task<OpsResult<YardTask>> PatchTaskAsync(Actor actor, string id, JsonObject? fields, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        if (fields is null || fields.Count == 0)
        {
            return OpsResult<YardTask>.Invalid("body", $"Send at least one field to change: {string.Join(", ", YardTask.PatchableFields)}.");
        }
        var errors = new FieldErrors();
        var patch = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            if (ValidateField(name, value) is { } error)
            {
                errors.Add(name, error);
            }
            else
            {
                patch[name] = value?.DeepClone();
            }
        }
        if (errors.Any)
        {
            return errors.ToResult<YardTask>();
        }
        YardTask? before;
        YardTask? after;
        try
        {
            before = await client.TaskAsync(id, ct);
            if (before is null)
            {
                return OpsResult<YardTask>.NotFound($"The yard system has no task '{id}'.");
            }
            after = await client.PatchAsync(id, patch, ct);
        }
        catch (YardUpstreamException ex) when (ex.Status == System.Net.HttpStatusCode.NotFound)
        {
            return OpsResult<YardTask>.NotFound($"The yard system has no task '{id}'.");
        }
        catch (YardUpstreamException ex)
        {
            return OpsResult<YardTask>.Unavailable($"The yard system did not take the change: {ex.Message}");
        }
        if (after is null)
        {
            return OpsResult<YardTask>.NotFound($"The yard system has no task '{id}'.");
        }
        await cache.ForgetAsync(id, after, ct);
        await AuditAsync(actor, "yard.task.patch", id, Fields(before, patch.Keys), new JsonObject(patch.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))), ct);
        poller.PollSoon();
        return OpsResult<YardTask>.Ok(after);
    }

    /// <summary>
    /// An operator's "poll now" (page or API): one cycle after any running one, never two at once. The cycle's changes
    /// and a <c>yard.poll-now</c> line with its outcome are audited under the operator.
    /// </summary>
    public async Task<YardCycleResult> PollNowAsync(Actor actor, string where, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        var cycle = await poller.PollAsync(where, actor, ct);
        await audit.RecordAsync(actor, YardModule.Name, "yard.poll-now", "YardPoller", null, null,
            new { where, cycle = cycle.Cycle, succeeded = cycle.Succeeded, error = cycle.Error, patched = cycle.Patched, deleted = cycle.Deleted, held = cycle.Held }, ct);
        return cycle;
    }

    public async Task<OpsResult<bool>> DeleteTaskAsync(Actor actor, string id, string? reason, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        if (string.IsNullOrWhiteSpace(reason))
        {
            return OpsResult<bool>.Invalid("reason", "Say why the task is deleted (reason is required).");
        }
        if (reason.Length > MaxReasonLength)
        {
            return OpsResult<bool>.Invalid("reason", $"reason must be at most {MaxReasonLength} characters.");
        }
        YardTask? before;
        try
        {
            before = await client.TaskAsync(id, ct);
            if (before is null || !await client.DeleteAsync(id, ct))
            {
                return OpsResult<bool>.NotFound($"The yard system has no task '{id}'.");
            }
        }
        catch (YardUpstreamException ex) when (ex.Status == System.Net.HttpStatusCode.NotFound)
        {
            return OpsResult<bool>.NotFound($"The yard system has no task '{id}'.");
        }
        catch (YardUpstreamException ex)
        {
            return OpsResult<bool>.Unavailable($"The yard system did not delete the task: {ex.Message}");
        }
        await cache.ForgetAsync(id, null, ct);
        await AuditAsync(actor, "yard.task.delete", id, new { before.Status, hostler_id = before.HostlerId, trailer_id = before.TrailerId, before.Destination },
            new { reason = reason.Trim() }, ct);
        poller.PollSoon();
        return OpsResult<bool>.Ok(true);
    }

    private static string? ValidateField(string name, JsonNode? value)
    {
        switch (name)
        {
            case "priority":
                return value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var p) && p is >= YardTask.MinPriority and <= YardTask.MaxPriority
                    ? null
                    : $"priority must be a whole number from {YardTask.MinPriority} to {YardTask.MaxPriority}.";
            case "hostler_id":
                return value is null || (value is JsonValue h && h.GetValueKind() == JsonValueKind.String && h.GetValue<string>().Length is > 0 and <= MaxTextLength)
                    ? null
                    : $"hostler_id must be a hostler id (text up to {MaxTextLength} characters) or null to unassign.";
            case "destination" or "origin":
                return value is JsonValue s && s.GetValueKind() == JsonValueKind.String && s.GetValue<string>().Trim().Length is > 0 and <= MaxTextLength
                    ? null
                    : $"{name} must be a spot name of 1 to {MaxTextLength} characters.";
            case "notes":
                return value is null || (value is JsonValue n && n.GetValueKind() == JsonValueKind.String && n.GetValue<string>().Length <= MaxNotesLength)
                    ? null
                    : $"notes must be text of at most {MaxNotesLength} characters, or null.";
            default:
                return $"'{name}' cannot be changed; the fields that can are: {string.Join(", ", YardTask.PatchableFields)}.";
        }
    }

    private static Dictionary<string, object?> Fields(YardTask t, IEnumerable<string> names) => names.ToDictionary(n => n, n => (object?)(n switch
    {
        "priority" => t.Priority,
        "hostler_id" => t.HostlerId,
        "destination" => t.Destination,
        "origin" => t.Origin,
        _ => t.Notes,
    }));

    private Task AuditAsync(Actor actor, string action, string id, object? before, object? after, CancellationToken ct) =>
        audit.RecordAsync(actor, YardModule.Name, action, "YardTask", id, before, after, ct);
}
