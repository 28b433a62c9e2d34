using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Maintenance;

/// <summary>Machine states open and close downtime periods; a flapping machine gets one ticket; periods are entered and corrected by people.</summary>
public sealed class DowntimeTests
{
    private static DateTime T(int minutes, int seconds = 0) => MaintenanceTestData.T0.UtcDateTime.AddMinutes(minutes).AddSeconds(seconds);

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task GoingDown_OpensOnePeriod_RunningClosesIt_AndTheDatabaseRefusesASecondOpenOne(string provider)
    {
        var clock = new FakeTimeProvider(MaintenanceTestData.T0.AddHours(1));
        await using var host = await CoreHost.StartAsync(provider, clock);
        int machine;
        await using (var db = await host.DbAsync())
        {
            machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        }
        var states = host.Get<MachineStates>();

        var down = (await states.SetStateAsync(machine, MachineState.Down, StateSource.Telemetry, T(0))).Value!;
        (await states.SetStateAsync(machine, MachineState.Down, StateSource.Telemetry, T(1))).Value!.Ignored.Should().Contain("already down");
        var up = (await states.SetStateAsync(machine, MachineState.Running, StateSource.Telemetry, T(10))).Value!;

        down.PeriodsOpened.Should().ContainSingle();
        up.PeriodsClosed.Should().Equal(down.PeriodsOpened);
        await using (var db = await host.DbAsync())
        {
            var period = await db.DowntimePeriods.SingleAsync();
            (period.StartAt, period.EndAt, period.Kind, period.MicroStop, period.OpenMachineId).Should().Be((T(0), T(10), DowntimeKind.Unplanned, false, (int?)null));
            db.DowntimePeriods.Add(new DowntimePeriod { MachineId = machine, StartAt = T(20), OpenMachineId = machine, Kind = DowntimeKind.Unplanned });
            db.DowntimePeriods.Add(new DowntimePeriod { MachineId = machine, StartAt = T(21), OpenMachineId = machine, Kind = DowntimeKind.Unplanned });
            var twoOpen = () => db.SaveChangesAsync();
            await twoOpen.Should().ThrowAsync<DbUpdateException>("one open period per machine is held by a unique index");
        }
    }

    [Fact]
    public async Task ALateReport_DoesNotUndoANewerState()
    {
        await using var host = await CoreHost.StartAsync(time: new FakeTimeProvider(MaintenanceTestData.T0.AddHours(1)));
        await using var db = await host.DbAsync();
        var machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        var states = host.Get<MachineStates>();
        await states.SetStateAsync(machine, MachineState.Down, StateSource.Telemetry, T(5));

        var late = (await states.SetStateAsync(machine, MachineState.Running, StateSource.Telemetry, T(4))).Value!;

        late.Changed.Should().BeFalse();
        late.Ignored.Should().Contain("older");
    }

    [Fact]
    public async Task AMachineFlappingFiftyTimesInAMinute_GetsOneTicket_AndCountsMicroStops()
    {
        var clock = new FakeTimeProvider(MaintenanceTestData.T0);
        await using var host = await CoreHost.StartAsync(time: clock);
        int machine;
        await using (var db = await host.DbAsync())
        {
            machine = (await MaintenanceTestData.MachinesAsync(db, 1, openTicketOnDown: true))[0];
        }
        var states = host.Get<MachineStates>();
        for (var i = 0; i < 50; i++)
        {
            await states.SetStateAsync(machine, MachineState.Down, StateSource.Telemetry, T(0, i));
            await states.SetStateAsync(machine, MachineState.Running, StateSource.Telemetry, T(0, i).AddMilliseconds(500));
        }
        // Then a real stop, twice, past the micro-stop threshold (120 s), with the job that opens due tickets in between.
        await states.SetStateAsync(machine, MachineState.Down, StateSource.Telemetry, T(2));
        clock.SetUtcNow(MaintenanceTestData.T0.AddMinutes(10));
        (await states.OpenDueFailureTicketsAsync()).Should().ContainSingle();
        (await states.OpenDueFailureTicketsAsync()).Should().BeEmpty("the period has its ticket");
        await states.SetStateAsync(machine, MachineState.Running, StateSource.Telemetry, T(10));
        await states.SetStateAsync(machine, MachineState.Down, StateSource.Telemetry, T(11));
        await states.SetStateAsync(machine, MachineState.Running, StateSource.Telemetry, T(20));

        await using var check = await host.DbAsync();
        var periods = await check.DowntimePeriods.AsNoTracking().ToListAsync();
        periods.Should().HaveCount(52);
        periods.Count(p => p.MicroStop).Should().Be(50);
        periods.Where(p => p.MicroStop).Should().OnlyContain(p => p.TicketId == null);
        var tickets = await check.Tickets.AsNoTracking().ToListAsync();
        tickets.Should().ContainSingle().Which.OpenFailureMachineId.Should().Be(machine);
        periods.Where(p => !p.MicroStop).Should().OnlyContain(p => p.TicketId == tickets[0].Id, "several periods link to one ticket");
    }

