namespace OpsConsole.Core.Maintenance.Analytics;

/// <summary>The window after its facts are settled: effective end, plant days, micro-stop threshold, all in UTC ticks.</summary>
internal sealed class AnalyticsWindow
{
    public AnalyticsWindow(AnalyticsQuery query)
    {
        if (query.To < query.From)
        {
            throw new ArgumentException("The window ends before it starts.", nameof(query));
        }
        From = query.From.Ticks;
        To = query.To.Ticks;
        Now = query.Now.Ticks;
        End = Math.Max(From, Math.Min(To, Now));
        PlantZone = ExpectedTime.Zone(query.PlantTimeZone);
        MicroStopTicks = Math.Max(0, query.MicroStopSeconds) * TimeSpan.TicksPerSecond;
        (FirstDay, DayStarts) = ExpectedTime.Days(query.PlantTimeZone, PlantZone, From, End);
        // Production dates: the plant-local days the window touches.
        LastDay = End > From ? ExpectedTime.LocalDate(new DateTime(End - 1, DateTimeKind.Utc), PlantZone) : FirstDay.AddDays(-1);
    }

    public long From { get; }
    public long To { get; }
    public long Now { get; }
    public long End { get; }
    public TimeZoneInfo PlantZone { get; }
    public long MicroStopTicks { get; }
    public DateOnly FirstDay { get; }
    public DateOnly LastDay { get; }
    public long[] DayStarts { get; }
    public int DayCount => End > From ? DayStarts.Length - 1 : 0;

    public int DayOf(long instant)
    {
        var hint = 0;
        return DayOf(instant, ref hint);
    }

    /// <summary>The day of an instant; <paramref name="hint"/> is the last answer, right again for pieces that come in time order.</summary>
    public int DayOf(long instant, ref int hint)
    {
        // Pieces come in time order: walk forward from the last answer (a year is 365 steps at most per run).
        if (hint >= 0 && hint < DayStarts.Length - 1 && DayStarts[hint] <= instant)
        {
            while (hint < DayStarts.Length - 2 && instant >= DayStarts[hint + 1])
            {
                hint++;
            }
            return hint;
        }
        var i = Array.BinarySearch(DayStarts, instant);
        if (i < 0)
        {
            i = ~i - 1;
        }
        hint = Math.Clamp(i, 0, Math.Max(0, DayStarts.Length - 2));
        return hint;
    }

    /// <summary>Adds [start, end) to the day buckets, split at plant-local midnights.</summary>
    public void AddToDays(long start, long end, long[] days)
    {
        var hint = 0;
        AddToDays(start, end, days, ref hint);
    }

    public void AddToDays(long start, long end, long[] days, ref int hint)
    {
        var i = DayOf(start, ref hint);
        while (start < end && i < days.Length)
        {
            var pieceEnd = Math.Min(end, DayStarts[i + 1]);
            days[i] += pieceEnd - start;
            start = pieceEnd;
            hint = i;
            i++;
        }
    }
}

/// <summary>Sums for a machine, an area or the plant; ratios are taken only at the end (sums, never means of means).</summary>
internal sealed class AnalyticsTotals(int days)
{
    private const int Priorities = 4;

    public int Machines;
    public bool AnyCalendar;
    public bool AnyAllDay;
    public long Expected;
    public long Planned;
    public long Unplanned;
    public long FailureDowntime;
    public int Failures;
    public int MicroStops;
    public long MicroStopTicks;

    public readonly double[] AckSeconds = new double[Priorities];
    public readonly int[] Acknowledged = new int[Priorities];
    public readonly int[] Unacknowledged = new int[Priorities];

    public long Good;
    public long Scrap;
    public double RunSeconds;
    public double IdealSeconds;
    public double RunSecondsWithIdeal;
    public int ProductionRecords;
    // Expected, planned and unplanned of the machines that have production records: OEE's availability.
    public long OeeExpected;
    public long OeePlanned;
    public long OeeUnplanned;

    public readonly long[] DayExpected = new long[days];
    public readonly long[] DayPlanned = new long[days];
    public readonly long[] DayUnplanned = new long[days];
    public readonly long[] DayFailureDowntime = new long[days];
    public readonly int[] DayFailures = new int[days];

