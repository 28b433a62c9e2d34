using System.Diagnostics;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Analytics;

namespace OpsConsole.Bench;

/// <summary>
/// Issue 18's analytics benchmark, the computation's share: one year of 200 machines with 100,000 tickets and the
/// downtime periods and production roll-ups that 1,000,000 machine events turn into at ingest (600,000 state changes
/// → 300,000 periods; 400,000 counter messages → per-shift roll-ups), generated in memory, then
/// <see cref="MaintenanceAnalytics.Compute"/> over the whole year and plant, timed. Reading the rows from the database
/// is not in this figure.
/// </summary>
public static class MaintenanceAnalyticsBench
{
    private const int Machines = 200;
    private const int PeriodsPerMachine = 1_500;
    private const int Tickets = 100_000;
    private static readonly string Zone = "Europe/Berlin";

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var runs = args.Int("runs", 15);
        var input = Generate(out var query, out var summary);
        Console.Error.WriteLine(summary);

        // The first computation of the process pays for the JIT and the time zones' per-year midnight tables.
        var cold = Stopwatch.StartNew();
        MaintenanceAnalytics.Compute(input, query);
        var coldMs = cold.Elapsed.TotalMilliseconds;
        for (var i = 0; i < 2; i++)
        {
            MaintenanceAnalytics.Compute(input, query);
        }
        var process = Process.GetCurrentProcess();
        var times = new List<double>();
        var cpu = new List<double>();
        var allocated = new List<double>();
        AnalyticsReport? report = null;
        for (var i = 0; i < runs; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            report = MaintenanceAnalytics.Compute(input, query);
            watch.Stop();
            process.Refresh();
            times.Add(watch.Elapsed.TotalMilliseconds);
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
            allocated.Add((GC.GetAllocatedBytesForCurrentThread() - before) / 1024.0 / 1024.0);
        }
        times.Sort();
        cpu.Sort();
        allocated.Sort();
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

