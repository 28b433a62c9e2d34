using System.Text.Json.Serialization;

namespace OpsConsole.Simulators.Sync;

/// <summary>A simulated task system's switches of its own (beyond the shared fault switches).</summary>
public sealed record TaskSystemSettings(
    /// <summary>Requests allowed per window (0: no limit); over it the system answers 429 with Retry-After.</summary>
    [property: JsonPropertyName("rate_limit_requests")] int RateLimitRequests = 0,
    [property: JsonPropertyName("rate_limit_window_seconds")] int RateLimitWindowSeconds = 10,
    /// <summary>A create with an `Idempotency-Key` seen before answers the task it created then (as Stripe does; Jira, Asana, Trello do not).</summary>
    [property: JsonPropertyName("honour_idempotency_key")] bool HonourIdempotencyKey = false,
    /// <summary>The next N creates are made, then answered 504: the caller cannot know that the task exists.</summary>
    [property: JsonPropertyName("fail_creates_after_commit")] int FailCreatesAfterCommit = 0,
    /// <summary>This system's clock runs this many seconds ahead (negative: behind) of the console's.</summary>
    [property: JsonPropertyName("clock_skew_seconds")] int ClockSkewSeconds = 0)
{
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (RateLimitRequests is < 0 or > 1_000_000)
        {
            errors["rate_limit_requests"] = ["rate_limit_requests must be between 0 and 1000000."];
        }
        if (RateLimitWindowSeconds is < 1 or > 3600)
        {
            errors["rate_limit_window_seconds"] = ["rate_limit_window_seconds must be between 1 and 3600."];
        }
        if (FailCreatesAfterCommit is < 0 or > 1000)
        {
            errors["fail_creates_after_commit"] = ["fail_creates_after_commit must be between 0 and 1000."];
        }
        if (ClockSkewSeconds is < -86_400 or > 86_400)
        {
            errors["clock_skew_seconds"] = ["clock_skew_seconds must be between -86400 and 86400."];
        }
        return errors;
    }
}

/// <summary>One task as the simulator keeps it.</summary>
public sealed class SimulatedTask
{
    public required string Id { get; init; }
    public Dictionary<string, string?> Fields { get; } = new(StringComparer.Ordinal);
    public DateTime UpdatedAt { get; set; }
    /// <summary>When the task was made (the system's clock); never changes.</summary>
    public DateTime CreatedAt { get; init; }
    public long Version { get; set; } = 1;
    public bool Archived { get; set; }
}

/// <summary>What a write did: the task, or why not (404, 400 naming the field), and whether it must be answered 504 after being made.</summary>
public sealed record TaskWrite(SimulatedTask? Task, string? Error = null, bool NotFound = false, bool FailAfterCommit = false);

/// <summary>
/// The tasks of one simulated task system, in memory, seeded from `Simulators:Seed`: deterministic ids, values and
/// times (relative to the first read of the clock). Every change bumps the task's version and stamps it with this
/// system's clock (the console's plus <see cref="TaskSystemSettings.ClockSkewSeconds"/>).
/// </summary>
public sealed class TaskSystemWorld(TaskSystemDialect dialect, TimeProvider time, int seed, int seedTasks)
{
    public const int MaxTasks = 100_000;
    private static readonly string[] Verbs = ["Replace", "Inspect", "Calibrate", "Order", "Repaint", "Clean", "Document", "Test"];
    private static readonly string[] Things = ["dock door 4", "forklift charger", "gate scanner", "conveyor belt B", "label printer", "yard lights", "scale 2", "trailer seals"];
    private static readonly string[] People = ["ana", "ben", "chen", "dara", "eli", null!];

    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, SimulatedTask> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idempotency = new(StringComparer.Ordinal);
    private long _nextId = 1000;
    private bool _seeded;
    private DateTime _windowStart;
    private int _windowCount;
    private long _served, _rateLimited;
    private Random? _editDice;

    public TaskSystemDialect Dialect => dialect;
    public TaskSystemSettings Settings { get; private set; } = new();

    public DateTime Now => time.GetUtcNow().UtcDateTime.AddSeconds(Settings.ClockSkewSeconds);

    public void Configure(TaskSystemSettings settings)
    {
        lock (_gate)
        {
            Settings = settings;
            _windowCount = 0;
            (_served, _rateLimited) = (0, 0);
        }
    }

    /// <summary>Empties the system and seeds <paramref name="tasks"/> tasks again (the switches stay).</summary>
    public void Reset(int tasks)
    {
        lock (_gate)
        {
            _tasks.Clear();
            _idempotency.Clear();
            _nextId = 1000;
            Seed(tasks);
            _seeded = true;
        }
    }

    public int Count => Locked(() => _tasks.Count);

    /// <summary>Requests let through, and requests answered 429, since the switches were last set.</summary>
    public long RequestsServed => Locked(() => _served);
    public long RequestsRateLimited => Locked(() => _rateLimited);

