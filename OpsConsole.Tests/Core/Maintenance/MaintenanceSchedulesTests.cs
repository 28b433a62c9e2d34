using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Maintenance;

/// <summary>Preventive schedules (ADR 0030): days and usage make them due, one open planned ticket each, disabled ones rest, bad input named.</summary>
public sealed class MaintenanceSchedulesTests
{
    private static readonly DateOnly Day0 = DateOnly.FromDateTime(MaintenanceTestData.T0.UtcDateTime);

    private static async Task<(CoreHost Host, FakeTimeProvider Clock, int Machine)> StartAsync(string provider = "Sqlite")
    {
        var clock = new FakeTimeProvider(MaintenanceTestData.T0);
        var host = await CoreHost.StartAsync(provider, clock);
        await using var db = await host.DbAsync();
        var machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        return (host, clock, machine);
    }

    private static async Task<MaintenanceSchedule> CreateAsync(CoreHost host, int machine, string trigger, long interval, bool enabled = true)
    {
        var result = await host.Get<MaintenanceSchedules>().CreateAsync(MaintenanceTestData.Operator,
            new NewSchedule(machine, "Change the hydraulic oil", "Drain, flush, refill 40 l", "high", trigger, interval, enabled));
        result.Succeeded.Should().BeTrue(result.Describe());
        return result.Value!;
    }

    /// <summary>Sets a machine's record of one date and shift (the import's upsert: the same key is overwritten).</summary>
    private static async Task ProductionAsync(CoreHost host, int machine, DateOnly date, int good, int scrap = 0, int runSeconds = 0, string shift = "A")
    {
        await using var db = await host.DbAsync();
        var record = await db.ProductionRecords.SingleOrDefaultAsync(r => r.MachineId == machine && r.Date == date && r.Shift == shift);
        if (record is null)
        {
            record = new ProductionRecord { MachineId = machine, Date = date, Shift = shift };
            db.ProductionRecords.Add(record);
        }
        (record.Good, record.Scrap, record.RunSeconds, record.Source, record.UpdatedAt) = (good, scrap, runSeconds, ProductionSource.Import, DateTime.UtcNow);
        await db.SaveChangesAsync();
    }

