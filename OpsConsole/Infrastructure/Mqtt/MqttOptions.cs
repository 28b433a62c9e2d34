using System.ComponentModel.DataAnnotations;
using OpsConsole.Core.Shared.Cluster;

namespace OpsConsole.Infrastructure.Mqtt;

/// <summary>
/// The MQTT transport's part of `Mqtt:*` (the pipeline's is Core's <c>TelemetryOptions</c>, same section). `Enabled`,
/// `EmbeddedBroker` and `Simulator:Enabled` default to true in Development and false elsewhere (like
/// `Simulators:Enabled`), so `dotnet run` needs no broker and the test suite (environment "Testing") runs no client.
/// </summary>
public sealed class MqttOptions
{
    /// <summary>`Mqtt:Enabled`: run the subscriber (and, with them, the embedded broker and the simulator).</summary>
    public bool Enabled { get; set; }

    /// <summary>`Mqtt:Host`: the broker's host name or address.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>`Mqtt:Port`: the broker's TCP port (the embedded broker listens on it, on loopback).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>`Mqtt:ClientId`: fixed, so the broker keeps this console's session (and its unacknowledged messages) across restarts.</summary>
    [Required, StringLength(64, MinimumLength = 1)]
    public string ClientId { get; set; } = "opsconsole-telemetry";

    /// <summary>
    /// With `Cluster:Enabled`, the shared-subscription group (`$share/opsconsole/…`) every instance subscribes in, so the
    /// broker hands each message to one of them (ADR 0040); null for a single console.
    /// </summary>
    public string? SharedSubscriptionGroup { get; set; }

    /// <summary>The topic filter as this console subscribes to it: shared when clustered.</summary>
    public string Subscription(string filter) => SharedSubscriptionGroup is { } group ? $"$share/{group}/{filter}" : filter;

    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>`Mqtt:SessionExpirySeconds`: how long the broker keeps the session (and queues for it) while the console is away.</summary>
    [Range(1, uint.MaxValue)]
    public long SessionExpirySeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>
    /// `Mqtt:ReceiveMaximum`: QoS 1 messages the broker may have in flight to us unacknowledged (MQTT 5). Messages are
    /// acknowledged after their batch is stored, so this bounds the batch size the broker lets through; keep it at or
    /// below `Mqtt:ChannelCapacity`.
    /// </summary>
    [Range(1, 65535)]
    public int ReceiveMaximum { get; set; } = 4096;

    [Range(1, 3600)]
    public int KeepAliveSeconds { get; set; } = 15;

    [Range(1, 300)]
    public int ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary>`Mqtt:ReconnectMinMilliseconds`: the first wait after a lost connection or a failed connect; doubles per failure.</summary>
    [Range(10, 600_000)]
    public int ReconnectMinMilliseconds { get; set; } = 500;

    /// <summary>`Mqtt:ReconnectMaxMilliseconds`: the longest wait between two connect attempts.</summary>
    [Range(10, 600_000)]
    public int ReconnectMaxMilliseconds { get; set; } = 30_000;

    /// <summary>`Mqtt:EmbeddedBroker`: run an MQTTnet broker in this process on `Host:Port` (loopback only).</summary>
    public bool EmbeddedBroker { get; set; }

    public MachineSimulatorOptions Simulator { get; set; } = new();

    public const string SharedGroup = "opsconsole";

    /// <summary>Binds `Mqtt:*` with the environment's defaults and checks it; a bad value stops the start naming its key.</summary>
    public static MqttOptions Read(IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection("Mqtt").Get<MqttOptions>() ?? new MqttOptions();
        var development = environment.IsDevelopment();
        options.Enabled = configuration.GetValue("Mqtt:Enabled", development);
        options.EmbeddedBroker = configuration.GetValue("Mqtt:EmbeddedBroker", development);
        options.Simulator.Enabled = configuration.GetValue("Mqtt:Simulator:Enabled", configuration.GetValue("Simulators:Enabled", development));
        options.Simulator.Seed = configuration.GetValue("Mqtt:Simulator:Seed", configuration.GetValue("Simulators:Seed", 42));
        Check(options, "Mqtt");
        Check(options.Simulator, "Mqtt:Simulator");
        var cluster = ClusterOptions.Read(configuration);
        if (cluster.Enabled)
        {
            // One persistent session per instance: its own client id (the broker keeps its queue while it restarts),
            // and a share of the stream instead of every message on every instance.
            options.ClientId = $"{options.ClientId}-{cluster.InstanceId}";
            options.SharedSubscriptionGroup = SharedGroup;
        }
        if (options.ReconnectMaxMilliseconds < options.ReconnectMinMilliseconds)
        {
            throw new InvalidOperationException("Mqtt:ReconnectMaxMilliseconds must not be below Mqtt:ReconnectMinMilliseconds.");
        }
        return options;
    }

    private static void Check(object options, string section)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new InvalidOperationException(string.Join(" ", results.Select(r => $"{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}")));
        }
    }
}

/// <summary>`Mqtt:Simulator:*`: the demo plant whose machines publish over a real MQTT connection.</summary>
public sealed class MachineSimulatorOptions
{
    public bool Enabled { get; set; }

    public int Seed { get; set; } = 42;

    /// <summary>`Mqtt:Simulator:Machines`: the machine codes it plays (their `machine_id`); the demo plant's 15 telemetry machines by default.</summary>
    public List<string> Machines { get; set; } = [];

    /// <summary>`Mqtt:Simulator:ProductionIntervalMilliseconds`: each machine publishes its counters this often (its heartbeat).</summary>
    [Range(50, 600_000)]
    public int ProductionIntervalMilliseconds { get; set; } = 5000;

    /// <summary>`Mqtt:Simulator:BreakdownsPerHour`: how often a running machine breaks down, on average, per machine.</summary>
    [Range(0, 3600)]
    public double BreakdownsPerHour { get; set; } = 2;

    /// <summary>`Mqtt:Simulator:ClientId`.</summary>
    [Required]
    public string ClientId { get; set; } = "opsconsole-machine-simulator";

    /// <summary>
    /// The demo plant's machines that report over MQTT (its presses and mills; its assembly cells are set by hand) when
    /// `Mqtt:Simulator:Machines` is empty.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultMachines =
    [
        "PR-01", "PR-02", "PR-03", "PR-04", "PR-05", "PR-06", "PR-07",
        "CNC-01", "CNC-02", "CNC-03", "CNC-04", "CNC-05", "CNC-06", "CNC-07", "CNC-08",
    ];

    public IReadOnlyList<string> MachineCodes => Machines.Count > 0 ? Machines : DefaultMachines;
}
