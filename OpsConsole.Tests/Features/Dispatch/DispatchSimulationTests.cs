using OpsConsole.Core.Shared.Results;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Simulators.Dispatch;
using OpsConsole.Infrastructure.Scheduling;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Dispatch;

/// <summary>The living first run goes through the real HTTP API with service-account tokens, and an admin can switch it off.</summary>
public sealed class DispatchSimulationTests
{
    private static readonly Dictionary<string, string?> SimulationOn = new() { ["Dispatch:Simulation:Enabled"] = "true" };

    [Fact]
    public async Task SimulatedEngineAndCrew_UseTheRealApi_AsServiceAccounts()
    {
        await using var app = new OpsAppFactory(settings: SimulationOn);
        app.StartKestrel();
        // The scheduled halves would race with the steps below: pause them and let a run in flight finish.
        var scheduler = app.Services.GetRequiredService<SchedulerService>();
        foreach (var key in DispatchSimulator.JobKeys)
        {
            await scheduler.SetPausedAsync(new Actor("admin", ["admin"]), key, paused: true, TestContext.Current.CancellationToken);
        }
        await Until.TrueAsync(async () => !(await scheduler.ListAsync(TestContext.Current.CancellationToken)).Any(j => DispatchSimulator.JobKeys.Contains(j.Key) && j.IsRunning),
            "the paused simulation jobs' last runs to end");
        var simulation = app.Services.GetRequiredService<DispatchSimulation>();
        simulation.TaskSeconds = (0, 0);
        await new DispatchDemoStations(app.Services.GetRequiredService<StationDirectory>()).SeedAsync(TestContext.Current.CancellationToken);

        var dispatch = app.Services.GetRequiredService<DispatchService>();
        // The engine's scheduled run may have posted before the pause: count from what is already waiting.
        var before = (await dispatch.PendingSuggestionsAsync(TestContext.Current.CancellationToken)).Count;
        var posted = await simulation.PostSuggestionsAsync(TestContext.Current.CancellationToken);
        posted.Should().BeInRange(1, 3);
        var pending = await dispatch.PendingSuggestionsAsync(TestContext.Current.CancellationToken);
        pending.Should().HaveCount(before + posted);
        pending.Should().OnlyContain(s => s.FromStationId >= 1 && s.FromStationId <= DispatchDemoStations.Names.Count && s.FromStationId != s.ToStationId);

        await dispatch.DecideAsync(new Actor("supervisor", [OpsConsole.Core.Shared.Identity.OpsRoles.Supervisor]), pending.Select(s => s.Id).ToList(), approve: true, null,
            TestContext.Current.CancellationToken);
        var expected = Math.Min(DispatchSimulation.Crew.Length, pending.Count);
        (await simulation.WorkAsync(TestContext.Current.CancellationToken)).Should().Be(expected, "each free worker claims one task");
        (await simulation.WorkAsync(TestContext.Current.CancellationToken)).Should().Be(expected, "and completes it when its time is up");

        var board = await dispatch.BoardAsync(ct: TestContext.Current.CancellationToken);
        board.CompletedToday.Should().Be(expected);
        board.Workers.Select(w => w.WorkerId).Should().BeSubsetOf(DispatchSimulation.Crew);
        var audit = await app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditFilter(Module: DispatchModule.Name), new PageRequest(1, 100), TestContext.Current.CancellationToken);
        audit.Items.Where(e => e.Action == "suggestion.create").Should().OnlyContain(e => e.Actor == DispatchSimulation.EngineAccount);
        audit.Items.Where(e => e.Action is "task.assign" or "task.complete").Should().OnlyContain(e => e.Actor == DispatchSimulation.WorkerAccount);
    }

    [Fact]
    public async Task AdminSwitch_PausesBothHalves_AndIsAudited()
    {
        await using var app = new OpsAppFactory(settings: SimulationOn);
        using var admin = await app.ClientAsAsync("admin");
        var scheduler = app.Services.GetRequiredService<SchedulerService>();
        foreach (var key in DispatchSimulator.JobKeys)
        {
            (await scheduler.SetPausedAsync(new Actor("admin", ["admin"]), key, paused: true, TestContext.Current.CancellationToken)).Succeeded.Should().BeTrue();
        }
        var jobs = await scheduler.ListAsync(TestContext.Current.CancellationToken);
        jobs.Where(j => DispatchSimulator.JobKeys.Contains(j.Key)).Should().HaveCount(2).And.OnlyContain(j => j.IsPaused);
    }

    [Fact]
    public async Task OutsideDevelopment_TheSimulationIsOff()
    {
        await using var app = new OpsAppFactory();
        using var admin = await app.ClientAsAsync("admin");
        app.Services.GetService<DispatchSimulation>().Should().BeNull();
        (await app.Services.GetRequiredService<SchedulerService>().ListAsync(TestContext.Current.CancellationToken))
            .Select(j => j.Key).Should().NotIntersectWith(DispatchSimulator.JobKeys);
    }
}
