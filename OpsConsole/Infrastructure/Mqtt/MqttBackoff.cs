namespace OpsConsole.Infrastructure.Mqtt;

/// <summary>
/// Exponential backoff with "equal jitter": attempt n waits between half and all of min × 2^(n-1), capped at max. The
/// jitter spreads the reconnects of many consoles (and of the simulator) after a broker restart; the half that is
/// not random keeps a failing broker from being hammered.
/// </summary>
public sealed class MqttBackoff(TimeSpan min, TimeSpan max, Random random)
{
    public TimeSpan Delay(int attempt)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        double jitter;
        lock (random)
        {
            jitter = random.NextDouble();
        }
        return TimeSpan.FromMilliseconds(ceiling / 2 + jitter * ceiling / 2);
    }
}
