using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Components.Shared;

namespace OpsConsole.Tests.Components;

/// <summary>Relative times tick on the circuit's one clock: one timer however many there are, none once they are gone.</summary>
public sealed class CircuitClockTests : ComponentTestContext
{
    private readonly CountingTime _time;

    public CircuitClockTests() : this(new CountingTime(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero)))
    {
    }

    private CircuitClockTests(CountingTime time) : base(time) => _time = time;

    [Fact]
    public void Ago_MovesOnWithTheClock_WithoutNewParameters()
    {
        var ago = Render<Ago>(p => p.Add(a => a.At, _time.GetUtcNow().UtcDateTime.AddSeconds(-5)));
        ago.Find("time").TextContent.Should().Be("5 s ago");

        _time.Advance(TimeSpan.FromSeconds(1));
        ago.WaitForAssertion(() => ago.Find("time").TextContent.Should().Be("6 s ago"));
        _time.Advance(TimeSpan.FromSeconds(60));
        ago.WaitForAssertion(() => ago.Find("time").TextContent.Should().Be("1 min ago"));
    }

    [Fact]
    public async Task ManyRelativeTimes_ShareOneTimer_WhichStopsWhenTheyGo()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var page = Render(builder =>
        {
            for (var i = 0; i < 50; i++)
            {
                builder.OpenComponent<Ago>(0);
                builder.AddComponentParameter(1, nameof(Ago.At), (DateTime?)now.AddSeconds(-i));
                builder.CloseComponent();
            }
        });
        var clock = Services.GetRequiredService<CircuitClock>();

        _time.Timers.Should().Be(1, "fifty relative times, one timer for the circuit");
        clock.IsTicking.Should().BeTrue();
        _time.Advance(TimeSpan.FromSeconds(2));
        page.WaitForAssertion(() => page.FindAll("time")[0].TextContent.Should().Be("2 s ago"));

        await DisposeComponentsAsync();
        clock.IsTicking.Should().BeFalse("nothing listens any more");
        clock.Dispose();
        FluentActions.Invoking(() => clock.Subscribe(() => Task.CompletedTask)).Should().Throw<ObjectDisposedException>("the circuit is gone");
    }

    private sealed class CountingTime(DateTimeOffset start) : FakeTimeProvider(start)
    {
        public int Timers { get; private set; }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Timers++;
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