    /// <summary>Counts one request against the rate limit; the wait until the window reopens when it is spent.</summary>
    public TimeSpan? TakeRequest(out int remaining)
    {
        lock (_gate)
        {
            remaining = int.MaxValue;
            if (Settings.RateLimitRequests <= 0)
            {
                _served++;
                return null;
            }
            var now = time.GetUtcNow().UtcDateTime;
            var window = TimeSpan.FromSeconds(Settings.RateLimitWindowSeconds);
            if (now - _windowStart >= window)
            {
                _windowStart = now;
                _windowCount = 0;
            }
            if (_windowCount >= Settings.RateLimitRequests)
            {
                _rateLimited++;
                remaining = 0;
                return _windowStart + window - now;
            }
            _windowCount++;
            _served++;
            remaining = Settings.RateLimitRequests - _windowCount;
            return null;
        }
    }

    /// <summary>Tasks changed at or after <paramref name="since"/>, oldest change first (ties by id), from after <paramref name="after"/>.</summary>
    public IReadOnlyList<SimulatedTask> Changed(DateTime? since, (DateTime At, string Id)? after, int skip, int take, out bool more)
    {
        var page = Locked(() => _tasks.Values.Where(t => since is null || t.UpdatedAt >= since).OrderBy(t => t.UpdatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)
            .Where(t => after is not { } a || t.UpdatedAt > a.At || (t.UpdatedAt == a.At && string.CompareOrdinal(t.Id, a.Id) > 0))
            .Skip(skip).Take(take + 1).Select(Copy).ToList());
        more = page.Count > take;
        return page.Take(take).ToList();
    }

    public SimulatedTask? Get(string id) => Locked(() => _tasks.TryGetValue(id, out var t) ? Copy(t) : null);

    /// <summary>Tasks any of whose fields contains <paramref name="text"/>.</summary>
    public IReadOnlyList<SimulatedTask> Search(string text) => Locked(() =>
        _tasks.Values.Where(t => t.Fields.Values.Any(v => v is not null && v.Contains(text, StringComparison.Ordinal))).Take(100).Select(Copy).ToList());

    public TaskWrite Create(IReadOnlyDictionary<string, string?> fields, string? idempotencyKey) => Locked(() =>
    {
        if (Settings.HonourIdempotencyKey && idempotencyKey is not null && _idempotency.TryGetValue(idempotencyKey, out var earlier) && _tasks.TryGetValue(earlier, out var made))
        {
            return new TaskWrite(Copy(made));
        }
        if (Check(fields) is { } error)
        {
            return new TaskWrite(null, error);
        }
        if (_tasks.Count >= MaxTasks)
        {
            return new TaskWrite(null, $"The simulator holds at most {MaxTasks} tasks.");
        }
        var now = Now;
        var task = new SimulatedTask { Id = $"{dialect.IdPrefix}{++_nextId}", UpdatedAt = now, CreatedAt = now };
        foreach (var field in dialect.Fields.Keys)
        {
            task.Fields[field] = fields.GetValueOrDefault(field);
        }
        _tasks[task.Id] = task;
        if (idempotencyKey is not null)
        {
            _idempotency[idempotencyKey] = task.Id;
        }
        var fail = Settings.FailCreatesAfterCommit > 0;
        if (fail)
        {
            Settings = Settings with { FailCreatesAfterCommit = Settings.FailCreatesAfterCommit - 1 };
        }
        return new TaskWrite(Copy(task), FailAfterCommit: fail);
    });

    public TaskWrite Update(string id, IReadOnlyDictionary<string, string?> fields) => Locked(() =>
    {
        if (!_tasks.TryGetValue(id, out var task))
        {
            return new TaskWrite(null, NotFound: true);
        }
        if (Check(fields) is { } error)
        {
            return new TaskWrite(null, error);
        }
        foreach (var (name, value) in fields)
        {
            task.Fields[name] = value;
        }
        Touch(task);
        return new TaskWrite(Copy(task));
    });

    public TaskWrite Archive(string id) => Locked(() =>
    {
        if (!_tasks.TryGetValue(id, out var task))
        {
            return new TaskWrite(null, NotFound: true);
        }
        task.Archived = true;
        Touch(task);
        return new TaskWrite(Copy(task));
    });

    public bool Delete(string id) => Locked(() => _tasks.Remove(id));

    /// <summary>An edit made by someone in this system (the demo's busy people): one field of one task to another value of its kind.</summary>
    public SimulatedTask? EditSomething(Random dice) => Locked(() =>
    {
        var live = _tasks.Values.Where(t => !t.Archived).ToList();
        if (live.Count == 0)
        {
            return null;
        }
        var task = live[dice.Next(live.Count)];
        var (field, words) = dialect.Fields.Where(f => f.Key != dialect.MarkerField).ElementAt(dice.Next(dialect.Fields.Count - 1));
        task.Fields[field] = ValueFor(field, words, dice, Now, $"Edited in {dialect.Upstream}.");
        Touch(task);
        return Copy(task);
    });

