using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using OpsConsole.Core.Maintenance.Telemetry;
using OpsConsole.Infrastructure.Mqtt;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Mqtt;

/// <summary>
/// One console's telemetry side, built from the app's own registration (<see cref="MqttServices"/>) with a test sink:
/// the batch writer and the subscriber run until stopped, or until <see cref="CrashAsync"/> kills them as a process
/// dies. Several rigs with one client id play one console restarting.
/// </summary>
public sealed class TelemetryRig : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public TelemetryRig(int port, string prefix, string clientId, ITelemetrySink sink, IDictionary<string, string?>? settings = null,
        ILoggerProvider? logs = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Mqtt:Enabled"] = "true",
            ["Mqtt:EmbeddedBroker"] = "false",
            ["Mqtt:Simulator:Enabled"] = "false",
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = port.ToString(),
            ["Mqtt:TopicPrefix"] = prefix,
            ["Mqtt:ClientId"] = clientId,
            // Sessions of test clients need not outlive the run on the shared broker.
            ["Mqtt:SessionExpirySeconds"] = "600",
            ["Mqtt:ReconnectMinMilliseconds"] = "100",
            ["Mqtt:ReconnectMaxMilliseconds"] = "1000",
            ["Mqtt:BatchLingerMilliseconds"] = "5",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            b.SetMinimumLevel(LogLevel.Debug);
            if (logs is not null)
            {
                b.AddProvider(logs);
            }
        });
        services.AddMetrics();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sink);
        services.AddMqttTelemetry(configuration, new TestEnvironment());
        _services = services.BuildServiceProvider();
    }

    public TelemetryPipeline Pipeline => _services.GetRequiredService<TelemetryPipeline>();
    public MqttTelemetryClient Client => _services.GetRequiredService<MqttTelemetryClient>();
    public TelemetryFeedStatus Status => _services.GetRequiredService<TelemetryFeedStatus>();
    public MachineFeedTracker Feeds => _services.GetRequiredService<MachineFeedTracker>();
    public TelemetryTopics Topics => _services.GetRequiredService<TelemetryTopics>();

    public TelemetryRig Start()
    {
        var pipeline = Pipeline;
        var client = Client;
        _running = Task.WhenAll(Task.Run(() => pipeline.RunAsync(_stop.Token)), Task.Run(() => client.RunAsync(_stop.Token)));
        return this;
    }

    public Task ConnectedAsync() =>
        Until.TrueAsync(() => Status.Connection == TelemetryConnectionState.Connected, "the subscriber to connect", TimeSpan.FromSeconds(20));

    /// <summary>Dies between a commit and its acknowledgements: the socket closes without DISCONNECT and nothing more is acknowledged.</summary>
    public async Task CrashAsync()
    {
        Client.Crash();
        await _stop.CancelAsync();
        await _running;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _services.DisposeAsync();
        _stop.Dispose();
    }

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "OpsConsole.Tests";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}

/// <summary>
/// A sink over a real SQLite table with a unique key on (machine, seq), written with INSERT OR IGNORE in one
/// transaction per batch: stored exactly once is then a row count. Counts what it was handed, so a test can see that a
/// redelivery really happened.
/// </summary>
public sealed class SqliteTelemetryTable : ITelemetrySink
{
    private readonly string _connection;
    private long _handed;

