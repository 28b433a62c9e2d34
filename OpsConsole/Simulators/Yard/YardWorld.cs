using System.Text.Json.Serialization;
using OpsConsole.Core.Yard;

namespace OpsConsole.Simulators.Yard;

/// <summary>How to (re)build the simulated yard. `Simulators:Yard:*` gives the first world's sizes.</summary>
public sealed record YardWorldSettings(
    [property: JsonPropertyName("hostlers")] int Hostlers = 24,
    [property: JsonPropertyName("workbasket_tasks")] int WorkbasketTasks = 40,
    [property: JsonPropertyName("frozen")] bool Frozen = false,
    [property: JsonPropertyName("invalid")] bool Invalid = true,
    [property: JsonPropertyName("omit_field")] string? OmitField = null)
{
    public const int MaxHostlers = 2_000;
    public const int MaxTasks = 50_000;
}

public sealed record YardWorldCounts(
    [property: JsonPropertyName("hostlers")] int Hostlers,
    [property: JsonPropertyName("tasks")] int Tasks,
    [property: JsonPropertyName("workbasket")] int Workbasket,
    [property: JsonPropertyName("frozen")] bool Frozen,
    [property: JsonPropertyName("steps")] long Steps);

/// <summary>A task as the simulator keeps it (mutable; handed out as wire shapes).</summary>
public sealed class SimTask
{
    public required string Id { get; init; }
    public string Type { get; set; } = "move";
    public required string TrailerId { get; set; }
    public string Status { get; set; } = YardTask.Waiting;
    public string? HostlerId { get; set; }
    public int Priority { get; set; } = 3;
    public string? Origin { get; set; }
    public string? Destination { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; } = 1;
    public string? Notes { get; set; }

    /// <summary>Listed, but its detail answers 404: the yard system deleted it between its list and the detail read.</summary>
    public bool DetailGone { get; set; }
}

public sealed class SimHostler
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string Status { get; set; } = YardHostler.Available;
    public DateTime StatusSince { get; set; }
}

