using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Telemetry;
using OpsConsole.Features.Maintenance;
using OpsConsole.Tests.Components;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>A tile's data age turns stale past the heartbeat by itself; the board's banner says why machine data is stale.</summary>
public sealed class MachineFeedComponentTests : ComponentTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time;

    public MachineFeedComponentTests() : this(new FakeTimeProvider(Now))
    {
    }

    private MachineFeedComponentTests(FakeTimeProvider time) : base(time, services => services
        .AddSingleton(new TelemetryOptions { HeartbeatSeconds = 30 }).AddSingleton<MachineFeedTracker>().AddSingleton<TelemetryFeedStatus>()) => _time = time;

    private static Machine Fed(StateFeed feed, DateTime? lastData, string code = "CNC-01") => new() { Code = code, Name = "Mill", Feed = feed, LastDataAt = lastData };

    [Fact]
    public void ATelemetryMachine_ShowsItsDataAge_AndTurnsStalePastItsHeartbeat_WithoutANewRender()
    {
        var age = Render<MachineFeedAge>(p => p.Add(a => a.Machine, Fed(StateFeed.Telemetry, Now.UtcDateTime.AddSeconds(-20))));
        age.Find("[data-stale]").TextContent.Trim().Should().Be("data 20 s ago");
        age.Find("[data-stale]").GetAttribute("data-stale").Should().Be("false");

        _time.Advance(TimeSpan.FromSeconds(15));

        age.WaitForAssertion(() => age.Find("[data-stale]").GetAttribute("data-stale").Should().Be("true"));
        age.Find("[data-stale]").TextContent.Trim().Should().Be("data stale · 35 s ago");
    }

    [Fact]
    public void TheLiveFeed_IsNewerThanTheMachineRow_AndAManualMachineIsSetByHand()
    {
        Services.GetRequiredService<MachineFeedTracker>().Record([TelemetryMessage.Status("CNC-01", 5, Now, Now.AddSeconds(-2), ReportedState.Running)]);

        Render<MachineFeedAge>(p => p.Add(a => a.Machine, Fed(StateFeed.Telemetry, Now.UtcDateTime.AddHours(-1)))).Find("[data-stale]").TextContent.Trim()
            .Should().Be("data 2 s ago");
        Render<MachineFeedAge>(p => p.Add(a => a.Machine, Fed(StateFeed.Telemetry, null, "CNC-02"))).Find("[data-stale]").TextContent.Trim().Should().Be("no data yet");
        Render<MachineFeedAge>(p => p.Add(a => a.Machine, Fed(StateFeed.Manual, null))).Markup.Should().Contain("set by hand");
    }

    [Fact]
    public void TheBanner_NamesWhyMachineDataIsStale_AndIsGoneWhenTheFeedIsFine()
    {
        var feed = Services.GetRequiredService<TelemetryFeedStatus>();
        var banner = Render<MachineDataBanner>();
        banner.FindAll("[data-testid=machine-data-stale]").Should().BeEmpty("the feed is off: no machine's state comes from it");

        feed.Reconnecting("Connection refused");

        banner.WaitForAssertion(() => banner.Find("[data-testid=machine-data-stale]").TextContent.Should()
            .Contain("MQTT broker is unreachable (Connection refused; no data received yet)").And.Contain("Reconnecting, attempt 1"));

        feed.Connected();
        feed.Received(Now);
        banner.WaitForAssertion(() => banner.FindAll("[data-testid=machine-data-stale]").Should().BeEmpty());

        _time.Advance(TimeSpan.FromSeconds(31));
        banner.WaitForAssertion(() => banner.Find("[data-testid=machine-data-stale]").TextContent.Should().Contain("connected but quiet (last data 31 s ago)"));
    }
}