    [Fact]
    public async Task AStopClosedPastTheThreshold_OpensItsTicketAtOnce_WhenTheJobHadNotRunYet()
    {
        await using var host = await CoreHost.StartAsync(time: new FakeTimeProvider(MaintenanceTestData.T0.AddHours(1)));
        int machine;
        await using (var db = await host.DbAsync())
        {
            machine = (await MaintenanceTestData.MachinesAsync(db, 1, criticality: Criticality.A))[0];
        }
        var states = host.Get<MachineStates>();
        await states.SetStateAsync(machine, MachineState.Down, StateSource.Telemetry, T(0));
        var up = (await states.SetStateAsync(machine, MachineState.Running, StateSource.Telemetry, T(5))).Value!;

        up.Tickets.Should().ContainSingle();
        var ticket = (await host.Get<TicketService>().GetAsync(up.Tickets[0])).Value!;
        ticket.Ticket.Priority.Should().Be(TicketPriority.Critical, "a criticality A machine's stop is critical");
        ticket.Ticket.Origin.Should().Be(TicketOrigin.Downtime);
    }

    [Fact]
    public async Task APeriodEnteredAfterTheFact_IsChecked_AndItsReasonAndKindCorrected()
    {
        await using var host = await CoreHost.StartAsync(time: new FakeTimeProvider(MaintenanceTestData.T0.AddHours(2)));
        int machine;
        await using (var db = await host.DbAsync())
        {
            await MaintenanceTestData.CodesAsync(db);
            machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        }
        var log = host.Get<DowntimeLog>();
        var op = MaintenanceTestData.Operator;

        var bad = await log.AddAsync(op, machine, new NewDowntime("2026-12-01T07:00:00Z", "2026-12-01T06:30:00Z", "sometimes", "nope", null, null));
        bad.Errors.Keys.Should().BeEquivalentTo(["end_at", "kind", "reason_code"]);
        var future = await log.AddAsync(op, machine, new NewDowntime("2026-12-01T07:00:00Z", "2026-12-02T06:30:00Z", null, null, null, null));
        future.Errors["end_at"].Should().ContainMatch("*future*");

        var entered = (await log.AddAsync(op, machine, new NewDowntime("2026-12-01T06:00:00Z", "2026-12-01T06:45:00Z", null, "changeover", "Die change", null))).Value!;
        entered.Kind.Should().Be(DowntimeKind.Planned, "the reason's default kind");
        entered.Origin.Should().Be(DowntimeOrigin.Entered);
        var overlap = await log.AddAsync(op, machine, new NewDowntime("2026-12-01T06:30:00Z", "2026-12-01T07:00:00Z", null, null, null, null));
        overlap.Errors["start_at"].Should().ContainMatch($"*overlaps period {entered.Id}*");

        var corrected = (await log.CorrectAsync(op, entered.Id, new DowntimeCorrection("unplanned", "jam", null, null))).Value!;
        (corrected.Kind, corrected.ReasonCode, corrected.Note).Should().Be((DowntimeKind.Unplanned, "jam", "Die change"));
        await using var check = await host.DbAsync();
        (await check.AuditEntries.CountAsync(e => e.Action == "downtime.correct" && e.Before!.Contains("planned") && e.After!.Contains("jam"))).Should().Be(1);
        (await log.ListAsync(machine, null, null, new PageRequest(1, 50))).Value!.Items.Should().ContainSingle();
    }
}
