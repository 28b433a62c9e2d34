using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Telemetry;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Maintenance;

/// <summary>
/// The database sink of the MQTT batch writer (ADR 0031): each (machine, seq) stored once however often it comes,
/// states into downtime, counters into per-shift production records, and the feed's figures on the machine row.
/// </summary>
public sealed class MachineTelemetryStoreTests
{
    private static readonly DateTimeOffset T0 = MaintenanceTestData.T0;

    private static TelemetryMessage Status(string code, long seq, int minutes, ReportedState state) =>
        TelemetryMessage.Status(code, seq, T0.AddMinutes(minutes), T0.AddMinutes(minutes), state);

    private static TelemetryMessage Counters(string code, long seq, int minutes, long good, long scrap = 0, long run = 0) =>
        TelemetryMessage.Production(code, seq, T0.AddMinutes(minutes), T0.AddMinutes(minutes), new ProductionCounters(good, scrap, run, null));

    private static async Task<(CoreHost Host, int Machine, string Code)> StartAsync(string provider, StateFeed feed = StateFeed.Telemetry)
    {
        var host = await CoreHost.StartAsync(provider, new FakeTimeProvider(T0.AddHours(2)));
        await using var db = await host.DbAsync();
        var machine = (await MaintenanceTestData.MachinesAsync(db, 1, openTicketOnDown: false, feed: feed))[0];
        var code = (await db.Machines.SingleAsync(m => m.Id == machine)).Code;
        return (host, machine, code);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task ABatchStoredTwice_IsStoredOnce_ItsStatesMakeDowntime_AndItsCountersAddUpOnce(string provider)
    {
        var (host, machine, code) = await StartAsync(provider);
        await using var _ = host;
        var store = host.Get<MachineTelemetryStore>();
        IReadOnlyList<TelemetryMessage> batch =
        [
            Status(code, 1, 0, ReportedState.Running), Counters(code, 2, 0, good: 100, run: 600),
            Status(code, 3, 5, ReportedState.Down), Counters(code, 4, 5, good: 130, scrap: 2, run: 900),
            Status(code, 5, 30, ReportedState.Down), Status(code, 6, 40, ReportedState.Running), Counters(code, 7, 41, good: 150, scrap: 3, run: 960),
        ];

        await store.StoreAsync(batch, CancellationToken.None);
        await store.StoreAsync(batch, CancellationToken.None);
        await store.StoreAsync([batch[3], batch[6]], CancellationToken.None);

        await using var db = await host.DbAsync();
        var events = await db.MachineEvents.Where(e => e.MachineId == machine && e.Seq != null).OrderBy(e => e.Seq).ToListAsync();
        events.Select(e => e.Seq).Should().Equal(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        events.Select(e => e.Kind).Should().Equal(MachineEventKind.State, MachineEventKind.Production, MachineEventKind.State, MachineEventKind.Production,
            MachineEventKind.Heartbeat, MachineEventKind.State, MachineEventKind.Production);
        var period = await db.DowntimePeriods.SingleAsync(p => p.MachineId == machine);
        (period.StartAt, period.EndAt, period.Kind).Should().Be((T0.AddMinutes(5).UtcDateTime, T0.AddMinutes(40).UtcDateTime, DowntimeKind.Unplanned));
        var record = await db.ProductionRecords.SingleAsync(r => r.MachineId == machine);
        (record.Good, record.Scrap, record.RunSeconds, record.Source, record.Shift).Should().Be((50, 3, 360, ProductionSource.Telemetry, ProductionShifts.AllDay),
            "the first counters are the base; the deltas after them are counted once");
        var row = await db.Machines.SingleAsync(m => m.Id == machine);
        (row.State, row.StateSource, row.LastSeq, row.SequenceGaps, row.LastDataAt).Should().Be(
            (MachineState.Running, StateSource.Telemetry, 7L, 0, T0.AddMinutes(41).UtcDateTime));
    }

    [Fact]
    public async Task ACounterReset_CountsFromZero_AGapIsCounted_AndALateMessageIsStoredWithoutUndoingAnything()
    {
        var (host, machine, code) = await StartAsync("Sqlite");
        await using var _ = host;
        var store = host.Get<MachineTelemetryStore>();

        await store.StoreAsync([Counters(code, 10, 0, good: 500), Counters(code, 11, 1, good: 520)], CancellationToken.None);
        await store.StoreAsync([Counters(code, 20, 2, good: 7), Status(code, 21, 3, ReportedState.Down)], CancellationToken.None);
        await store.StoreAsync([Status(code, 15, 2, ReportedState.Running), Counters(code, 16, 2, good: 515)], CancellationToken.None);

        await using var db = await host.DbAsync();
        (await db.ProductionRecords.SingleAsync(r => r.MachineId == machine)).Good.Should().Be(27, "20 before the reset, then 7 counted from zero; the late 515 changes nothing");
        var row = await db.Machines.SingleAsync(m => m.Id == machine);
        (row.State, row.LastSeq, row.SequenceGaps).Should().Be((MachineState.Down, 21L, 1));
        (await db.MachineEvents.CountAsync(e => e.MachineId == machine && e.Seq != null)).Should().Be(6, "the late messages are stored too, once");
    }

    [Fact]
    public async Task AfterARestart_TheBaseIsReadBack_SoNothingIsCountedTwice()
    {
        var (host, machine, code) = await StartAsync("Sqlite");
        await using var _ = host;
        await host.Get<MachineTelemetryStore>().StoreAsync([Counters(code, 1, 0, good: 100), Counters(code, 2, 1, good: 110)], CancellationToken.None);
        var restarted = new MachineTelemetryStore(host.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<OpsConsole.Core.Shared.Data.OpsDbContext>>(),
            host.Get<MachineStates>(), host.Get<MaintenanceOptions>(), host.Get<TimeProvider>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<MachineTelemetryStore>.Instance);

        await restarted.StoreAsync([Counters(code, 2, 1, good: 110), Counters(code, 3, 2, good: 125)], CancellationToken.None);

        await using var db = await host.DbAsync();
        (await db.ProductionRecords.SingleAsync(r => r.MachineId == machine)).Good.Should().Be(25);
    }

    [Fact]
    public async Task AnImportedRecord_IsLeftAsItIs_AndCountersLandInTheShiftOfTheirMoment()
    {
        var (host, machine, code) = await StartAsync("Sqlite");
        await using var _ = host;
        DateOnly day = DateOnly.FromDateTime(T0.UtcDateTime);
        await using (var db = await host.DbAsync())
        {
            // T0 is 06:00 UTC, 07:00 in Berlin: inside the early shift (06:00–14:00 local), every day.
            var calendar = new ShiftCalendar
            {
                Name = "Two shifts", TimeZone = "Europe/Berlin", Version = 1,
                Shifts = [new CalendarShift { Name = "Early", Days = 0b1111111, StartMinute = 6 * 60, DurationMinutes = 8 * 60 },
                          new CalendarShift { Name = "Night", Days = 0b1111111, StartMinute = 22 * 60, DurationMinutes = 8 * 60 }],
            };
            db.ShiftCalendars.Add(calendar);
            await db.SaveChangesAsync();
            var row = await db.Machines.SingleAsync(m => m.Id == machine);
            row.CalendarId = calendar.Id;
            db.ProductionRecords.Add(new ProductionRecord { MachineId = machine, Date = day, Shift = "Early", Good = 999, Source = ProductionSource.Import });
            await db.SaveChangesAsync();
        }
        var store = host.Get<MachineTelemetryStore>();

        // 06:00 → 06:30 UTC is early shift; 22:30 UTC (23:30 local) is the night shift that started that day at 22:00 local;
        // 23:30 UTC (00:30 local the next day) is still that night shift, dated by its start.
        await store.StoreAsync([Counters(code, 1, 0, good: 0), Counters(code, 2, 30, good: 40)], CancellationToken.None);
        await store.StoreAsync([Counters(code, 3, 16 * 60 + 30, good: 50), Counters(code, 4, 17 * 60 + 30, good: 65)], CancellationToken.None);

        await using var read = await host.DbAsync();
        var records = await read.ProductionRecords.Where(r => r.MachineId == machine).OrderBy(r => r.Id).ToListAsync();
        records.Select(r => (r.Date, r.Shift, r.Good, r.Source)).Should().Equal(
            (day, "Early", 999, ProductionSource.Import),
            (day, "Night", 25, ProductionSource.Telemetry));
        records[1].PlannedSeconds.Should().Be(8 * 3600);
    }

    [Fact]
    public async Task AManualMachine_KeepsItsState_ButItsDataAgeMoves_AndAnUnknownMachineIsDroppedAndCounted()
    {
        var (host, machine, code) = await StartAsync("Sqlite", StateFeed.Manual);
        await using var _ = host;
        var store = host.Get<MachineTelemetryStore>();

        await store.StoreAsync([Status(code, 1, 0, ReportedState.Down), Status("NOPE-1", 1, 0, ReportedState.Down)], CancellationToken.None);

        await using var db = await host.DbAsync();
        var row = await db.Machines.SingleAsync(m => m.Id == machine);
        (row.State, row.LastDataAt, row.LastSeq).Should().Be((MachineState.Idle, T0.UtcDateTime, 1L));
        (await db.MachineEvents.SingleAsync(e => e.MachineId == machine && e.Seq == 1)).Kind.Should().Be(MachineEventKind.Heartbeat);
        (await db.DowntimePeriods.AnyAsync()).Should().BeFalse();
        store.UnknownMachineMessages.Should().Be(1);
    }

    [Fact]
    public async Task TwoConsolesStoringTheSameBatchAtOnce_StoreEachMessageOnce()
    {
        var (host, machine, code) = await StartAsync("PostgreSql");
        await using var _ = host;
        var batch = Enumerable.Range(1, 200).Select(i => i % 2 == 0 ? Counters(code, i, i, good: i) : Status(code, i, i, i % 4 == 1 ? ReportedState.Running : ReportedState.Idle)).ToList();
        MachineTelemetryStore AnotherConsole() => new(host.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<OpsConsole.Core.Shared.Data.OpsDbContext>>(),
            host.Get<MachineStates>(), host.Get<MaintenanceOptions>(), host.Get<TimeProvider>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<MachineTelemetryStore>.Instance);

        await Task.WhenAll(AnotherConsole().StoreAsync(batch, CancellationToken.None), AnotherConsole().StoreAsync(batch, CancellationToken.None));

        await using var db = await host.DbAsync();
        (await db.MachineEvents.CountAsync(e => e.MachineId == machine && e.Seq != null)).Should().Be(200);
        (await db.Machines.SingleAsync(m => m.Id == machine)).LastSeq.Should().Be(200);
    }
}

/// <summary>Raw telemetry is kept for `telemetry_retention_days`; what was made of it stays.</summary>
public sealed class MachineTelemetryRetentionTests
{
    private static readonly DateTimeOffset T0 = MaintenanceTestData.T0;

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task HeartbeatsAndCountersPastTheRetention_AreDeleted_StatesPeriodsAndProductionStay(string provider)
    {
        var clock = new FakeTimeProvider(T0.AddHours(2));
        await using var host = await CoreHost.StartAsync(provider, clock);
        int machine;
        string code;
        await using (var db = await host.DbAsync())
        {
            machine = (await MaintenanceTestData.MachinesAsync(db, 1, openTicketOnDown: false, feed: StateFeed.Telemetry))[0];
            code = (await db.Machines.SingleAsync(m => m.Id == machine)).Code;
        }
        var old = T0;
        var recent = T0.AddDays(40);
        TelemetryMessage At(DateTimeOffset at, long seq, ReportedState? state = null, long good = 0) => state is { } s
            ? TelemetryMessage.Status(code, seq, at, at, s)
            : TelemetryMessage.Production(code, seq, at, at, new ProductionCounters(good, 0, 0, null));
        var store = host.Get<MachineTelemetryStore>();
        await store.StoreAsync(
        [
            At(old, 1, ReportedState.Down), At(old.AddMinutes(1), 2, ReportedState.Down), At(old.AddMinutes(2), 3, good: 10), At(old.AddMinutes(3), 4, good: 20),
            At(old.AddMinutes(30), 5, ReportedState.Running),
        ], CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(40));
        await store.StoreAsync([At(recent, 6, ReportedState.Running), At(recent.AddMinutes(1), 7, good: 30)], CancellationToken.None);

        var deleted = await host.Get<MachineTelemetryRetention>().PruneAsync();

        deleted.Should().Be(3, "the old heartbeat and the two old counters; the default retention is 30 days");
        await using var check = await host.DbAsync();
        var left = await check.MachineEvents.Where(e => e.MachineId == machine && e.Seq != null).OrderBy(e => e.Seq).Select(e => new { e.Seq, e.Kind }).ToListAsync();
        left.Select(e => e.Seq).Should().Equal(1L, 5L, 6L, 7L);
        left.Select(e => e.Kind).Should().Equal(MachineEventKind.State, MachineEventKind.State, MachineEventKind.Heartbeat, MachineEventKind.Production);
        (await check.DowntimePeriods.CountAsync(p => p.MachineId == machine)).Should().Be(1);
        (await check.ProductionRecords.Where(r => r.MachineId == machine).SumAsync(r => r.Good)).Should().Be(20, "10 → 20 → 30 after the base of 10");
        (await host.Get<MachineTelemetryRetention>().PruneAsync()).Should().Be(0);
    }
}