    private static async Task<List<Ticket>> PlannedAsync(CoreHost host)
    {
        await using var db = await host.DbAsync();
        return await db.Tickets.AsNoTracking().Where(t => t.Kind == TicketKind.Planned).OrderBy(t => t.Id).ToListAsync();
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task ADaysSchedule_OpensAPlannedTicketWhenDue_NotAgainWhileOpen_AndCountsAgainFromItsEnd(string provider)
    {
        var (host, clock, machine) = await StartAsync(provider);
        await using var _ = host;
        var schedules = host.Get<MaintenanceSchedules>();
        var schedule = await CreateAsync(host, machine, "days", 7);

        clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        (await schedules.GenerateDueAsync()).Should().BeEmpty("it is due only after 7 days");
        clock.Advance(TimeSpan.FromMinutes(1));
        var opened = await schedules.GenerateDueAsync();

        var ticket = (await PlannedAsync(host)).Should().ContainSingle().Subject;
        opened.Should().Equal(ticket.Id);
        (ticket.Kind, ticket.Origin, ticket.Priority, ticket.Status, ticket.ScheduleId, ticket.Title)
            .Should().Be((TicketKind.Planned, TicketOrigin.Schedule, TicketPriority.High, TicketStatus.Open, (int?)schedule.Id, "Change the hydraulic oil"));
        ticket.Description.Should().StartWith("Drain, flush, refill 40 l").And.Contain($"Planned by schedule #{schedule.Id} (every 7 days; 7 of 7 days");

        clock.Advance(TimeSpan.FromDays(3));
        (await schedules.GenerateDueAsync()).Should().BeEmpty("its planned ticket is still open");
        var tickets = host.Get<TicketService>();
        await tickets.MoveAsync(MaintenanceTestData.Operator, ticket.Id, new TicketStatusChange("in_progress", null));
        await tickets.MoveAsync(MaintenanceTestData.Operator, ticket.Id, new TicketStatusChange("resolved", null));
        var row = (await schedules.GetAsync(schedule.Id)).Value!;
        (row.Schedule.LastDoneAt, row.Schedule.BaselineAt, row.OpenTicketId).Should().Be((clock.GetUtcNow().UtcDateTime, clock.GetUtcNow().UtcDateTime, (long?)null));
        row.Progress.DueAt.Should().Be(clock.GetUtcNow().UtcDateTime.AddDays(7), "the next one counts from when this one was done");

        clock.Advance(TimeSpan.FromDays(6));
        (await schedules.GenerateDueAsync()).Should().BeEmpty();
        clock.Advance(TimeSpan.FromDays(1));
        (await schedules.GenerateDueAsync()).Should().ContainSingle();
        (await PlannedAsync(host)).Should().HaveCount(2);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task ACyclesSchedule_CountsGoodAndScrapRecordedAfterItsBaseline_NotBefore(string provider)
    {
        var (host, clock, machine) = await StartAsync(provider);
        await using var _ = host;
        var schedules = host.Get<MaintenanceSchedules>();
        await ProductionAsync(host, machine, Day0.AddDays(-1), good: 5000);
        await ProductionAsync(host, machine, Day0, good: 900, scrap: 100);
        var schedule = await CreateAsync(host, machine, "cycles", 500);

        await ProductionAsync(host, machine, Day0, good: 1150, scrap: 150);
        var row = (await schedules.GetAsync(schedule.Id)).Value!;
        (row.Progress.Used, row.Progress.Text, row.Progress.Due).Should().Be((300d, "300 of 500 cycles", false), "only today's growth since the baseline counts");
        (await schedules.GenerateDueAsync()).Should().BeEmpty();

        clock.Advance(TimeSpan.FromDays(1));
        await ProductionAsync(host, machine, Day0.AddDays(1), good: 190, scrap: 10);
        (await schedules.GenerateDueAsync()).Should().ContainSingle("300 + 200 cycles reach 500");
        (await PlannedAsync(host)).Single().Description.Should().Contain("500 of 500 cycles");
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task ARunHoursSchedule_CountsRunSeconds_AndStartsAgainFromTheTicketsEnd(string provider)
    {
        var (host, clock, machine) = await StartAsync(provider);
        await using var _ = host;
        var schedules = host.Get<MaintenanceSchedules>();
        var schedule = await CreateAsync(host, machine, "run_hours", 10);
        await ProductionAsync(host, machine, Day0, good: 1, runSeconds: 9 * 3600);
        (await schedules.GetAsync(schedule.Id)).Value!.Progress.Text.Should().Be("9 of 10 h");
        await ProductionAsync(host, machine, Day0, good: 1, runSeconds: 10 * 3600);
        var ticket = (await schedules.GenerateDueAsync()).Should().ContainSingle().Subject;

        await ProductionAsync(host, machine, Day0, good: 1, runSeconds: 12 * 3600);
        (await schedules.GetAsync(schedule.Id)).Value!.Progress.Text.Should().Be("12 of 10 h", "usage keeps counting while the ticket is open");
        await host.Get<TicketService>().MoveAsync(MaintenanceTestData.Operator, ticket, new TicketStatusChange("cancelled", "Done during the shutdown"));

        var row = (await schedules.GetAsync(schedule.Id)).Value!;
        (row.Progress.Used, row.Schedule.LastDoneAt).Should().Be((0d, (DateTime?)null), "a cancelled ticket is skipped work: counting starts again, nothing was done");
        await ProductionAsync(host, machine, Day0, good: 1, runSeconds: 15 * 3600);
        (await schedules.GetAsync(schedule.Id)).Value!.Progress.Text.Should().Be("3 of 10 h");
        (await schedules.GenerateDueAsync()).Should().BeEmpty();
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task TwoGeneratorsAtOnce_OpenOneTicket_AndTheDatabaseRefusesASecondOpenOne(string provider)
    {
        var (host, clock, machine) = await StartAsync(provider);
        await using var _ = host;
        var schedules = host.Get<MaintenanceSchedules>();
        var schedule = await CreateAsync(host, machine, "days", 1);
        clock.Advance(TimeSpan.FromDays(2));
        ThreadPool.SetMinThreads(16, 16);

        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => schedules.GenerateDueAsync())));

        runs.SelectMany(r => r).Should().ContainSingle();
        var open = (await PlannedAsync(host)).Should().ContainSingle().Subject;
        await using var db = await host.DbAsync();
        db.Tickets.Add(new Ticket
        {
            Title = "A second one", MachineId = machine, Kind = TicketKind.Planned, Origin = TicketOrigin.Schedule, ReportedBy = "test",
            ScheduleId = schedule.Id, OpenScheduleId = schedule.Id, Version = 1,
        });
        var second = () => db.SaveChangesAsync();
        await second.Should().ThrowAsync<DbUpdateException>("one open planned ticket per schedule is held by a unique index");
        open.OpenScheduleId.Should().Be(schedule.Id);
    }

    [Fact]
    public async Task ADisabledSchedule_OpensNothing_AndAReopenedTicketTakesItsPlaceBack()
    {
        var (host, clock, machine) = await StartAsync();
        await using var _ = host;
        var schedules = host.Get<MaintenanceSchedules>();
        await CreateAsync(host, machine, "days", 1, enabled: false);
        var enabled = await CreateAsync(host, machine, "days", 2);
        var disabled = (await schedules.EditAsync(MaintenanceTestData.Operator, enabled.Id, new ScheduleEdit(1, null, null, null, null, null, false))).Value!;
        disabled.Version.Should().Be(2);
        clock.Advance(TimeSpan.FromDays(5));
        (await schedules.GenerateDueAsync()).Should().BeEmpty("neither schedule is enabled");

        var ticket = (await schedules.RunNowAsync(MaintenanceTestData.Operator, enabled.Id)).Value!;
        (await schedules.RunNowAsync(MaintenanceTestData.Operator, enabled.Id)).Outcome.Should().Be(OpsOutcome.Conflict);
        var tickets = host.Get<TicketService>();
        await tickets.MoveAsync(MaintenanceTestData.Operator, ticket.Id, new TicketStatusChange("in_progress", null));
        await tickets.MoveAsync(MaintenanceTestData.Operator, ticket.Id, new TicketStatusChange("resolved", null));
        await tickets.MoveAsync(MaintenanceTestData.Operator, ticket.Id, new TicketStatusChange("in_progress", "Still leaking"));
        (await schedules.GetAsync(enabled.Id)).Value!.OpenTicketId.Should().Be(ticket.Id, "a reopened planned ticket is its schedule's open one again");
        (await schedules.RunNowAsync(MaintenanceTestData.Operator, enabled.Id)).Outcome.Should().Be(OpsOutcome.Conflict);
    }

    [Fact]
    public async Task BadInput_IsRefusedNamingTheField()
    {
        var (host, _, machine) = await StartAsync();
        await using var __ = host;
        var schedules = host.Get<MaintenanceSchedules>();
        var op = MaintenanceTestData.Operator;
        async Task<IReadOnlyDictionary<string, string[]>> Create(long? m, string? title, string? trigger, long? interval, string? priority = null) =>
            (await schedules.CreateAsync(op, new NewSchedule(m, title, null, priority, trigger, interval, null))).Errors;

        (await Create(machine, "Oil", "days", 0)).Should().ContainKey("interval");
        (await Create(machine, "Oil", "days", -5)).Should().ContainKey("interval");
        (await Create(machine, "Oil", "days", 3651))["interval"].Single().Should().Contain("at most 3,650 days");
        (await Create(machine, "Oil", "run_hours", 200_000)).Should().ContainKey("interval");
        (await Create(machine, "Oil", "weeks", 3)).Should().ContainKey("trigger");
        (await Create(machine, "Oil", null, 3)).Should().ContainKey("trigger");
        (await Create(machine, " ", "days", 3)).Should().ContainKey("title");
        (await Create(machine, "Oil", "days", 3, "urgent")).Should().ContainKey("priority");
        (await Create(99_999, "Oil", "days", 3))["machine_id"].Single().Should().Contain("not a known machine");
        (await Create(null, "Oil", "days", null)).Keys.Should().BeEquivalentTo(["machine_id", "interval"]);

        var schedule = await CreateAsync(host, machine, "days", 30);
        (await schedules.EditAsync(op, schedule.Id, new ScheduleEdit(1, null, null, null, "cycles", null, null))).Errors.Should().ContainKey("interval");
        (await schedules.EditAsync(op, schedule.Id, new ScheduleEdit(null, "x", null, null, null, null, null))).Errors.Should().ContainKey("version");
        (await schedules.EditAsync(op, schedule.Id, new ScheduleEdit(1, "Grease", null, null, null, null, null))).Succeeded.Should().BeTrue();
        var stale = await schedules.EditAsync(op, schedule.Id, new ScheduleEdit(1, "Grease again", null, null, null, null, null));
        (stale.Outcome, stale.Details!["version"]).Should().Be((OpsOutcome.Conflict, (object?)2));
        (await schedules.EditAsync(op, 12345, new ScheduleEdit(1, "x", null, null, null, null, null))).Outcome.Should().Be(OpsOutcome.NotFound);
        await using var db = await host.DbAsync();
        (await db.AuditEntries.Where(a => a.Module == "maintenance").Select(a => a.Action).ToListAsync()).Should().Equal("schedule.create", "schedule.edit");
    }
}
