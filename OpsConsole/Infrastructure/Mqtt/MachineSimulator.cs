using System.Text.Json;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Telemetry;
using OpsConsole.Simulators.Maintenance;

namespace OpsConsole.Infrastructure.Mqtt;

/// <summary>
/// The demo plant (`Mqtt:Simulator:*`, on in Development): its 15 telemetry machines, which publish over a real MQTT
/// connection, as a machine's gateway would. Each publishes its cumulative counters every production interval (its
/// heartbeat) and its state when it changes (and every twelfth interval again); now and then a running machine breaks
/// down (some stops are short micro-stops, some long enough for a ticket) and recovers, goes idle, or into
/// maintenance. Every machine numbers its messages from one increasing seq that starts at the simulator's start time
/// in milliseconds, so a restarted console never reuses a (machine, seq) it stored before (the restart shows as one
/// sequence gap per machine, as a machine whose gateway restarted would). Each state change is also written to the
/// <see cref="SimulatedMachineFloor"/>, where the machine-monitoring simulator sees the same machines.
/// </summary>
public sealed class MachineSimulator(MqttOptions options, TelemetryTopics topics, SimulatedMachineFloor floor, TimeProvider time, ILoggerFactory loggers)
    : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<MachineSimulator>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var simulator = options.Simulator;
        var random = new Random(simulator.Seed);
        var start = time.GetUtcNow();
        var machines = simulator.MachineCodes.Select(code => new SimulatedMachine(code, start.ToUnixTimeMilliseconds(), random)).ToList();
        var interval = TimeSpan.FromMilliseconds(simulator.ProductionIntervalMilliseconds);
        var breakdownChance = simulator.BreakdownsPerHour * interval.TotalHours;
        await using var publisher = new MqttPublisher(options, simulator.ClientId, loggers.CreateLogger<MqttPublisher>());
        var failing = false;
        var tick = 0L;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                try
                {
                    foreach (var machine in machines)
                    {
                        var changed = machine.Advance(now, interval, breakdownChance, random);
                        floor.Observe(machine.Code, machine.State, now.UtcDateTime);
                        if (changed || tick % 12 == 0)
                        {
                            await publisher.PublishAsync(topics.Status(machine.Code), machine.StatusPayload(now), stoppingToken);
                        }
                        await publisher.PublishAsync(topics.Production(machine.Code), machine.ProductionPayload(now), stoppingToken);
                    }
                    if (failing)
                    {
                        _logger.LogInformation("Machine simulator publishes again");
                        failing = false;
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // A machine gateway without a buffer: what it could not send is gone (the console counts the gap).
                    if (!failing)
                    {
                        _logger.LogWarning("Machine simulator cannot publish ({Error}); retrying every interval", ex.GetBaseException().Message);
                        failing = true;
                    }
                }
                tick++;
                await Task.Delay(interval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private sealed class SimulatedMachine(string code, long firstSeq, Random random)
    {
        private long _seq = firstSeq;
        private ReportedState _state = random.NextDouble() < 0.85 ? ReportedState.Running : ReportedState.Idle;
        private DateTimeOffset? _until;
        // Fractions carry over between intervals (a fast simulator's interval makes less than one part).
        private double _made;
        private long _good;
        private long _scrap;
        private double _runSeconds;
        private double _partsPerSecond = 0.2 + random.NextDouble() * 0.8;

        public string Code { get; } = code;

        public MachineState State => _state switch
        {
            ReportedState.Running => MachineState.Running,
            ReportedState.Idle => MachineState.Idle,
            ReportedState.Down => MachineState.Down,
            _ => MachineState.Maintenance,
        };

        /// <summary>Moves the machine one interval on; true when its state changed.</summary>
        public bool Advance(DateTimeOffset now, TimeSpan interval, double breakdownChance, Random random)
        {
            if (_state == ReportedState.Running)
            {
                _runSeconds += interval.TotalSeconds;
                _made += _partsPerSecond * interval.TotalSeconds * (0.8 + random.NextDouble() * 0.4);
                var made = (long)_made;
                _made -= made;
                var bad = made > 0 && random.NextDouble() < 0.05 ? Math.Min(made, 1 + random.Next(3)) : 0;
                _good += made - bad;
                _scrap += bad;
            }
            var before = _state;
            if (_until is { } until && now >= until)
            {
                _state = ReportedState.Running;
                _until = null;
            }
            else if (_state == ReportedState.Running)
            {
                var roll = random.NextDouble();
                if (roll < breakdownChance)
                {
                    // A third of the stops are micro-stops (under the default 120 s), the rest up to 15 minutes.
                    _state = ReportedState.Down;
                    _until = now + TimeSpan.FromSeconds(random.NextDouble() < 0.33 ? 20 + random.Next(90) : 150 + random.Next(750));
                }
                else if (roll < breakdownChance * 1.5)
                {
                    _state = ReportedState.Idle;
                    _until = now + TimeSpan.FromSeconds(60 + random.Next(240));
                }
                else if (roll < breakdownChance * 1.6)
                {
                    _state = ReportedState.Maintenance;
                    _until = now + TimeSpan.FromSeconds(300 + random.Next(600));
                }
            }
            else if (_until is null)
            {
                // Idle at start: it starts running within a few intervals.
                _until = now + TimeSpan.FromSeconds(random.Next(30));
            }
            return _state != before;
        }

        public string StatusPayload(DateTimeOffset now) => JsonSerializer.Serialize(new
        {
            machine_id = Code,
            seq = ++_seq,
            ts = now.UtcDateTime.ToString("O"),
            state = TelemetryParser.WireName(_state),
        });

        public string ProductionPayload(DateTimeOffset now) => JsonSerializer.Serialize(new
        {
            machine_id = Code,
            seq = ++_seq,
            ts = now.UtcDateTime.ToString("O"),
            good = _good,
            scrap = _scrap,
            run_seconds = (long)_runSeconds,
        });
    }
}
