namespace OpsConsole.Core.Maintenance;

/// <summary>A stretch of a machine's timeline in one state; <see cref="State"/> is null before the first state the console knows.</summary>
public sealed record StateSegment(MachineState? State, DateTime From, DateTime To)
{
    public TimeSpan Duration => To - From;
}

/// <summary>
/// A machine's states over a window (the machine page's timeline), from its state events: the last one before the
/// window gives the state it starts in, each one inside starts a new segment, and the last segment runs to the end of
/// the window. Consecutive events of the same state (a manual "still running") make one segment.
/// </summary>
public static class StateTimeline
{
    public static IReadOnlyList<StateSegment> Build(MachineState? atStart, IEnumerable<(DateTime At, MachineState State)> changes, DateTime from, DateTime to)
    {
        var segments = new List<StateSegment>();
        if (to <= from)
        {
            return segments;
        }
        var state = atStart;
        var since = from;
        foreach (var (at, next) in changes.Where(c => c.At < to).OrderBy(c => c.At))
        {
            if (at <= from)
            {
                state = next;
                continue;
            }
            if (next == state)
            {
                continue;
            }
            segments.Add(new StateSegment(state, since, at));
            (state, since) = (next, at);
        }
        segments.Add(new StateSegment(state, since, to));
        return segments;
    }

    /// <summary>Each known state's share of the window, largest first (the timeline's legend).</summary>
    public static IReadOnlyList<(MachineState State, TimeSpan Time, double Share)> Shares(IReadOnlyList<StateSegment> segments)
    {
        var total = segments.Sum(s => s.Duration.Ticks);
        return total == 0 ? [] :
        [
            .. segments.Where(s => s.State is not null).GroupBy(s => s.State!.Value)
                .Select(g => (g.Key, TimeSpan.FromTicks(g.Sum(s => s.Duration.Ticks)), (double)g.Sum(s => s.Duration.Ticks) / total))
                .OrderByDescending(x => x.Item2),
        ];
    }
}
