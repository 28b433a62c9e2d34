using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;
using NpgsqlTypes;
using OpsConsole.Core.Maintenance.Telemetry;
using OpsConsole.Infrastructure.Mqtt;

namespace OpsConsole.Bench;

/// <summary>
/// bench/run.sh maintenance-mqtt: machines publish QoS 1 telemetry through mosquitto for --seconds (60 by default)
/// while, in one round, a bare MQTTnet subscriber counts and drops it (the broker's and client's ceiling on this
/// machine) and, in the next, the console's own subscriber and batch writer (MqttServices, as registered in the app)
/// store it through a sink that inserts into a table with a unique key on (machine, seq). After publishing stops, the
/// round lasts until everything published was received (the rate is what was consumed over that whole time), then the
/// table is checked: lost = acknowledged to a publisher but not stored, duplicated = rows beyond the distinct keys.
/// </summary>
public static class MaintenanceMqttBench
{
    private const int Machines = 200;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var address = args["mqtt"];
        var port = int.Parse(address[(address.LastIndexOf(':') + 1)..]);
        var seconds = args.Int("seconds", 60);
        var provider = args["provider"];
        var connection = args["connection"];

        var ceiling = await BareRoundAsync(port, seconds);
        Console.Error.WriteLine($"bare subscriber: {ceiling.Rate:N0} msg/s ({ceiling.Received:N0} of {ceiling.Published:N0} in {ceiling.Elapsed.TotalSeconds:N1} s)");
        await using var sink = await TableSink.CreateAsync(provider, connection);
        var pipeline = await PipelineRoundAsync(port, seconds, sink);
        var (rows, distinct) = await sink.CountAsync();
        var lost = pipeline.Published - distinct;
        var duplicated = rows - distinct;
        Console.Error.WriteLine($"pipeline: {pipeline.Rate:N0} msg/s, rows {rows:N0}, distinct {distinct:N0}, handed to the sink {sink.Handed:N0}");
        Console.WriteLine($"MQTT ingest through mosquitto into {provider} (unique key on machine+seq), {Machines} machines, QoS 1, {seconds} s of publishing: " +
            $"{pipeline.Rate:N0} msg/s stored ({pipeline.Published:N0} published, {lost:N0} lost, {duplicated:N0} duplicated; batches acknowledged after commit), " +
            $"beside a bare MQTTnet subscriber that counts and drops {ceiling.Rate:N0} msg/s in the same run (floor 5,000, aim 20,000 msg/s)");
        return lost == 0 && duplicated == 0 ? 0 : 1;
    }

    private sealed record Round(long Published, long Received, TimeSpan Elapsed)
    {
        public double Rate => Received / Elapsed.TotalSeconds;
    }

    private static async Task<Round> BareRoundAsync(int port, int seconds)
    {
        var prefix = "bench-bare-" + Guid.NewGuid().ToString("N")[..6];
        long received = 0;
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            Interlocked.Increment(ref received);
            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(prefix).WithReceiveMaximum(4096).Build());
        var topics = new TelemetryTopics(prefix);
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in topics.Subscriptions)
        {
            subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }
        await subscriber.SubscribeAsync(subscribe.Build());
        var round = await PublishAndDrainAsync(port, topics, seconds, () => Interlocked.Read(ref received));
        await subscriber.DisconnectAsync();
        return round;
    }

    private static async Task<Round> PipelineRoundAsync(int port, int seconds, TableSink sink)
    {
        var prefix = "bench-pipe-" + Guid.NewGuid().ToString("N")[..6];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mqtt:Enabled"] = "true",
            ["Mqtt:EmbeddedBroker"] = "false",
            ["Mqtt:Simulator:Enabled"] = "false",
            ["Mqtt:Port"] = port.ToString(),
            ["Mqtt:TopicPrefix"] = prefix,
            ["Mqtt:ClientId"] = prefix,
            ["Mqtt:SessionExpirySeconds"] = "300",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ITelemetrySink>(sink);
        services.AddMqttTelemetry(configuration, new HostingEnvironment { EnvironmentName = "Production" });
        await using var provider = services.BuildServiceProvider();
        var pipeline = provider.GetRequiredService<TelemetryPipeline>();
        var client = provider.GetRequiredService<MqttTelemetryClient>();
        var status = provider.GetRequiredService<TelemetryFeedStatus>();
        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(Task.Run(() => pipeline.RunAsync(stop.Token)), Task.Run(() => client.RunAsync(stop.Token)));
        while (status.Connection != TelemetryConnectionState.Connected)
        {
            await Task.Delay(20);
        }
        var round = await PublishAndDrainAsync(port, new TelemetryTopics(prefix), seconds, () => status.Snapshot().StoredMessages);
        await stop.CancelAsync();
        await running;
        return round;
    }

    /// <summary>4 publishing clients with 64 QoS 1 messages in flight each, for the given time; then waits until <paramref name="consumed"/> caught up.</summary>
    private static async Task<Round> PublishAndDrainAsync(int port, TelemetryTopics topics, int seconds, Func<long> consumed)
    {
        long next = -1;
        long published = 0;
        var started = Stopwatch.StartNew();
        using var publishing = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var publishers = Enumerable.Range(0, 4).Select(async p =>
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                .WithClientId($"bench-machines-{p}-{Guid.NewGuid():N}"[..30]).Build());
            await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
            {
                while (!publishing.IsCancellationRequested)
                {
                    var i = Interlocked.Increment(ref next);
                    var machine = $"M-{i % Machines:D3}";
                    var seq = i / Machines + 1;
                    var payload = Encoding.UTF8.GetBytes(
                        $$"""{"machine_id":"{{machine}}","seq":{{seq}},"ts":"{{DateTime.UtcNow:O}}","good":{{seq * 3}},"scrap":{{seq / 50}},"run_seconds":{{seq * 5}}}""");
                    var message = new MqttApplicationMessageBuilder().WithTopic(topics.Production(machine)).WithPayload(payload)
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
                    var result = await client.PublishAsync(message, CancellationToken.None);
                    if (!result.IsSuccess)
                    {
                        throw new InvalidOperationException($"publish refused: {result.ReasonCode}");
                    }
                    Interlocked.Increment(ref published);
                }
            }));
            await client.DisconnectAsync();
        });
        await Task.WhenAll(publishers);
        var total = Interlocked.Read(ref published);
        var publishedIn = started.Elapsed;
        Console.Error.WriteLine($"  published {total:N0} in {publishedIn.TotalSeconds:N1} s ({total / publishedIn.TotalSeconds:N0} msg/s)");
        var lastProgress = Stopwatch.StartNew();
        var seen = consumed();
        while (consumed() < total && lastProgress.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
            if (consumed() != seen)
            {
                seen = consumed();
                lastProgress.Restart();
            }
        }
        return new Round(total, consumed(), started.Elapsed);
    }

    /// <summary>
    /// The bench's sink: one transaction per batch into a table keyed on (machine, seq), duplicates ignored by the key.
    /// SQLite: one connection, a prepared INSERT OR IGNORE per row. PostgreSQL: one INSERT … SELECT FROM unnest(arrays)
    /// ON CONFLICT DO NOTHING per batch.
    /// </summary>
    private sealed class TableSink : ITelemetrySink, IAsyncDisposable
    {
        private readonly System.Data.Common.DbConnection _connection;
        private long _handed;

        private TableSink(System.Data.Common.DbConnection connection) => _connection = connection;

        public long Handed => Interlocked.Read(ref _handed);

        public static async Task<TableSink> CreateAsync(string provider, string connectionString)
        {
            System.Data.Common.DbConnection connection;
            if (provider == "Sqlite")
            {
                connection = new SqliteConnection(connectionString);
                await connection.OpenAsync();
                await ExecuteAsync(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
            }
            else
            {
                var builder = new NpgsqlConnectionStringBuilder(connectionString);
                var database = builder.Database;
                builder.Database = "postgres";
                await using (var admin = new NpgsqlConnection(builder.ConnectionString))
                {
                    await admin.OpenAsync();
                    await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {database}; ");
                    await ExecuteAsync(admin, $"CREATE DATABASE {database}");
                }
                connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
            }
            await ExecuteAsync(connection, """
                DROP TABLE IF EXISTS machine_telemetry;
                CREATE TABLE machine_telemetry (machine TEXT NOT NULL, seq BIGINT NOT NULL, kind TEXT NOT NULL, ts TEXT NOT NULL,
                  good BIGINT, scrap BIGINT, run_seconds BIGINT, state TEXT, received_at TEXT NOT NULL, PRIMARY KEY (machine, seq));
                """);
            return new TableSink(connection);
        }

        public async Task StoreAsync(IReadOnlyList<TelemetryMessage> batch, CancellationToken ct)
        {
            Interlocked.Add(ref _handed, batch.Count);
            await using var transaction = await _connection.BeginTransactionAsync(ct);
            if (_connection is NpgsqlConnection)
            {
                await using var insert = (NpgsqlCommand)_connection.CreateCommand();
                insert.Transaction = (NpgsqlTransaction)transaction;
                insert.CommandText = """
                    INSERT INTO machine_telemetry (machine, seq, kind, ts, good, scrap, run_seconds, state, received_at)
                    SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::text[], $9::text[])
                    ON CONFLICT (machine, seq) DO NOTHING
                    """;
                insert.Parameters.Add(new NpgsqlParameter { Value = batch.Select(m => m.MachineCode).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = batch.Select(m => m.Seq).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = batch.Select(m => m.Kind.ToString()).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = batch.Select(m => m.Timestamp.ToString("O")).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = batch.Select(m => (long?)m.Counters?.Good).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                insert.Parameters.Add(new NpgsqlParameter { Value = batch.Select(m => (long?)m.Counters?.Scrap).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                insert.Parameters.Add(new NpgsqlParameter { Value = batch.Select(m => (long?)m.Counters?.RunSeconds).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                insert.Parameters.Add(new NpgsqlParameter { Value = batch.Select(m => m.State?.ToString()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                insert.Parameters.Add(new NpgsqlParameter { Value = batch.Select(m => m.ReceivedAt.ToString("O")).ToArray() });
                await insert.ExecuteNonQueryAsync(ct);
            }
            else
            {
                await using var insert = _connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT OR IGNORE INTO machine_telemetry (machine, seq, kind, ts, good, scrap, run_seconds, state, received_at)
                    VALUES ($m, $s, $k, $t, $g, $x, $r, $st, $at)
                    """;
                var parameters = new[] { "$m", "$s", "$k", "$t", "$g", "$x", "$r", "$st", "$at" }.Select(name =>
                {
                    var p = insert.CreateParameter();
                    p.ParameterName = name;
                    insert.Parameters.Add(p);
                    return p;
                }).ToArray();
                insert.Prepare();
                foreach (var m in batch)
                {
                    parameters[0].Value = m.MachineCode;
                    parameters[1].Value = m.Seq;
                    parameters[2].Value = m.Kind.ToString();
                    parameters[3].Value = m.Timestamp.ToString("O");
                    parameters[4].Value = (object?)m.Counters?.Good ?? DBNull.Value;
                    parameters[5].Value = (object?)m.Counters?.Scrap ?? DBNull.Value;
                    parameters[6].Value = (object?)m.Counters?.RunSeconds ?? DBNull.Value;
                    parameters[7].Value = (object?)m.State?.ToString() ?? DBNull.Value;
                    parameters[8].Value = m.ReceivedAt.ToString("O");
                    await insert.ExecuteNonQueryAsync(ct);
                }
            }
            await transaction.CommitAsync(ct);
        }

        public async Task<(long Rows, long Distinct)> CountAsync()
        {
            await using var count = _connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*), (SELECT COUNT(*) FROM (SELECT DISTINCT machine, seq FROM machine_telemetry) d) FROM machine_telemetry";
            await using var reader = await count.ExecuteReaderAsync();
            await reader.ReadAsync();
            return (reader.GetInt64(0), reader.GetInt64(1));
        }

        private static async Task ExecuteAsync(System.Data.Common.DbConnection connection, string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
    }
}
