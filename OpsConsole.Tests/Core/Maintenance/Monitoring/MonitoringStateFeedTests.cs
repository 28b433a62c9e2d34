using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Monitoring;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Maintenance.Monitoring;

/// <summary>Machines fed by the monitoring upstream take its mapped state; nothing else does, and an unusable answer changes nothing.</summary>
public sealed class MonitoringStateFeedTests
{
    private sealed class FixedSnapshots(MonitoringSnapshot snapshot) : IMonitoringSnapshots
    {
        public Task<MonitoringSnapshot> SnapshotAsync(CancellationToken ct = default) => Task.FromResult(snapshot);
    }

    [Fact]
    public async Task AMonitoringFedMachine_TakesTheUpstreamState_FromItsSince_AndOpensItsPeriod_OthersAreLeftAlone()
    {
        var clock = new FakeTimeProvider(MaintenanceTestData.T0.AddHours(1));
        await using var host = await CoreHost.StartAsync(time: clock);
        List<int> machines;
        List<string> codes;
        await using (var db = await host.DbAsync())
        {
            machines = (await MaintenanceTestData.MachinesAsync(db, 4, openTicketOnDown: false, feed: StateFeed.Monitoring)).ToList();
            var telemetry = await db.Machines.SingleAsync(m => m.Id == machines[3]);
            telemetry.Feed = StateFeed.Telemetry;
            await db.SaveChangesAsync();
            codes = await db.Machines.OrderBy(m => m.Id).Select(m => m.Code).ToListAsync();
        }
        var since = MaintenanceTestData.T0.UtcDateTime.AddMinutes(30);
        var snapshot = MonitoringSnapshot.Read(clock.GetUtcNow().UtcDateTime,
        [
            new MonitoredMachine(codes[0], null, "DOWN", since),
            new MonitoredMachine(codes[1], null, "SOMETHING_NEW", since),
            new MonitoredMachine(codes[2], null, "NOT_MONITORED", since),
            new MonitoredMachine(codes[3], null, "DOWN", since),
        ]);
        var feed = new MonitoringStateFeed(host.Get<IDbContextFactory<OpsConsole.Core.Shared.Data.OpsDbContext>>(), new FixedSnapshots(snapshot),
            host.Get<MachineStates>(), clock);

        (await feed.ApplyAsync()).Should().Be(1);
        (await feed.ApplyAsync()).Should().Be(0, "it is down already");

        await using var check = await host.DbAsync();
        var states = await check.Machines.OrderBy(m => m.Id).Select(m => new { m.State, m.StateSource, m.StateSince }).ToListAsync();
        (states[0].State, states[0].StateSource, states[0].StateSince).Should().Be((MachineState.Down, StateSource.Monitoring, since));
        states.Skip(1).Should().OnlyContain(s => s.State == MachineState.Idle, "an unknown or unmonitored state, and a telemetry-fed machine, are left as they were");
        (await check.DowntimePeriods.SingleAsync()).StartAt.Should().Be(since);

        var unavailable = new MonitoringStateFeed(host.Get<IDbContextFactory<OpsConsole.Core.Shared.Data.OpsDbContext>>(),
            new FixedSnapshots(MonitoringSnapshot.Unavailable(clock.GetUtcNow().UtcDateTime, new MachineMonitoringException("GET api/v1/machines: refused", MonitoringFailure.Unavailable))),
            host.Get<MachineStates>(), clock);
        (await unavailable.ApplyAsync()).Should().Be(0);
    }
}