/// <summary>
/// The simulated yard (docs/upstreams/yard.md): hostlers and trailer moves. Time moves the world on in 2-second
/// steps, applied when someone asks (so no timer runs when nobody polls): new tasks arrive (about one in ten
/// invalid in a known way: no destination, origin equal to destination, priority out of range, a trailer already
/// being moved), waiting tasks get assigned to available hostlers, tasks get completed, hostlers take breaks and
/// now and then drop offline while holding tasks. Everything follows `Simulators:Seed`.
/// </summary>
public sealed class YardWorld
{
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(2);
    private const int MaxStepsAtOnce = 30;
    private static readonly string[] FirstNames = ["Ana", "Ben", "Chloe", "Dev", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kofi", "Lena",
        "Mo", "Nina", "Omar", "Pia", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vic", "Wen", "Xavi", "Yara", "Zed"];

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly int _seed;
    private Random _dice;
    private List<SimHostler> _hostlers = [];
    private Dictionary<string, SimTask> _tasks = new(StringComparer.Ordinal);
    private DateTime _advancedTo;
    private int _nextTask;
    private int _nextTrailer;
    private long _steps;
    private YardWorldSettings _settings;

    public YardWorld(TimeProvider time, int seed, YardWorldSettings settings)
    {
        _time = time;
        _seed = seed;
        _dice = new Random(seed);
        _settings = settings;
        Reset(settings);
    }

    public YardWorldSettings Settings => _settings;

    public void Reset(YardWorldSettings settings)
    {
        lock (_gate)
        {
            _settings = settings;
            _dice = new Random(_seed);
            _hostlers = [];
            _tasks = new Dictionary<string, SimTask>(StringComparer.Ordinal);
            // Task ids keep counting across resets, as a real yard system's would: a cached detail never meets a new task under an old id.
            _nextTrailer = 0;
            _steps = 0;
            var now = Now;
            _advancedTo = now;
            for (var i = 0; i < settings.Hostlers; i++)
            {
                var status = i % 7 == 5 ? YardHostler.OnBreak : YardHostler.Available;
                _hostlers.Add(new SimHostler
                {
                    Id = $"H{i + 1:D3}", Name = $"{FirstNames[i % FirstNames.Length]} {(char)('A' + (i / FirstNames.Length) % 26)}.",
                    Status = status, StatusSince = now.AddMinutes(-_dice.Next(1, 90)),
                });
            }
            for (var i = 0; i < settings.WorkbasketTasks; i++)
            {
                NewTask(now.AddMinutes(-_dice.Next(1, 240)), invalid: settings.Invalid && i % 12 == 7);
            }
            // Most available hostlers start on a move, some with more queued.
            foreach (var hostler in _hostlers.Where(h => h.Status == YardHostler.Available))
            {
                if (_dice.NextDouble() < 0.7)
                {
                    var current = NewTask(now.AddMinutes(-_dice.Next(1, 60)), invalid: false);
                    Assign(current, hostler, now);
                    for (var q = _dice.Next(0, 3); q > 0; q--)
                    {
                        Assign(NewTask(now.AddMinutes(-_dice.Next(1, 60)), invalid: false), hostler, now);
                    }
                }
            }
            if (settings.Invalid && _hostlers.Count > 3)
            {
                // One hostler went offline holding a task: the offline-hostler rule hands it back.
                var gone = _hostlers[3];
                if (_tasks.Values.Any(t => t.HostlerId == gone.Id))
                {
                    SetStatus(gone, YardHostler.Offline, now);
                }
            }
        }
    }

    public YardWorldCounts Counts()
    {
        lock (_gate)
        {
            Advance();
            return new YardWorldCounts(_hostlers.Count, _tasks.Count, _tasks.Values.Count(t => t.HostlerId is null), _settings.Frozen, _steps);
        }
    }

    public T Read<T>(Func<IReadOnlyList<SimHostler>, IReadOnlyDictionary<string, SimTask>, T> read)
    {
        lock (_gate)
        {
            Advance();
            return read(_hostlers, _tasks);
        }
    }

    /// <summary>Changes a task (the upstream PATCH); returns null when there is no such task.</summary>
    public SimTask? Patch(string id, Action<SimTask> change)
    {
        lock (_gate)
        {
            if (!_tasks.TryGetValue(id, out var task))
            {
                return null;
            }
            change(task);
            task.Version++;
            task.UpdatedAt = Now;
            return task;
        }
    }

    public bool Delete(string id)
    {
        lock (_gate)
        {
            return _tasks.Remove(id);
        }
    }

    /// <summary>Adds tasks as given (tests and demos); ids are made up when missing.</summary>
    public IReadOnlyList<string> Add(IEnumerable<SimTask> tasks)
    {
        lock (_gate)
        {
            var ids = new List<string>();
            foreach (var t in tasks)
            {
                _tasks[t.Id] = t;
                ids.Add(t.Id);
            }
            return ids;
        }
    }

    public string NextTaskId()
    {
        lock (_gate)
        {
            return $"T{++_nextTask:D6}";
        }
    }

    /// <summary>Sets a hostler's status (a visible change, for tests and the latency benchmark).</summary>
    public bool SetHostlerStatus(string id, string status)
    {
        lock (_gate)
        {
            var hostler = _hostlers.FirstOrDefault(h => h.Id == id);
            if (hostler is null)
            {
                return false;
            }
            SetStatus(hostler, status, Now);
            return true;
        }
    }

    public void StepNow(int steps)
    {
        lock (_gate)
        {
            for (var i = 0; i < steps; i++)
            {
                StepOnce(Now);
            }
        }
    }

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    private void Advance()
    {
        var now = Now;
        if (_settings.Frozen)
        {
            _advancedTo = now;
            return;
        }
        var steps = 0;
        while (now - _advancedTo >= Step)
        {
            _advancedTo += Step;
            if (steps++ < MaxStepsAtOnce)
            {
                StepOnce(_advancedTo);
            }
        }
    }

    private void StepOnce(DateTime now)
    {
        _steps++;
        var waiting = _tasks.Values.Where(t => t.HostlerId is null).ToList();
        if (_dice.NextDouble() < 0.5 && waiting.Count < Math.Max(10, _settings.WorkbasketTasks * 2))
        {
            NewTask(now, invalid: _settings.Invalid && _dice.NextDouble() < 0.1);
        }
        var available = _hostlers.Where(h => h.Status == YardHostler.Available).ToList();
        if (_dice.NextDouble() < 0.45 && waiting.Count > 0 && available.Count > 0)
        {
            var task = waiting.Where(t => !string.IsNullOrEmpty(t.Destination)).OrderByDescending(t => t.Priority).ThenBy(t => t.CreatedAt).FirstOrDefault();
            if (task is not null)
            {
                Assign(task, available[_dice.Next(available.Count)], now);
            }
        }
        var moving = _tasks.Values.Where(t => t.Status == YardTask.InProgress).ToList();
        if (_dice.NextDouble() < 0.4 && moving.Count > 0)
        {
            Complete(moving[_dice.Next(moving.Count)], now);
        }
        if (_dice.NextDouble() < 0.12 && _hostlers.Count > 0)
        {
            var hostler = _hostlers[_dice.Next(_hostlers.Count)];
            var next = hostler.Status switch
            {
                YardHostler.OnBreak or YardHostler.Offline => YardHostler.Available,
                YardHostler.Available => _dice.NextDouble() < 0.15 ? YardHostler.Offline : YardHostler.OnBreak,
                _ => _dice.NextDouble() < 0.05 ? YardHostler.Offline : hostler.Status,
            };
            if (next != hostler.Status)
            {
                SetStatus(hostler, next, now);
            }
        }
    }

    private SimTask NewTask(DateTime createdAt, bool invalid)
    {
        var id = $"T{++_nextTask:D6}";
        var task = new SimTask
        {
            Id = id, TrailerId = $"TRL-{++_nextTrailer:D5}", Priority = _dice.Next(1, 6),
            Origin = Spot(), Destination = Spot(), CreatedAt = createdAt, UpdatedAt = createdAt,
            Type = _dice.NextDouble() < 0.8 ? "move" : "park",
        };
        if (task.Origin == task.Destination)
        {
            task.Destination = "GATE-OUT";
        }
        if (invalid)
        {
            switch (_dice.Next(4))
            {
                case 0: task.Destination = null; task.Notes = "simulated: no destination"; break;
                case 1: task.Destination = task.Origin; task.Notes = "simulated: origin is destination"; break;
                case 2: task.Priority = _dice.NextDouble() < 0.5 ? 0 : 9; task.Notes = "simulated: priority out of range"; break;
                default:
                    var other = _tasks.Values.FirstOrDefault();
                    if (other is not null)
                    {
                        task.TrailerId = other.TrailerId;
                        task.Notes = "simulated: trailer already being moved";
                    }
                    break;
            }
        }
        _tasks[id] = task;
        return task;
    }

    private string Spot() => _dice.Next(3) switch
    {
        0 => $"DOOR-{_dice.Next(1, 41):D2}",
        1 => $"SPOT-{(char)('A' + _dice.Next(6))}{_dice.Next(1, 60):D2}",
        _ => $"LANE-{_dice.Next(1, 13):D2}",
    };

    private void Assign(SimTask task, SimHostler hostler, DateTime now)
    {
        var hasCurrent = _tasks.Values.Any(t => t.HostlerId == hostler.Id && t.Status == YardTask.InProgress);
        task.HostlerId = hostler.Id;
        task.Status = hasCurrent ? YardTask.Assigned : YardTask.InProgress;
        task.Version++;
        task.UpdatedAt = now;
        if (hostler.Status == YardHostler.Available)
        {
            SetStatus(hostler, YardHostler.Busy, now);
        }
    }

    private void Complete(SimTask task, DateTime now)
    {
        _tasks.Remove(task.Id);
        var hostler = _hostlers.FirstOrDefault(h => h.Id == task.HostlerId);
        if (hostler is null)
        {
            return;
        }
        var next = _tasks.Values.Where(t => t.HostlerId == hostler.Id).OrderByDescending(t => t.Priority).ThenBy(t => t.CreatedAt).FirstOrDefault();
        if (next is not null)
        {
            next.Status = YardTask.InProgress;
            next.Version++;
            next.UpdatedAt = now;
        }
        else if (hostler.Status == YardHostler.Busy)
        {
            SetStatus(hostler, YardHostler.Available, now);
        }
    }

    private static void SetStatus(SimHostler hostler, string status, DateTime now)
    {
        hostler.Status = status;
        hostler.StatusSince = now;
    }
}