    public void Add(AnalyticsTotals other)
    {
        Machines += other.Machines;
        AnyCalendar |= other.AnyCalendar;
        AnyAllDay |= other.AnyAllDay;
        Expected += other.Expected;
        Planned += other.Planned;
        Unplanned += other.Unplanned;
        FailureDowntime += other.FailureDowntime;
        Failures += other.Failures;
        MicroStops += other.MicroStops;
        MicroStopTicks += other.MicroStopTicks;
        for (var p = 0; p < Priorities; p++)
        {
            AckSeconds[p] += other.AckSeconds[p];
            Acknowledged[p] += other.Acknowledged[p];
            Unacknowledged[p] += other.Unacknowledged[p];
        }
        Good += other.Good;
        Scrap += other.Scrap;
        RunSeconds += other.RunSeconds;
        IdealSeconds += other.IdealSeconds;
        RunSecondsWithIdeal += other.RunSecondsWithIdeal;
        ProductionRecords += other.ProductionRecords;
        OeeExpected += other.OeeExpected;
        OeePlanned += other.OeePlanned;
        OeeUnplanned += other.OeeUnplanned;
        for (var d = 0; d < DayExpected.Length; d++)
        {
            DayExpected[d] += other.DayExpected[d];
            DayPlanned[d] += other.DayPlanned[d];
            DayUnplanned[d] += other.DayUnplanned[d];
            DayFailureDowntime[d] += other.DayFailureDowntime[d];
            DayFailures[d] += other.DayFailures[d];
        }
    }

    /// <summary>Called once a machine is done: its own availability feeds OEE only if it has production records.</summary>
    public void CloseMachine()
    {
        Machines = 1;
        if (ProductionRecords > 0)
        {
            OeeExpected = Expected;
            OeePlanned = Planned;
            OeeUnplanned = Unplanned;
        }
    }

    private static double Seconds(long ticks) => (double)ticks / TimeSpan.TicksPerSecond;

    private static double? Availability(long expected, long planned, long unplanned) =>
        expected - planned > 0 ? (double)(expected - planned - unplanned) / (expected - planned) : null;

    public AnalyticsKpis ToKpis()
    {
        var uptime = Expected - Planned - Unplanned;
        var byPriority = new List<MttaFigure>(Priorities);
        double ackTotal = 0;
        int ackCount = 0, unackCount = 0;
        for (var p = 0; p < Priorities; p++)
        {
            byPriority.Add(new MttaFigure((TicketPriority)p, Acknowledged[p] + Unacknowledged[p], Unacknowledged[p],
                Acknowledged[p] > 0 ? AckSeconds[p] / Acknowledged[p] : null));
            ackTotal += AckSeconds[p];
            ackCount += Acknowledged[p];
            unackCount += Unacknowledged[p];
        }
        OeeFigures? oee = null;
        if (ProductionRecords > 0)
        {
            var availability = Availability(OeeExpected, OeePlanned, OeeUnplanned);
            double? performance = RunSecondsWithIdeal > 0 ? IdealSeconds / RunSecondsWithIdeal : null;
            double? quality = Good + Scrap > 0 ? (double)Good / (Good + Scrap) : null;
            oee = new OeeFigures(availability, performance, quality, availability * performance * quality,
                Good, Scrap, RunSeconds, IdealSeconds, ProductionRecords);
        }
        return new AnalyticsKpis(
            Basis: AnyCalendar && AnyAllDay ? ExpectedBasis.Mixed : AnyCalendar ? ExpectedBasis.Calendar : ExpectedBasis.AllDay,
            ExpectedSeconds: Seconds(Expected),
            PlannedDowntimeSeconds: Seconds(Planned),
            UnplannedDowntimeSeconds: Seconds(Unplanned),
            UptimeSeconds: Seconds(uptime),
            Failures: Failures,
            FailureDowntimeSeconds: Seconds(FailureDowntime),
            MicroStops: MicroStops,
            MicroStopSeconds: Seconds(MicroStopTicks),
            MttrSeconds: Failures > 0 ? Seconds(FailureDowntime) / Failures : null,
            MtbfSeconds: Failures > 0 ? Seconds(uptime) / Failures : null,
            Availability: Availability(Expected, Planned, Unplanned),
            Mtta: new MttaFigure(null, ackCount + unackCount, unackCount, ackCount > 0 ? ackTotal / ackCount : null),
            MttaByPriority: byPriority,
            Oee: oee);
    }

    public IReadOnlyList<AnalyticsDay> ToDays(DateOnly firstDay)
    {
        var days = new AnalyticsDay[DayExpected.Length];
        for (var d = 0; d < days.Length; d++)
        {
            var uptime = DayExpected[d] - DayPlanned[d] - DayUnplanned[d];
            days[d] = new AnalyticsDay(firstDay.AddDays(d), Seconds(DayExpected[d]), Seconds(DayPlanned[d]), Seconds(DayUnplanned[d]),
                Seconds(uptime), DayFailures[d], Seconds(DayFailureDowntime[d]), Availability(DayExpected[d], DayPlanned[d], DayUnplanned[d]));
        }
        return days;
    }
}
