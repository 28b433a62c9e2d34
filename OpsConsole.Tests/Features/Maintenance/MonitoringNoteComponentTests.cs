using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Monitoring;
using OpsConsole.Features.Maintenance;
using OpsConsole.Tests.Components;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>
/// The note the machine page and the board's tiles show where the monitoring upstream and the machine's telemetry
/// disagree (ADR 0032): not while a change is in flight, by itself once the grace period has passed, and a calm
/// "monitoring unavailable" instead of an error when the upstream cannot be read.
/// </summary>
public sealed class MonitoringNoteComponentTests : ComponentTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 45, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time;
    private readonly FixedSnapshots _snapshots;

    public MonitoringNoteComponentTests() : this(new FakeTimeProvider(Now), new FixedSnapshots())
    {
    }

    private MonitoringNoteComponentTests(FakeTimeProvider time, FixedSnapshots snapshots) : base(time, services => services
        .AddSingleton<IMonitoringSnapshots>(snapshots).AddSingleton(new MaintenanceOptions { MonitoringDisagreeSeconds = 60 })) =>
        (_time, _snapshots) = (time, snapshots);

    private static Machine Press(MachineState state) => new()
    {
        Id = 7, Code = "PR-05", Name = "Press 5", Feed = StateFeed.Telemetry, State = state, StateSource = StateSource.Telemetry,
        StateSince = Now.UtcDateTime.AddHours(-2),
    };

    private void UpstreamSays(string status, DateTime since) =>
        _snapshots.Snapshot = MonitoringSnapshot.Read(Now.UtcDateTime, [new MonitoredMachine("PR-05", "Press 5", status, since)]);

    [Fact]
    public void OnTheMachinePage_ADisagreementAppears_OnceItOutlastsTheGracePeriod()
    {
        UpstreamSays("IDLE", Now.UtcDateTime.AddSeconds(-30));

        var note = Render<MonitoringNote>(p => p.Add(n => n.Machine, Press(MachineState.Running)));

        note.FindAll("[data-testid=monitoring-note]").Should().BeEmpty("30 s of difference is a change on its way through a feed");

        _time.Advance(TimeSpan.FromSeconds(31));

        note.WaitForAssertion(() => note.Find("[data-testid=monitoring-note]").TextContent.Trim()
            .Should().Be("Monitoring says idle since 10:44 UTC; telemetry says running."));
        note.Find("[data-testid=monitoring-note]").GetAttribute("data-agreement").Should().Be("disagrees");
    }

    [Fact]
    public void WhenTheyAgree_OrTheMachineIsNotMonitored_NothingIsShown()
    {
        UpstreamSays("PRODUCING", Now.UtcDateTime.AddHours(-1));
        Render<MonitoringNote>(p => p.Add(n => n.Machine, Press(MachineState.Running))).FindAll("[data-testid=monitoring-note]").Should().BeEmpty();

        UpstreamSays("NOT_MONITORED", Now.UtcDateTime.AddHours(-1));
        Render<MonitoringNote>(p => p.Add(n => n.Machine, Press(MachineState.Down))).FindAll("[data-testid=monitoring-note]").Should().BeEmpty();
    }

    [Fact]
    public void AnUnreachableUpstream_IsACalmLineOnThePage_OnceOnTheBoard_AndNothingOnATile()
    {
        _snapshots.Snapshot = MonitoringSnapshot.Unavailable(Now.UtcDateTime,
            new MachineMonitoringException("GET api/v1/machines answered HTTP 503 Service Unavailable", MonitoringFailure.Unavailable));

        Render<MonitoringNote>(p => p.Add(n => n.Machine, Press(MachineState.Running))).Find("[data-testid=monitoring-note]").TextContent.Trim()
            .Should().Be("Monitoring unavailable: GET api/v1/machines answered HTTP 503 Service Unavailable");
        Render<MonitoringNote>(p => p.Add(n => n.Machine, Press(MachineState.Running)).Add(n => n.Compact, true))
            .FindAll("[data-testid=monitoring-note]").Should().BeEmpty();
        Render<MonitoringNote>().Find("[data-testid=monitoring-note]").TextContent.Should().Contain("Machine monitoring unavailable");
    }

    private sealed class FixedSnapshots : IMonitoringSnapshots
    {
        public MonitoringSnapshot Snapshot { get; set; } = MonitoringSnapshot.Read(DateTime.UnixEpoch, []);

        public Task<MonitoringSnapshot> SnapshotAsync(CancellationToken ct = default) => Task.FromResult(Snapshot);
    }
}