    public SqliteTelemetryTable()
    {
        _connection = $"Data Source={Path.Combine(TestDatabases.NewTempFolder(), "telemetry.db")};Pooling=false";
        using var db = Open();
        using var create = db.CreateCommand();
        create.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE telemetry (machine TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (machine, seq));
            """;
        create.ExecuteNonQuery();
    }

    /// <summary>Runs after each commit, before the writer may acknowledge (a test crashes the console here).</summary>
    public Func<IReadOnlyList<TelemetryMessage>, CancellationToken, Task>? AfterCommit { get; set; }

    /// <summary>Runs before each batch; throwing from it fails the batch before anything is written.</summary>
    public Func<IReadOnlyList<TelemetryMessage>, Task>? BeforeStore { get; set; }

    public long Handed => Interlocked.Read(ref _handed);

    public async Task StoreAsync(IReadOnlyList<TelemetryMessage> batch, CancellationToken ct)
    {
        if (BeforeStore is { } before)
        {
            await before(batch);
        }
        Interlocked.Add(ref _handed, batch.Count);
        await using (var db = Open())
        {
            await using var transaction = db.BeginTransaction();
            await using var insert = db.CreateCommand();
            insert.CommandText = "INSERT OR IGNORE INTO telemetry (machine, seq, kind, received_at) VALUES ($m, $s, $k, $r)";
            var machine = insert.Parameters.Add("$m", SqliteType.Text);
            var seq = insert.Parameters.Add("$s", SqliteType.Integer);
            var kind = insert.Parameters.Add("$k", SqliteType.Text);
            var received = insert.Parameters.Add("$r", SqliteType.Text);
            foreach (var message in batch)
            {
                machine.Value = message.MachineCode;
                seq.Value = message.Seq;
                kind.Value = message.Kind.ToString();
                received.Value = message.ReceivedAt.ToString("O");
                await insert.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
        }
        if (AfterCommit is { } after)
        {
            await after(batch, ct);
        }
    }

    /// <summary>The stored keys are exactly the expected ones (a set comparison: FluentAssertions' equivalence is quadratic).</summary>
    public static void ShouldHoldExactly(HashSet<(string Machine, long Seq)> stored, IEnumerable<(string Machine, long Seq)> expected)
    {
        var wanted = expected.ToHashSet();
        wanted.Except(stored).Take(5).Should().BeEmpty("every expected message is stored (nothing lost)");
        stored.Except(wanted).Take(5).Should().BeEmpty("nothing unexpected is stored");
        stored.Count.Should().Be(wanted.Count);
    }

    public async Task<long> RowsAsync()
    {
        await using var db = Open();
        await using var count = db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM telemetry";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    public async Task<HashSet<(string Machine, long Seq)>> KeysAsync()
    {
        await using var db = Open();
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT machine, seq FROM telemetry";
        var keys = new HashSet<(string, long)>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add((reader.GetString(0), reader.GetInt64(1)));
        }
        return keys;
    }

    private SqliteConnection Open()
    {
        var db = new SqliteConnection(_connection);
        db.Open();
        return db;
    }
}

/// <summary>Machines publishing test telemetry at QoS 1, several messages in flight, each retried until the broker acknowledged it.</summary>
public sealed class TestMachines(int port, string prefix) : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly TelemetryTopics _topics = new(prefix);
    private long _acknowledged;
    private long _failures;

    /// <summary>Publishes acknowledged by the broker so far.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);
    public long Failures => Interlocked.Read(ref _failures);

    public static string Status(string machine, long seq, string state = "running") =>
        $$"""{"machine_id":"{{machine}}","seq":{{seq}},"ts":"2026-12-07T07:00:00Z","state":"{{state}}"}""";

    public static string Production(string machine, long seq, long good = 10) =>
        $$"""{"machine_id":"{{machine}}","seq":{{seq}},"ts":"2026-12-07T07:00:00Z","good":{{good}},"scrap":1,"run_seconds":{{seq * 5}}}""";

    /// <summary>(machine, seq) for <paramref name="count"/> messages over <paramref name="machines"/> machines, seq 1.. per machine, alternating status and production.</summary>
    public static List<(string Machine, long Seq)> Plan(int machines, int count) =>
        Enumerable.Range(0, count).Select(i => ($"M-{i % machines:D2}", (long)(i / machines) + 1)).ToList();

    /// <summary>
    /// Publishes the plan with one sender per machine, each in its machine's seq order and waiting for every PUBACK
    /// (as a machine's gateway does), so the subscriber sees each machine's messages in order.
    /// </summary>
    public async Task PublishAsync(IReadOnlyList<(string Machine, long Seq)> plan, TimeSpan? pace = null, CancellationToken ct = default)
    {
        var senders = plan.GroupBy(p => p.Machine).Select(async machine =>
        {
            foreach (var (code, seq) in machine)
            {
                var topic = seq % 2 == 0 ? _topics.Production(code) : _topics.Status(code);
                var payload = seq % 2 == 0 ? Production(code, seq) : Status(code, seq);
                await PublishRetryingAsync(topic, payload, ct);
                if (pace is { } delay)
                {
                    await Task.Delay(delay, ct);
                }
            }
        });
        await Task.WhenAll(senders);
    }

    /// <summary>Publishes one payload as it is (for malformed ones), retried until acknowledged.</summary>
    public Task PublishRawAsync(string topic, string payload, CancellationToken ct = default) => PublishRetryingAsync(topic, payload, ct);

    private async Task PublishRetryingAsync(string topic, string payload, CancellationToken ct)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await EnsureConnectedAsync(ct);
                var result = await _client.PublishAsync(message, ct);
                if (result.IsSuccess || result.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers)
                {
                    Interlocked.Increment(ref _acknowledged);
                    return;
                }
            }
            catch (Exception) when (!ct.IsCancellationRequested && DateTime.UtcNow < deadline)
            {
                // The broker is away (an outage test): publish it again once it is back, as a machine's gateway would.
                Interlocked.Increment(ref _failures);
                await Task.Delay(100, ct);
            }
        }
    }

    private async Task EnsureConnectedAsync(CancellationToken ct)
    {
        if (_client.IsConnected)
        {
            return;
        }
        await _connecting.WaitAsync(ct);
        try
        {
            if (!_client.IsConnected)
            {
                var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port)
                    .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                    .WithClientId("machines-" + Guid.NewGuid().ToString("N")[..8]).WithCleanStart(true)
                    .WithTimeout(TimeSpan.FromSeconds(3)).Build();
                await _client.ConnectAsync(options, ct);
            }
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
        }
        _client.Dispose();
        _connecting.Dispose();
    }
}

/// <summary>Counts log lines by level and text, for "logged once per kind".</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Category, string Text)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Text)> Lines => _lines.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue((logLevel, category, formatter(state, exception)));
    }
}
