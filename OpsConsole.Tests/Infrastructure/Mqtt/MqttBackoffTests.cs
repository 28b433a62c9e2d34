using OpsConsole.Infrastructure.Mqtt;

namespace OpsConsole.Tests.Infrastructure.Mqtt;

public sealed class MqttBackoffTests
{
    [Fact]
    public void EachWait_LiesBetweenHalfAndAllOfTheDoubledStep_CappedAtTheMaximum_AndVaries()
    {
        var backoff = new MqttBackoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), new Random(7));

        foreach (var (attempt, ceiling) in new[] { (1, 500.0), (2, 1000.0), (3, 2000.0), (6, 16_000.0), (7, 30_000.0), (40, 30_000.0) })
        {
            var waits = Enumerable.Range(0, 50).Select(_ => backoff.Delay(attempt).TotalMilliseconds).ToList();
            waits.Should().OnlyContain(w => w >= ceiling / 2 && w <= ceiling, $"attempt {attempt} waits within [{ceiling / 2}, {ceiling}] ms");
            waits.Distinct().Count().Should().BeGreaterThan(40, "jitter spreads the consoles that reconnect at once");
        }
    }
}