        var machineDrill = Time(() => MaintenanceAnalytics.DrillDown(input, query, AnalyticsScope.Machine(100)), 10);
        var plantDrill = Time(() => MaintenanceAnalytics.DrillDown(input, query, AnalyticsScope.Plant), 5);
        var plant = report!.Plant.Kpis;
        Console.Error.WriteLine($"plant: expected {plant.ExpectedSeconds / 3600:F0} h, failures {plant.Failures}, micro-stops {plant.MicroStops}, " +
                                $"MTTR {plant.MttrSeconds / 3600:F2} h, MTBF {plant.MtbfSeconds / 3600:F1} h, availability {plant.Availability:P1}, " +
                                $"OEE {plant.Oee?.Oee:P1}, MTTA {plant.Mtta.MeanSeconds / 60:F0} min; {report.Plant.Daily.Count} days");
        var line = ($"{summary}: Compute (every machine, area and the plant, daily series, Paretos, ticket breakdowns) median " +
                          $"{Percentiles.Of(times, 50):F0} ms, best {times[0]:F0} ms, worst {times[^1]:F0} ms of {runs} after 3 warm-ups (target < 500 ms, aim 200 ms), " +
                          $"process CPU time median {Percentiles.Of(cpu, 50):F0} ms, allocating {allocated[0]:F0}–{allocated[^1]:F0} MB; the process's first computation (JIT, time-zone tables) {coldMs:F0} ms; " +
                          $"machine load average {load} on {Environment.ProcessorCount} cores at the end; drill-down of one machine median {machineDrill:F0} ms, " +
                          $"of the whole plant (every period listed) median {plantDrill:F0} ms; in memory, without the database read");
        // The same year through the database (--database 0 leaves it out).
        if (args.Int("database", 1) == 1)
        {
            line += $"; then {await MaintenanceAnalyticsDatabaseBench.RunAsync(args)}";
        }
        Console.WriteLine(line);
        return 0;
    }

    private static double Time(Func<object> action, int runs)
    {
        action();
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return Percentiles.Of(times, 50);
    }

    internal static AnalyticsInput GenerateForProfile(out AnalyticsQuery query) => Generate(out query, out _);

    private static AnalyticsInput Generate(out AnalyticsQuery query, out string summary)
    {
        var random = new Random(18);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zone);
        var from = ExpectedTime.ToUtc(new DateTime(2026, 1, 1), zone);
        var to = ExpectedTime.ToUtc(new DateTime(2027, 1, 1), zone);
        query = new AnalyticsQuery(from, to, to.AddDays(3), Zone, 120);

        const int weekdays = 0b0111110;
        var twoShifts = new AnalyticsCalendar(1, Zone, [new AnalyticsShift(weekdays, 6 * 60, 8 * 60), new AnalyticsShift(weekdays, 14 * 60, 8 * 60)]);
        var threeShifts = new AnalyticsCalendar(2, Zone,
            [new AnalyticsShift(127, 6 * 60, 8 * 60), new AnalyticsShift(127, 14 * 60, 8 * 60), new AnalyticsShift(127, 22 * 60, 8 * 60)]);
        var machines = new List<AnalyticsMachine>(Machines);
        for (var m = 1; m <= Machines; m++)
        {
            var calendar = m <= 60 ? null : m <= 140 ? twoShifts : threeShifts;
            machines.Add(new AnalyticsMachine(m, $"M{m:D3}", (m - 1) % 10 + 1, $"Area {(m - 1) % 10 + 1}", calendar));
        }

        // State changes become periods: down (or maintenance) opens one, running closes it.
        var periods = new List<AnalyticsPeriod>(Machines * PeriodsPerMachine);
        var yearTicks = (to - from).Ticks;
        var meanCycle = yearTicks / PeriodsPerMachine;
        long periodId = 0;
        foreach (var machine in machines)
        {
            var at = from.AddMinutes(random.Next(0, 600));
            for (var i = 0; i < PeriodsPerMachine && at < to; i++)
            {
                var roll = random.NextDouble();
                var (kind, seconds) = roll switch
                {
                    < 0.55 => (DowntimeKind.Unplanned, random.Next(10, 110)),
                    < 0.90 => (DowntimeKind.Unplanned, (int)Math.Min(4 * 3600, 300 + random.NextDouble() * random.NextDouble() * 4 * 3600)),
                    < 0.98 => (DowntimeKind.Planned, random.Next(1800, 4 * 3600)),
                    _ => (DowntimeKind.Excluded, random.Next(600, 3600)),
                };
                var end = at.AddSeconds(seconds);
                var open = end >= to;
                // A few periods entered after the fact overlap the one before (merged, not double-counted).
                var start = random.NextDouble() < 0.01 && i > 0 ? at.AddMinutes(-random.Next(1, 30)) : at;
                periods.Add(new AnalyticsPeriod(++periodId, machine.Id, start, open ? null : end, kind, null,
                    $"R{random.Next(1, 25):D2}"));
                at = end.AddTicks((long)(-Math.Log(1 - random.NextDouble()) * meanCycle));
            }
        }

        // Tickets: corrective ones linked to the longer unplanned stops (a flapping machine links a few stops to one
        // ticket), planned ones to planned stops, the rest reported by people.
        var tickets = new List<AnalyticsTicket>(Tickets);
        var failureCodes = Enumerable.Range(1, 30).Select(i => $"F{i:D2}").ToArray();
        for (var p = 0; p < periods.Count && tickets.Count < Tickets; p++)
        {
            var period = periods[p];
            var isFailure = period.Kind == DowntimeKind.Unplanned && (period.End ?? to) - period.Start >= TimeSpan.FromMinutes(2);
            var isPlanned = period.Kind == DowntimeKind.Planned;
            if (!isFailure && !isPlanned || random.NextDouble() < 0.2)
            {
                continue;
            }
            if (isFailure && tickets.Count > 0 && tickets[^1].MachineId == period.MachineId && random.NextDouble() < 0.1)
            {
                periods[p] = period with { TicketId = tickets[^1].Id };
                continue;
            }
            tickets.Add(NewTicket(random, tickets.Count + 1, period.MachineId, period.Start, isPlanned ? TicketKind.Planned : TicketKind.Corrective, failureCodes, to));
            periods[p] = period with { TicketId = tickets.Count };
        }
        while (tickets.Count < Tickets)
        {
            var created = from.AddTicks((long)(random.NextDouble() * yearTicks));
            tickets.Add(NewTicket(random, tickets.Count + 1, random.Next(1, Machines + 1), created, TicketKind.Corrective, failureCodes, to));
        }

        // Counter messages roll up per machine, plant-local date and shift.
        var production = new List<AnalyticsProduction>();
        for (var day = DateOnly.FromDateTime(new DateTime(2026, 1, 1)); day.Year == 2026; day = day.AddDays(1))
        {
            foreach (var machine in machines)
            {
                var shifts = machine.Calendar is null ? 3 : machine.Calendar.Shifts.Count(s => s.StartsOn(day.DayOfWeek));
                var ideal = 20 + machine.Id % 40;
                for (var s = 0; s < shifts; s++)
                {
                    var run = 28_800 - random.Next(0, 7_200);
                    var parts = (long)(run / (ideal * (1 + random.NextDouble() * 0.3)));
                    var scrap = (long)(parts * random.NextDouble() * 0.05);
                    production.Add(new AnalyticsProduction(machine.Id, day, s switch { 0 => "early", 1 => "late", _ => "night" },
                        parts - scrap, scrap, run, 28_800, ideal));
                }
            }
        }
        summary = $"1 year (Europe/Berlin), {Machines} machines in 10 areas (60 without a calendar, 80 on two shifts, 60 on three), " +
                  $"{periods.Count:N0} periods (from {2 * periods.Count:N0} state events), {production.Count:N0} production roll-ups " +
                  $"(from {1_000_000 - 2 * periods.Count:N0} counter events), {tickets.Count:N0} tickets";
        return new AnalyticsInput(machines, periods, tickets, production);
    }

    private static AnalyticsTicket NewTicket(Random random, long id, int machineId, DateTime created, TicketKind kind, string[] codes, DateTime end)
    {
        var roll = random.NextDouble();
        var status = roll switch
        {
            < 0.03 => TicketStatus.Cancelled,
            < 0.90 => TicketStatus.Closed,
            < 0.95 => TicketStatus.Resolved,
            < 0.97 => TicketStatus.OnHold,
            < 0.99 => TicketStatus.InProgress,
            _ => TicketStatus.Open,
        };
        DateTime? started = status == TicketStatus.Open ? null : created.AddMinutes(1 + random.NextDouble() * random.NextDouble() * 240);
        DateTime? resolved = status is TicketStatus.Resolved or TicketStatus.Closed ? started!.Value.AddHours(random.NextDouble() * 6) : null;
        return new AnalyticsTicket(id, machineId, kind, (TicketPriority)random.Next(0, 4), status, created, started,
            resolved > end ? end : resolved, kind == TicketKind.Corrective && random.NextDouble() < 0.8 ? codes[random.Next(codes.Length)] : null);
    }
}
