using System.Collections.Concurrent;
using OpsConsole.Core.Shared.Upstreams;

namespace OpsConsole.Simulators;

/// <summary>`Simulators:*` in appsettings.json.</summary>
public sealed class SimulatorOptions
{
    public bool Enabled { get; set; }
    public int Seed { get; set; } = 42;
}

public sealed record SimulatorFaults(double ErrorRate = 0, int LatencyMs = 0, bool Malformed = false, bool Outage = false)
{
    public const int MaxLatencyMs = 60_000;

    public static readonly SimulatorFaults None = new();

    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (ErrorRate is < 0 or > 1 || double.IsNaN(ErrorRate))
        {
            errors["error_rate"] = ["error_rate must be between 0 and 1."];
        }
        if (LatencyMs is < 0 or > MaxLatencyMs)
        {
            errors["latency_ms"] = [$"latency_ms must be between 0 and {MaxLatencyMs}."];
        }
        return errors;
    }
}

public sealed record SimulatorState(string Name, SimulatorFaults Faults, long Requests, long InjectedFaults);

/// <summary>
/// The fault switches of every simulator, and their deterministic dice: each simulator rolls from its own
/// generator seeded by `Simulators:Seed` and its name, so a test run sees the same sequence of faults.
/// </summary>
public sealed class SimulatorRegistry(SimulatorOptions options, UpstreamCatalog upstreams)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(
        upstreams.Names.Select(n => KeyValuePair.Create(n, new Entry(n, options.Seed))));

    public bool Enabled => options.Enabled;
    public int Seed => options.Seed;
    public IReadOnlyList<string> Names => upstreams.Names;

    public bool Exists(string name) => _entries.ContainsKey(name);

    public SimulatorFaults Faults(string name) => _entries[name].Faults;

    public IReadOnlyList<SimulatorState> States => upstreams.Names.Select(n => _entries[n].State).ToList();

    public void Set(string name, SimulatorFaults faults) => _entries[name].Reset(faults, options.Seed);

    public void ResetAll()
    {
        foreach (var entry in _entries.Values)
        {
            entry.Reset(SimulatorFaults.None, options.Seed);
        }
    }

    /// <summary>Counts the request and decides whether this one fails (error-rate roll).</summary>
    internal bool RollError(string name) => _entries[name].Roll();

    internal void CountFault(string name) => _entries[name].CountFault();

    private sealed class Entry(string name, int seed)
    {
        private readonly Lock _gate = new();
        private Random _dice = new(Seed(seed, name));
        private long _requests;
        private long _faults;

        public SimulatorFaults Faults { get; private set; } = SimulatorFaults.None;
        public SimulatorState State => new(name, Faults, Interlocked.Read(ref _requests), Interlocked.Read(ref _faults));

        public void Reset(SimulatorFaults faults, int newSeed)
        {
            lock (_gate)
            {
                Faults = faults;
                _dice = new Random(Seed(newSeed, name));
            }
        }

        public bool Roll()
        {
            Interlocked.Increment(ref _requests);
            lock (_gate)
            {
                return Faults.ErrorRate > 0 && _dice.NextDouble() < Faults.ErrorRate;
            }
        }

        public void CountFault() => Interlocked.Increment(ref _faults);

        // Not HashCode.Combine: it is seeded per process, so the same seed gave another sequence in every run.
        private static int Seed(int seed, string name) => unchecked(name.Aggregate(17, (h, c) => (h * 31) + c) * 397 ^ seed);
    }
}