    /// <summary>Edits <paramref name="count"/> different live tasks (all when fewer), one field each (the sync benchmark's share of changes).</summary>
    public int EditMany(int count) => Locked(() =>
    {
        // Each system's own dice (its id prefix in the seed): the same dice on both sides would edit the same pairs the same way.
        var dice = _editDice ??= new Random(unchecked((seed * 397) ^ dialect.IdPrefix.Aggregate(0xED17, (h, c) => (h * 31) + c)));
        var live = _tasks.Values.Where(t => !t.Archived).ToList();
        var fields = dialect.Fields.Where(f => f.Key != dialect.MarkerField).ToList();
        var edited = 0;
        foreach (var task in live.OrderBy(_ => dice.Next()).Take(count))
        {
            var (field, words) = fields[dice.Next(fields.Count)];
            var before = task.Fields.GetValueOrDefault(field);
            for (var tries = 0; tries < 5 && task.Fields.GetValueOrDefault(field) == before; tries++)
            {
                task.Fields[field] = ValueFor(field, words, dice, Now, $"Edited in {dialect.Upstream} ({dice.Next(1_000_000)}).");
            }
            Touch(task);
            edited++;
        }
        return edited;
    });

    /// <summary>Someone here sets <paramref name="field"/> of task <paramref name="id"/> to one of the demo's people other than <paramref name="not"/>.</summary>
    public SimulatedTask? Reassign(string id, string field, string? not, Random dice) => Locked(() =>
    {
        if (!_tasks.TryGetValue(id, out var task) || task.Archived)
        {
            return null;
        }
        var others = People.Where(p => p is not null && p != not && p != task.Fields.GetValueOrDefault(field)).ToList();
        task.Fields[field] = others[dice.Next(others.Count)];
        Touch(task);
        return Copy(task);
    });

    /// <summary>A field's value as the people of this system write it: a word of its vocabulary, a date, a person, a note or a title.</summary>
    private static string? ValueFor(string field, string[]? words, Random dice, DateTime now, string note) =>
        words is not null ? words[dice.Next(words.Length)]
        : field.Contains("due", StringComparison.Ordinal) ? DateOnly.FromDateTime(now).AddDays(dice.Next(1, 30)).ToString("yyyy-MM-dd")
        : field is "assignee" or "owner" ? People[dice.Next(People.Length)]
        : field is "description" or "notes" ? note
        : $"{Verbs[dice.Next(Verbs.Length)]} {Things[dice.Next(Things.Length)]}";

    private void Touch(SimulatedTask task)
    {
        // This system's clock never goes back for a task: a change is always newer than the one before.
        var now = Now;
        task.UpdatedAt = now > task.UpdatedAt ? now : task.UpdatedAt.AddTicks(TimeSpan.TicksPerMillisecond);
        task.Version++;
    }

    private string? Check(IReadOnlyDictionary<string, string?> fields)
    {
        foreach (var (name, value) in fields)
        {
            if (!dialect.Fields.TryGetValue(name, out var words))
            {
                return $"Unknown field '{name}'.";
            }
            if (words is not null && value is not null && !words.Contains(value))
            {
                return $"Field '{name}' must be one of {string.Join(", ", words)} (got '{value}').";
            }
        }
        return null;
    }

    private T Locked<T>(Func<T> read)
    {
        lock (_gate)
        {
            if (!_seeded)
            {
                Seed(seedTasks);
                _seeded = true;
            }
            return read();
        }
    }

    private void Seed(int count)
    {
        // Not HashCode.Combine: it is seeded per process, and the seed data must be the same in every run.
        var dice = new Random(unchecked((seed * 397) ^ dialect.IdPrefix.Aggregate(17, (h, c) => (h * 31) + c)));
        var start = Now;
        for (var i = 0; i < count; i++)
        {
            var at = start.AddMinutes(-(count - i) * 7);
            var task = new SimulatedTask { Id = $"{dialect.IdPrefix}{++_nextId}", UpdatedAt = at, CreatedAt = at };
            foreach (var (field, words) in dialect.Fields)
            {
                task.Fields[field] = field == dialect.MarkerField ? null : ValueFor(field, words, dice, start, $"Seeded task {i + 1}.");
            }
            _tasks[task.Id] = task;
        }
    }

    private static SimulatedTask Copy(SimulatedTask t)
    {
        var copy = new SimulatedTask { Id = t.Id, UpdatedAt = t.UpdatedAt, CreatedAt = t.CreatedAt, Version = t.Version, Archived = t.Archived };
        foreach (var (k, v) in t.Fields)
        {
            copy.Fields[k] = v;
        }
        return copy;
    }
}
