namespace OpsConsole.Core.Maintenance.Analytics;

/// <summary>
/// One pass over the input for a set of machines: per machine its expected time, its periods clipped, merged and
/// counted (docs/analytics.md, "Counting downtime"), its failures, tickets and production. Ticks inside, seconds out.
/// </summary>
internal sealed class AnalyticsEngine(AnalyticsInput input, AnalyticsWindow window, DrillDownSink? sink)
{
    private static readonly (string Label, double From, double? To)[] AgeBuckets =
    [
        ("< 1 day", 0, 86_400), ("1–3 days", 86_400, 3 * 86_400), ("3–7 days", 3 * 86_400, 7 * 86_400),
        ("7–30 days", 7 * 86_400, 30 * 86_400), ("30 days or more", 30 * 86_400, null),
    ];

    private readonly Dictionary<int, List<TimeRange>> _calendarRanges = [];
    private readonly int[] _byStatus = new int[Enum.GetValues<TicketStatus>().Length];
    private readonly int[] _byPriority = new int[Enum.GetValues<TicketPriority>().Length];
    private readonly Dictionary<int, int> _byMachine = [];
    private readonly int[] _ages = new int[AgeBuckets.Length];
    private Dictionary<long, AnalyticsTicket> _tickets = [];

    /// <summary>Per machine of the list given to <see cref="Run"/>, in its order (null for a repeated id).</summary>
    public AnalyticsTotals?[] MachineTotals { get; private set; } = [];
    public Dictionary<string, (int Count, long Ticks)> ReasonPareto { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, (int Count, long Ticks)> FailureCodePareto { get; } = new(StringComparer.Ordinal);

    public void Run(IReadOnlyList<AnalyticsMachine> machines)
    {
        var index = new Dictionary<int, int>(machines.Count);
        MachineTotals = new AnalyticsTotals?[machines.Count];
        for (var m = 0; m < machines.Count; m++)
        {
            if (index.TryAdd(machines[m].Id, m))
            {
                MachineTotals[m] = new AnalyticsTotals(window.DayCount);
            }
        }

        var periodsOf = new List<int>?[machines.Count];
        for (var i = 0; i < input.Periods.Count; i++)
        {
            if (index.TryGetValue(input.Periods[i].MachineId, out var m))
            {
                (periodsOf[m] ??= []).Add(i);
            }
        }
        _tickets = new Dictionary<long, AnalyticsTicket>(input.Tickets.Count);
        foreach (var ticket in input.Tickets)
        {
            _tickets[ticket.Id] = ticket;
        }

        for (var m = 0; m < machines.Count; m++)
        {
            if (MachineTotals[m] is { } totals)
            {
                CountMachine(machines[m], periodsOf[m] ?? [], totals);
            }
        }
        CountTickets(index);
        CountProduction(index);
        foreach (var totals in MachineTotals)
        {
            totals?.CloseMachine();
        }
    }

    public TicketBreakdown TicketBreakdown() => new(
        [.. Enum.GetValues<TicketStatus>().Select(s => new CountLine<TicketStatus>(s, _byStatus[(int)s]))],
        [.. Enum.GetValues<TicketPriority>().Select(p => new CountLine<TicketPriority>(p, _byPriority[(int)p]))],
        [.. _byMachine.OrderByDescending(m => m.Value).ThenBy(m => m.Key).Select(m => new CountLine<int>(m.Key, m.Value))],
        [.. AgeBuckets.Select((b, i) => new TicketAgeBucket(b.Label, b.From, b.To, _ages[i]))]);

    private List<TimeRange> ExpectedRanges(AnalyticsMachine machine)
    {
        if (machine.Calendar is not { } calendar)
        {
            return window.End > window.From ? [new TimeRange(window.From, window.End)] : [];
        }
        if (!_calendarRanges.TryGetValue(calendar.Id, out var ranges))
        {
            ranges = ExpectedTime.Ranges(calendar, window.From, window.End);
            _calendarRanges.Add(calendar.Id, ranges);
        }
        return ranges;
    }

    private void CountMachine(AnalyticsMachine machine, List<int> periodIndexes, AnalyticsTotals totals)
    {
        var expected = ExpectedRanges(machine);
        totals.AnyCalendar = machine.Calendar is not null;
        totals.AnyAllDay = machine.Calendar is null;
        foreach (var range in expected)
        {
            totals.Expected += range.Length;
            window.AddToDays(range.Start, range.End, totals.DayExpected);
        }
        sink?.Expected.Add(new ExpectedLine(machine.Id, machine.Calendar is null ? ExpectedBasis.AllDay : ExpectedBasis.Calendar,
            machine.Calendar?.TimeZone, Seconds(TimeRanges.Total(expected)), expected.Count));

        var planned = new List<Slice>();
        var unplanned = new List<Slice>();
        foreach (var i in periodIndexes)
        {
            var period = input.Periods[i];
            var start = period.Start.Ticks;
            // An open period runs until now; the window's effective end clips it (and a future window ends at now).
            var end = period.End?.Ticks ?? window.Now;
            var clippedStart = Math.Max(start, window.From);
            var clippedEnd = Math.Min(end, window.End);
            var (role, key) = Classify(period, end - start);
            if (period.Kind == DowntimeKind.Excluded || clippedEnd <= clippedStart)
            {
                AddPeriodLine(period, role, key, clippedStart, clippedEnd, 0);
                continue;
            }
            (role == PeriodRole.Planned ? planned : unplanned).Add(new Slice(clippedStart, clippedEnd, period.Id, i, role, key));
        }

        // Planned first: time under a planned stop is planned downtime even if the machine also reported down.
        var plannedCounted = new long[planned.Count];
        var plannedCover = new List<TimeRange>(planned.Count);
        Sweep(planned, expected, plannedCover, (s, a, b) =>
        {
            plannedCounted[s] += b - a;
            totals.Planned += b - a;
            window.AddToDays(a, b, totals.DayPlanned);
        });

        var unplannedAllowed = TimeRanges.Subtract(expected, plannedCover);
        var unplannedCounted = new long[unplanned.Count];
        Dictionary<long, FailureTally>? failures = null;
        Sweep(unplanned, unplannedAllowed, null, (s, a, b) =>
        {
            var slice = unplanned[s];
            unplannedCounted[s] += b - a;
            totals.Unplanned += b - a;
            window.AddToDays(a, b, totals.DayUnplanned);
            if (slice.Role == PeriodRole.MicroStop)
            {
                totals.MicroStopTicks += b - a;
            }
            else if (slice.Role == PeriodRole.Failure)
            {
                failures ??= [];
                if (!failures.TryGetValue(slice.FailureKey, out var tally))
                {
                    tally = new FailureTally(a);
                    failures.Add(slice.FailureKey, tally);
                }
                tally.Ticks += b - a;
                tally.First = Math.Min(tally.First, a);
                totals.FailureDowntime += b - a;
                window.AddToDays(a, b, totals.DayFailureDowntime);
            }
        });

        for (var s = 0; s < unplanned.Count; s++)
        {
            var slice = unplanned[s];
            if (unplannedCounted[s] > 0)
            {
                var reason = input.Periods[slice.Index].ReasonCode ?? MaintenanceAnalytics.NoCode;
                ReasonPareto[reason] = ReasonPareto.TryGetValue(reason, out var r) ? (r.Count + 1, r.Ticks + unplannedCounted[s]) : (1, unplannedCounted[s]);
                if (slice.Role == PeriodRole.MicroStop)
                {
                    totals.MicroStops++;
                }
            }
            AddPeriodLine(input.Periods[slice.Index], slice.Role, slice.FailureKey, slice.Start, slice.End, unplannedCounted[s]);
            if (sink is not null && failures is not null && failures.TryGetValue(slice.FailureKey, out var tally) && slice.Role == PeriodRole.Failure)
            {
                tally.PeriodIds.Add(slice.Id);
            }
        }
        for (var s = 0; s < planned.Count; s++)
        {
            AddPeriodLine(input.Periods[planned[s].Index], PeriodRole.Planned, 0, planned[s].Start, planned[s].End, plannedCounted[s]);
        }

        if (failures is null)
        {
            return;
        }
        foreach (var (key, tally) in failures)
        {
            // A failure counts in the window (and on the plant-local day) where it first cost expected time.
            totals.Failures++;
            totals.DayFailures[window.DayOf(tally.First)]++;
            long? ticketId = key % 2 == 0 ? key / 2 : null;
            var code = ticketId is { } t && _tickets.TryGetValue(t, out var ticket) ? ticket.FailureCode : null;
            code ??= MaintenanceAnalytics.NoCode;
            FailureCodePareto[code] = FailureCodePareto.TryGetValue(code, out var c) ? (c.Count + 1, c.Ticks + tally.Ticks) : (1, tally.Ticks);
            sink?.Failures.Add(new FailureLine(FailureKeyText(key), ticketId, machine.Id, new DateTime(tally.First, DateTimeKind.Utc),
                tally.PeriodIds, Seconds(tally.Ticks), code == MaintenanceAnalytics.NoCode ? null : code));
        }
    }

    /// <summary>What a period counts as, and for a failure the key that groups it (one ticket's periods are one failure).</summary>
    private (PeriodRole Role, long FailureKey) Classify(AnalyticsPeriod period, long fullTicks)
    {
        switch (period.Kind)
        {
            case DowntimeKind.Excluded:
                return (PeriodRole.Excluded, 0);
            case DowntimeKind.Planned:
                return (PeriodRole.Planned, 0);
        }
        if (fullTicks < window.MicroStopTicks)
        {
            return (PeriodRole.MicroStop, 0);
        }
        if (period.TicketId is not { } ticketId)
        {
            return (PeriodRole.Failure, period.Id * 2 + 1);
        }
        if (_tickets.TryGetValue(ticketId, out var ticket) && (ticket.Kind == TicketKind.Planned || ticket.Status == TicketStatus.Cancelled))
        {
            return (PeriodRole.UnplannedNotFailure, 0);
        }
        return (PeriodRole.Failure, ticketId * 2);
    }

    private static string FailureKeyText(long key) => key % 2 == 0 ? $"ticket {key / 2}" : $"period {(key - 1) / 2}";

    /// <summary>
    /// Walks slices in start order (ties by id) and hands out each one's pieces that no earlier slice covered and that
    /// lie in <paramref name="allowed"/> (sorted, disjoint). Optionally collects what the slices cover.
    /// </summary>
    private static void Sweep(List<Slice> slices, List<TimeRange> allowed, List<TimeRange>? cover, Action<int, long, long> piece)
    {
        slices.Sort(static (x, y) => x.Start != y.Start ? x.Start.CompareTo(y.Start) : x.Id.CompareTo(y.Id));
        var covered = long.MinValue;
        var j = 0;
        for (var s = 0; s < slices.Count; s++)
        {
            var a = Math.Max(slices[s].Start, covered);
            var b = slices[s].End;
            if (b <= a)
            {
                continue;
            }
            covered = b;
            cover?.Add(new TimeRange(a, b));
            while (j < allowed.Count && allowed[j].End <= a)
            {
                j++;
            }
            for (var k = j; k < allowed.Count && allowed[k].Start < b; k++)
            {
                var pieceStart = Math.Max(a, allowed[k].Start);
                var pieceEnd = Math.Min(b, allowed[k].End);
                if (pieceEnd > pieceStart)
                {
                    piece(s, pieceStart, pieceEnd);
                }
            }
        }
    }

    private void AddPeriodLine(AnalyticsPeriod period, PeriodRole role, long failureKey, long clippedStart, long clippedEnd, long counted)
    {
        if (sink is null)
        {
            return;
        }
        var feeds = counted == 0 ? AnalyticsKpi.None : role switch
        {
            PeriodRole.Failure => AnalyticsKpi.Uptime | AnalyticsKpi.Availability | AnalyticsKpi.Mtbf | AnalyticsKpi.Mttr,
            PeriodRole.Excluded => AnalyticsKpi.None,
            _ => AnalyticsKpi.Uptime | AnalyticsKpi.Availability | AnalyticsKpi.Mtbf,
        };
        var inside = clippedEnd > clippedStart;
        sink.Periods.Add(new PeriodLine(period.Id, period.MachineId, period.Kind, role,
            role == PeriodRole.Failure ? FailureKeyText(failureKey) : null, period.TicketId, period.ReasonCode, period.Start, period.End,
            inside ? new DateTime(clippedStart, DateTimeKind.Utc) : null, inside ? new DateTime(clippedEnd, DateTimeKind.Utc) : null,
            Seconds(counted), feeds));
    }

    private void CountTickets(Dictionary<int, int> index)
    {
        foreach (var ticket in input.Tickets)
        {
            if (!index.TryGetValue(ticket.MachineId, out var m) || MachineTotals[m] is not { } totals)
            {
                continue;
            }
            var created = ticket.CreatedAt.Ticks;
            if (ticket.Status is TicketStatus.Open or TicketStatus.InProgress or TicketStatus.OnHold && created <= window.Now)
            {
                var age = Seconds(window.Now - created);
                var bucket = Array.FindIndex(AgeBuckets, b => b.To is null || age < b.To);
                _ages[bucket]++;
            }
            if (created < window.From || created >= window.End)
            {
                continue;
            }
            _byStatus[(int)ticket.Status]++;
            string? note = null;
            double? acknowledge = null;
            var feeds = AnalyticsKpi.None;
            if (ticket.Status == TicketStatus.Cancelled)
            {
                note = "cancelled: left out of every KPI";
            }
            else
            {
                _byPriority[(int)ticket.Priority]++;
                _byMachine[ticket.MachineId] = _byMachine.GetValueOrDefault(ticket.MachineId) + 1;
                if (ticket.Kind == TicketKind.Planned)
                {
                    note = "planned work: not in MTTA";
                }
                else if (ticket.FirstInProgressAt is { } started)
                {
                    acknowledge = Seconds(Math.Max(0, started.Ticks - created));
                    totals.AckSeconds[(int)ticket.Priority] += acknowledge.Value;
                    totals.Acknowledged[(int)ticket.Priority]++;
                    feeds = AnalyticsKpi.Mtta;
                }
                else
                {
                    totals.Unacknowledged[(int)ticket.Priority]++;
                    note = "not yet in progress: counted, left out of the mean";
                    feeds = AnalyticsKpi.Mtta;
                }
            }
            sink?.Tickets.Add(new TicketLine(ticket.Id, ticket.MachineId, ticket.Kind, ticket.Priority, ticket.Status, ticket.CreatedAt,
                ticket.FirstInProgressAt, acknowledge, feeds, note));
        }
    }

    private void CountProduction(Dictionary<int, int> index)
    {
        foreach (var record in input.Production)
        {
            if (record.Date < window.FirstDay || record.Date > window.LastDay
                || !index.TryGetValue(record.MachineId, out var m) || MachineTotals[m] is not { } totals)
            {
                continue;
            }
            totals.ProductionRecords++;
            totals.Good += record.Good;
            totals.Scrap += record.Scrap;
            totals.RunSeconds += record.RunSeconds;
            if (record.IdealCycleSeconds is > 0 and var ideal && record.RunSeconds > 0)
            {
                totals.IdealSeconds += ideal * (record.Good + record.Scrap);
                totals.RunSecondsWithIdeal += record.RunSeconds;
            }
            sink?.Production.Add(new ProductionLine(record, AnalyticsKpi.Oee));
        }
    }

    private static double Seconds(long ticks) => (double)ticks / TimeSpan.TicksPerSecond;

    private readonly record struct Slice(long Start, long End, long Id, int Index, PeriodRole Role, long FailureKey);

    private sealed class FailureTally(long first)
    {
        public long First = first;
        public long Ticks;
        public readonly List<long> PeriodIds = [];
    }
}
