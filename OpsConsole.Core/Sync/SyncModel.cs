using OpsConsole.Core.Sync.Adapters;

namespace OpsConsole.Core.Sync;

/// <summary>Which way a mapped field goes: → (source to destination only), ← (destination to source only), ↔ (both).</summary>
public enum SyncDirection
{
    ToDestination,
    ToSource,
    Both,
}

/// <summary>How a field both sides changed to different values is settled.</summary>
public enum ConflictPolicy
{
    SourceWins,
    DestinationWins,
    /// <summary>The side whose item `updated_at` (its own clock) is later; on a tie the source wins.</summary>
    NewestWins,
    /// <summary>Held for a supervisor; the item's other fields still sync.</summary>
    Manual,
}

/// <summary>What happens at the destination when a source item is archived.</summary>
public enum DeletePolicy
{
    Ignore,
    Archive,
    Delete,
}

public enum SyncConnectionHealth
{
    InitialSync,
    Healthy,
    Syncing,
    UnableToSync,
    Paused,
}

/// <summary>
/// One mapped field: the source's field, the destination's, the direction, a value map for vocabularies (source value
/// → destination value; read backwards for ←), and a policy of its own (else the connection's).
/// </summary>
public sealed record FieldMapping(string Source, string Destination, SyncDirection Direction = SyncDirection.Both,
    IReadOnlyDictionary<string, string>? Values = null, ConflictPolicy? Policy = null)
{
    /// <summary>The key its base value is kept under.</summary>
    public string Key => $"{Source}>{Destination}";
}

/// <summary>Which source items sync: those whose <see cref="Field"/> is one of <see cref="Values"/> (all when no filter).</summary>
public sealed record SyncFilter(string Field, IReadOnlyList<string> Values);

/// <summary>A connection between two task systems (admins set them up).</summary>
public sealed class SyncConnection
{
    public const int MaxNameLength = 100;

    public long Id { get; set; }
    public string Name { get; set; } = "";
    public RestTaskSystemConfig Source { get; set; } = new();
    public RestTaskSystemConfig Destination { get; set; } = new();
    public List<FieldMapping> FieldMap { get; set; } = [];
    public ConflictPolicy Policy { get; set; } = ConflictPolicy.NewestWins;
    public SyncFilter? Filter { get; set; }
    /// <summary>
    /// A first run's option kept for every run: source items created before this time (the source's
    /// <see cref="RestTaskSystemConfig.CreatedAtField"/>) are not added; items already paired go on syncing (ADR 0037).
    /// </summary>
    public DateTime? CreatedAfter { get; set; }
    public DeletePolicy DeletePolicy { get; set; } = DeletePolicy.Ignore;
    /// <summary>Seconds between bot runs; null: no schedule of its own.</summary>
    public int? ScheduleSeconds { get; set; }
    public bool Paused { get; set; }
    public SyncConnectionHealth Health { get; set; } = SyncConnectionHealth.InitialSync;
    /// <summary>The latest `updated_at` read from each side, in that side's own clock; moves only after a run's items are committed.</summary>
    public DateTime? SourceCursor { get; set; }
    public DateTime? DestinationCursor { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
    public int Version { get; set; } = 1;
    /// <summary>Why the sync paused the connection itself (a connection error: credentials refused, an answer of the wrong shape); null when it did not.</summary>
    public string? PauseReason { get; set; }
    /// <summary>The key webhooks for this connection are signed with (HMAC-SHA256); shown once to admins, rotatable (ADR 0036).</summary>
    public string? WebhookSecret { get; set; }

    public string Marker(string sourceId) => $"opsconsole:{Id}:{sourceId}";
}

/// <summary>
/// A source item paired with its destination item, unique on both sides per connection, with the base value of each
/// mapped field: the value last written or confirmed equal, on each side (<see cref="FieldBase"/>).
/// </summary>
public sealed class SyncPair
{
    public long Id { get; set; }
    public long ConnectionId { get; set; }
    public string SourceId { get; set; } = "";
    public string DestinationId { get; set; } = "";
    public string? SourceVersion { get; set; }
    public string? DestinationVersion { get; set; }
    public Dictionary<string, FieldBase> Bases { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public bool Archived { get; set; }
    /// <summary>
    /// The hash of each side's mapped fields as they stood when the pairing was last committed (<see cref="SyncItemHash"/>):
    /// an overlap re-read that hashes the same is skipped without comparing or fetching (ADR 0037). Null: compare in full.
    /// </summary>
    public string? SourceHash { get; set; }
    public string? DestinationHash { get; set; }
}

/// <summary>A field's base: its value on the source side and on the destination side (in each side's vocabulary).</summary>
public sealed record FieldBase(string? Source, string? Destination);

public enum SyncRunState
{
    Queued,
    Running,
    Succeeded,
    PartlySucceeded,
    Failed,
    Cancelled,
}

public enum SyncTrigger
{
    Manual,
    Bot,
    Webhook,
}

/// <summary>One run of a connection, with its counters.</summary>
public sealed class SyncRun
{
    public const int MaxErrorLength = 2000;

