using System.Buffers;
using System.Runtime.InteropServices;

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

    // Expected time and its day totals per calendar id, and for 24/7, computed once per window.
    private readonly Dictionary<int, (List<TimeRange> Ranges, long[] Days)> _calendarRanges = [];
    private (List<TimeRange> Ranges, long[] Days)? _allDay;
    private readonly int[] _byStatus = new int[Enum.GetValues<TicketStatus>().Length];
    private readonly int[] _byPriority = new int[Enum.GetValues<TicketPriority>().Length];
    private readonly Dictionary<int, int> _byMachine = [];
    private readonly int[] _ages = new int[AgeBuckets.Length];
    private TicketIndex _tickets = new([]);
    // Reused from machine to machine: a year of a plant is ~300,000 periods, and fresh buffers per machine were a
    // third of the allocations.
    private readonly List<Slice> _planned = [];
    private readonly List<Slice> _unplanned = [];
    private readonly List<TimeRange> _plannedCover = [];
    private readonly Dictionary<long, FailureTally> _failures = [];
    private long[] _plannedCounted = [];
    private long[] _unplannedCounted = [];

    /// <summary>Per machine of the list given to <see cref="Run"/>, in its order (null for a repeated id).</summary>
    public AnalyticsTotals?[] MachineTotals { get; private set; } = [];
    public Dictionary<string, (int Count, long Ticks)> ReasonPareto { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, (int Count, long Ticks)> FailureCodePareto { get; } = new(StringComparer.Ordinal);

    public void Run(IReadOnlyList<AnalyticsMachine> machines)
    {
        var index = new MachineIndex(machines);
        MachineTotals = new AnalyticsTotals?[machines.Count];
        for (var m = 0; m < machines.Count; m++)
        {
            if (index.Find(machines[m].Id) == m)
            {
                MachineTotals[m] = new AnalyticsTotals(window.DayCount);
            }
        }

        // The periods' indexes grouped by machine (a counting sort: one lookup per period, no list per machine).
        var periodCount = input.Periods.Count;
        // Rented: arrays this size live on the large-object heap, and a fresh pair per request forced full collections
        // (marking the whole input) about every third computation.
        var machineOf = ArrayPool<int>.Shared.Rent(periodCount);
        var starts = new int[machines.Count + 1];
        for (var i = 0; i < periodCount; i++)
        {
            var m = index.Find(input.Periods[i].MachineId);
            machineOf[i] = m;
            if (m >= 0)
            {
                starts[m + 1]++;
            }
        }
        for (var m = 0; m < machines.Count; m++)
        {
            starts[m + 1] += starts[m];
        }
        var grouped = ArrayPool<int>.Shared.Rent(starts[machines.Count]);
        var fill = (int[])starts.Clone();
        for (var i = 0; i < periodCount; i++)
        {
            if (machineOf[i] >= 0)
            {
                grouped[fill[machineOf[i]]++] = i;
            }
        }
        _tickets = new TicketIndex(input.Tickets);

        for (var m = 0; m < machines.Count; m++)
        {
            if (MachineTotals[m] is { } totals)
            {
                CountMachine(machines[m], new ArraySegment<int>(grouped, starts[m], starts[m + 1] - starts[m]), totals);
            }
        }
        ArrayPool<int>.Shared.Return(machineOf);
        ArrayPool<int>.Shared.Return(grouped);
        CountTickets(index);
        CountProduction(index);
        foreach (var totals in MachineTotals)
        {
            totals?.CloseMachine();
        }
        _tickets.Dispose();
    }

    public TicketBreakdown TicketBreakdown() => new(
        [.. Enum.GetValues<TicketStatus>().Select(s => new CountLine<TicketStatus>(s, _byStatus[(int)s]))],
        [.. Enum.GetValues<TicketPriority>().Select(p => new CountLine<TicketPriority>(p, _byPriority[(int)p]))],
        [.. _byMachine.OrderByDescending(m => m.Value).ThenBy(m => m.Key).Select(m => new CountLine<int>(m.Key, m.Value))],
        [.. AgeBuckets.Select((b, i) => new TicketAgeBucket(b.Label, b.From, b.To, _ages[i]))]);

    private (List<TimeRange> Ranges, long[] Days) Expected(AnalyticsMachine machine)
    {
        if (machine.Calendar is not { } calendar)
        {
            return _allDay ??= WithDays(window.End > window.From ? [new TimeRange(window.From, window.End)] : []);
        }
        if (!_calendarRanges.TryGetValue(calendar.Id, out var expected))
        {
            expected = WithDays(ExpectedTime.Ranges(calendar, window.From, window.End));
            _calendarRanges.Add(calendar.Id, expected);
        }
        return expected;
    }

    private (List<TimeRange>, long[]) WithDays(List<TimeRange> ranges)
    {
        var days = new long[window.DayCount];
        var hint = 0;
        foreach (var range in ranges)
        {
            window.AddToDays(range.Start, range.End, days, ref hint);
        }
        return (ranges, days);
    }

    private void CountMachine(AnalyticsMachine machine, ArraySegment<int> periodIndexes, AnalyticsTotals totals)
    {
        var (expected, expectedDays) = Expected(machine);
        totals.AnyCalendar = machine.Calendar is not null;
        totals.AnyAllDay = machine.Calendar is null;
        totals.Expected += TimeRanges.Total(expected);
        expectedDays.CopyTo(totals.DayExpected, 0);
        sink?.Expected.Add(new ExpectedLine(machine.Id, machine.Calendar is null ? ExpectedBasis.AllDay : ExpectedBasis.Calendar,
            machine.Calendar?.TimeZone, Seconds(TimeRanges.Total(expected)), expected.Count));

        var planned = _planned;
        var unplanned = _unplanned;
        planned.Clear();
        unplanned.Clear();
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
        var plannedCounted = Zeroed(ref _plannedCounted, planned.Count);
        var plannedCover = _plannedCover;
        plannedCover.Clear();
        var dayHint = 0;
        Sweep(planned, expected, plannedCover, (s, a, b) =>
        {
            plannedCounted[s] += b - a;
            totals.Planned += b - a;
            window.AddToDays(a, b, totals.DayPlanned, ref dayHint);
        });

        var unplannedAllowed = plannedCover.Count == 0 ? expected : TimeRanges.Subtract(expected, plannedCover);
        var unplannedCounted = Zeroed(ref _unplannedCounted, unplanned.Count);
        var failures = _failures;
        failures.Clear();
        dayHint = 0;
        Sweep(unplanned, unplannedAllowed, null, (s, a, b) =>
        {
            var slice = unplanned[s];
            unplannedCounted[s] += b - a;
            totals.Unplanned += b - a;
            var firstDay = window.DayOf(a, ref dayHint);
            window.AddToDays(a, b, totals.DayUnplanned, ref dayHint);
            if (slice.Role == PeriodRole.MicroStop)
            {
                totals.MicroStopTicks += b - a;
            }
            else if (slice.Role == PeriodRole.Failure)
            {
                // Pieces come in time order, so a failure's first piece is its earliest.
                ref var tally = ref CollectionsMarshal.GetValueRefOrAddDefault(failures, slice.FailureKey, out var seen);
                if (!seen)
                {
                    tally.First = a;
                    tally.FirstDay = firstDay;
                }
                tally.Ticks += b - a;
                totals.FailureDowntime += b - a;
                window.AddToDays(a, b, totals.DayFailureDowntime, ref firstDay);
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
            if (sink is not null && slice.Role == PeriodRole.Failure && unplannedCounted[s] > 0)
            {
                ref var tally = ref CollectionsMarshal.GetValueRefOrNullRef(failures, slice.FailureKey);
                (tally.PeriodIds ??= []).Add(slice.Id);
            }
        }
        for (var s = 0; s < planned.Count; s++)
        {
            AddPeriodLine(input.Periods[planned[s].Index], PeriodRole.Planned, 0, planned[s].Start, planned[s].End, plannedCounted[s]);
        }

        foreach (var (key, tally) in failures)
        {
            // A failure counts in the window (and on the plant-local day) where it first cost expected time.
            totals.Failures++;
            totals.DayFailures[tally.FirstDay]++;
            long? ticketId = key % 2 == 0 ? key / 2 : null;
            var code = ticketId is { } t ? _tickets.Find(t)?.FailureCode : null;
            code ??= MaintenanceAnalytics.NoCode;
            FailureCodePareto[code] = FailureCodePareto.TryGetValue(code, out var c) ? (c.Count + 1, c.Ticks + tally.Ticks) : (1, tally.Ticks);
            sink?.Failures.Add(new FailureLine(FailureKeyText(key), ticketId, machine.Id, new DateTime(tally.First, DateTimeKind.Utc),
                tally.PeriodIds ?? [], Seconds(tally.Ticks), code == MaintenanceAnalytics.NoCode ? null : code));
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
        if (_tickets.Find(ticketId) is { } ticket && (ticket.Kind == TicketKind.Planned || ticket.Status == TicketStatus.Cancelled))
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
        // Periods usually arrive in start order (the query orders them): check before sorting.
        for (var i = 1; i < slices.Count; i++)
        {
            if (Compare(slices[i - 1], slices[i]) > 0)
            {
                slices.Sort(Compare);
                break;
            }
        }
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

    private static int Compare(Slice x, Slice y) => x.Start != y.Start ? x.Start.CompareTo(y.Start) : x.Id.CompareTo(y.Id);

    private static long[] Zeroed(ref long[] buffer, int count)
    {
        if (buffer.Length < count)
        {
            buffer = new long[Math.Max(count, buffer.Length * 2)];
        }
        Array.Clear(buffer, 0, count);
        return buffer;
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

    private void CountTickets(MachineIndex index)
    {
        foreach (var ticket in input.Tickets)
        {
            var m = index.Find(ticket.MachineId);
            if (m < 0 || MachineTotals[m] is not { } totals)
            {
                continue;
            }
            var created = ticket.CreatedAt.Ticks;
            if (ticket.Status is TicketStatus.Open or TicketStatus.InProgress or TicketStatus.OnHold && created <= window.Now)
            {
                var age = Seconds(window.Now - created);
                var bucket = 0;
                while (AgeBuckets[bucket].To is { } upTo && age >= upTo)
                {
                    bucket++;
                }
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

    private void CountProduction(MachineIndex index)
    {
        foreach (var record in input.Production)
        {
            if (record.Date < window.FirstDay || record.Date > window.LastDay)
            {
                continue;
            }
            var m = index.Find(record.MachineId);
            if (m < 0 || MachineTotals[m] is not { } totals)
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

    private struct FailureTally
    {
        public long First;
        public int FirstDay;
        public long Ticks;
        /// <summary>Only for the drill-down.</summary>
        public List<long>? PeriodIds;
    }

    /// <summary>Ticket id → ticket: an array when ids are dense (database keys), else a dictionary (a year is 100,000 tickets).</summary>
    private sealed class TicketIndex : IDisposable
    {
        private readonly AnalyticsTicket?[]? _byId;
        private readonly long _min;
        private readonly int _length;
        private bool _returned;
        private readonly Dictionary<long, AnalyticsTicket>? _byKey;

        public TicketIndex(IReadOnlyList<AnalyticsTicket> tickets)
        {
            if (tickets.Count == 0)
            {
                _byId = [];
                return;
            }
            long min = long.MaxValue, max = long.MinValue;
            foreach (var ticket in tickets)
            {
                min = Math.Min(min, ticket.Id);
                max = Math.Max(max, ticket.Id);
            }
            if (max - min < 4L * tickets.Count + 1024)
            {
                _min = min;
                _length = (int)(max - min + 1);
                _byId = ArrayPool<AnalyticsTicket?>.Shared.Rent(_length);
                Array.Clear(_byId, 0, _length);
                foreach (var ticket in tickets)
                {
                    _byId[ticket.Id - min] = ticket;
                }
            }
            else
            {
                _byKey = new Dictionary<long, AnalyticsTicket>(tickets.Count);
                foreach (var ticket in tickets)
                {
                    _byKey[ticket.Id] = ticket;
                }
            }
        }

        public AnalyticsTicket? Find(long id) => _byId is not null
            ? (ulong)(id - _min) < (ulong)_length ? _byId[id - _min] : null
            : _byKey!.GetValueOrDefault(id);

        public void Dispose()
        {
            if (_byId is { Length: > 0 } && !_returned)
            {
                _returned = true;
                ArrayPool<AnalyticsTicket?>.Shared.Return(_byId, clearArray: true);
            }
        }
    }

    /// <summary>Machine id → its position in the list: an array when ids are dense (they are database keys), else a dictionary.</summary>
    private sealed class MachineIndex
    {
        private readonly int[]? _byId;
        private readonly Dictionary<int, int>? _byKey;

        public MachineIndex(IReadOnlyList<AnalyticsMachine> machines)
        {
            var max = machines.Count == 0 ? 0 : machines.Max(m => m.Id);
            var min = machines.Count == 0 ? 0 : machines.Min(m => m.Id);
            if (min >= 0 && max < 4 * machines.Count + 1024)
            {
                _byId = new int[max + 1];
                Array.Fill(_byId, -1);
                for (var m = machines.Count - 1; m >= 0; m--)
                {
                    _byId[machines[m].Id] = m;
                }
            }
            else
            {
                _byKey = new Dictionary<int, int>(machines.Count);
                for (var m = 0; m < machines.Count; m++)
                {
                    _byKey.TryAdd(machines[m].Id, m);
                }
            }
        }

        /// <summary>The first position of the id, or -1.</summary>
        public int Find(int id) => _byId is not null
            ? (uint)id < (uint)_byId.Length ? _byId[id] : -1
            : _byKey!.TryGetValue(id, out var m) ? m : -1;
    }
}
