namespace OpsConsole.Core.Maintenance.Telemetry;

/// <summary>One machine's telemetry feed as the console last saw it.</summary>
/// <param name="LastDataAt">When the last stored message arrived (the console's clock, not the machine's `ts`).</param>
/// <param name="SequenceGaps">How many times its seq jumped (a jump over 3 missing numbers is one gap).</param>
/// <param name="MissingMessages">The seq numbers jumped over, summed.</param>
/// <param name="IsStale">No message for longer than its heartbeat deadline.</param>
public sealed record MachineFeed(
    string MachineCode,
    DateTimeOffset LastDataAt,
    long LastSeq,
    int SequenceGaps,
    long MissingMessages,
    long Messages,
    TimeSpan DataAge,
    TimeSpan Heartbeat,
    bool IsStale);

/// <summary>
/// Per machine: data age, the stale flag past its heartbeat deadline, and the sequence gap counter, kept in memory
/// from the batches the sink stored (so a message counts once it is safe, and a redelivered one counts nothing).
/// The Maintenance model keeps the same figures on its Machine rows (LastDataAt, LastSeq, SequenceGaps) when its
/// sink writes them; this tracker is what the transport knows without the database, rebuilt from traffic after a
/// restart (the first message of each machine sets its seq base, so a restart never counts a gap).
/// </summary>
public sealed class MachineFeedTracker(TelemetryOptions options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _machines = new(StringComparer.Ordinal);

    /// <summary>Records a stored batch. A seq at or below the machine's highest is a redelivery or a late message: neither a gap nor new data.</summary>
    /// <returns>The gaps this batch opened.</returns>
    public int Record(IReadOnlyList<TelemetryMessage> stored)
    {
        var gaps = 0;
        if (stored.Count == 0)
        {
            return 0;
        }
        lock (_lock)
        {
            foreach (var message in stored)
            {
                if (!_machines.TryGetValue(message.MachineCode, out var entry))
                {
                    _machines[message.MachineCode] = new Entry { LastSeq = message.Seq, LastDataAt = message.ReceivedAt, Messages = 1 };
                    continue;
                }
                if (message.ReceivedAt > entry.LastDataAt)
                {
                    entry.LastDataAt = message.ReceivedAt;
                }
                if (message.Seq <= entry.LastSeq)
                {
                    continue;
                }
                if (message.Seq > entry.LastSeq + 1)
                {
                    entry.Gaps++;
                    gaps++;
                    entry.Missing += message.Seq - entry.LastSeq - 1;
                }
                entry.LastSeq = message.Seq;
                entry.Messages++;
            }
        }
        return gaps;
    }

    public MachineFeed? Get(string machine)
    {
        lock (_lock)
        {
            return _machines.TryGetValue(machine, out var entry) ? Feed(machine, entry, time.GetUtcNow()) : null;
        }
    }

    /// <summary>Every machine heard from since the console started, by code.</summary>
    public IReadOnlyList<MachineFeed> Snapshot()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            return _machines.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => Feed(m.Key, m.Value, now)).ToList();
        }
    }

    /// <summary>Whether a machine's data is stale; a machine never heard from is stale too.</summary>
    public bool IsStale(string machine) => Get(machine)?.IsStale ?? true;

    private MachineFeed Feed(string code, Entry entry, DateTimeOffset now)
    {
        var age = now - entry.LastDataAt;
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }
        var heartbeat = options.HeartbeatFor(code);
        return new MachineFeed(code, entry.LastDataAt, entry.LastSeq, entry.Gaps, entry.Missing, entry.Messages, age, heartbeat, age > heartbeat);
    }

    private sealed class Entry
    {
        public long LastSeq;
        public DateTimeOffset LastDataAt;
        public int Gaps;
        public long Missing;
        public long Messages;
    }
}