    public long Id { get; set; }
    public long ConnectionId { get; set; }
    public SyncRunState State { get; set; } = SyncRunState.Queued;
    public SyncTrigger Trigger { get; set; }
    public string RequestedBy { get; set; } = "";
    public DateTime QueuedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public int Planned { get; set; }
    public int Added { get; set; }
    public int Updated { get; set; }
    public int Skipped { get; set; }
    public int Conflicted { get; set; }
    public int Failed { get; set; }
    public int Archived { get; set; }
    public string? Error { get; set; }
    /// <summary>The plan this run applied (null: an ordinary run).</summary>
    public long? PlanId { get; set; }
}

/// <summary>What the engine did (or plans to do) with one item.</summary>
public enum SyncAction
{
    Add,
    Update,
    Skip,
    Conflict,
    Archive,
    Error,
}

/// <summary>One field's change in a plan or a history line: which way, from what, to what.</summary>
public sealed record FieldDiff(string Field, SyncDirection Direction, string? From, string? To, string? Note = null);

/// <summary>A history line: what one run did with one item, committed together with the item's pairing and bases.</summary>
public sealed class SyncRunItem
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public long ConnectionId { get; set; }
    public string SourceId { get; set; } = "";
    public string? DestinationId { get; set; }
    public SyncAction Action { get; set; }
    public List<FieldDiff> Fields { get; set; } = [];
    public string? Error { get; set; }
    public DateTime At { get; set; }
}

/// <summary>
/// Written before a create at the destination and removed with the pairing it leads to: while one stands, the
/// create's outcome is unknown, and the next run looks for the marker before creating again.
/// </summary>
public sealed class SyncCreateIntent
{
    public long Id { get; set; }
    public long ConnectionId { get; set; }
    public string SourceId { get; set; } = "";
    public string Marker { get; set; } = "";
    public string IdempotencyKey { get; set; } = "";
    public long? RunId { get; set; }
    public DateTime CreatedAt { get; set; }
    public int Attempts { get; set; }
}

/// <summary>A dry run's result: every item with its action and field diffs, kept under an id.</summary>
public sealed class SyncPlan
{
    public long Id { get; set; }
    public long ConnectionId { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public List<PlannedItem> Items { get; set; } = [];
    public int Adds { get; set; }
    public int Updates { get; set; }
    public int Skips { get; set; }
    public int Conflicts { get; set; }
    public int Archives { get; set; }
    /// <summary>What a run of this plan would stop at (the delete guard's refusal), said when it was planned; null: nothing.</summary>
    public string? Warning { get; set; }
    /// <summary>Set once, when someone applies the plan: a plan is applied at most once (ADR 0037).</summary>
    public DateTime? AppliedAt { get; set; }
    public string? AppliedBy { get; set; }
    public long? AppliedRunId { get; set; }
}

/// <summary>One item of a plan (also what the engine carries out in a real run).</summary>
/// <remarks>
/// The hashes are what "apply this plan" re-checks (ADR 0037): each side's mapped fields as read
/// (<see cref="SyncItemHash"/>; null when that side had no item) and the pairing's bases when it was planned.
/// </remarks>
public sealed record PlannedItem(string SourceId, string? DestinationId, SyncAction Action, IReadOnlyList<FieldDiff> Fields, string? Note = null,
    string? SourceHash = null, string? DestinationHash = null, string? BaseHash = null);
