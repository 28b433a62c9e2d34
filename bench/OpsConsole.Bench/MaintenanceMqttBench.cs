using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;
using NpgsqlTypes;
using OpsConsole.Core;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Telemetry;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Infrastructure.Mqtt;

namespace OpsConsole.Bench;

/// <summary>
/// bench/run.sh maintenance-mqtt: 200 machines publish QoS 1 telemetry (nine production counters to one status report)
/// through mosquitto for --seconds (60 by default), three rounds in one run:
/// <list type="number">
/// <item>a bare MQTTnet subscriber that counts and drops: the broker's and client's ceiling on this machine;</item>
/// <item>the raw reference: the console's subscriber and batch writer (MqttServices, as registered in the app) into a
/// sink that only inserts each message into a table keyed on (machine, seq);</item>
/// <item>the console: the same subscriber and writer into the console's own store (<see cref="MachineTelemetryStore"/>
/// on a database made by the migrations, 200 telemetry-fed machines): machine events with their seq, production deltas
/// into the shift's record, state reports through the downtime logic, data age and sequence gaps.</item>
/// </list>
/// After publishing stops, a round lasts until everything published was stored (the rate is what was consumed over that
/// whole time); then the rows are checked: lost = acknowledged to a publisher but not stored, duplicated = rows beyond
/// the distinct (machine, seq) keys.
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

        // --only-console true: the console's round alone, for a profiler (dotnet-trace) to look at; prints no figure line.
        var onlyConsole = args.Optional("only-console") == "true";
        var ceiling = onlyConsole ? new Round(0, 0, TimeSpan.FromSeconds(1)) : await BareRoundAsync(port, seconds);
        Console.Error.WriteLine($"bare subscriber: {ceiling.Rate:N0} msg/s ({ceiling.Received:N0} of {ceiling.Published:N0} in {ceiling.Elapsed.TotalSeconds:N1} s)");

        await using var sink = await TableSink.CreateAsync(provider, args["connection"]);
        var raw = onlyConsole
            ? new StoredRound(new Round(0, 0, TimeSpan.FromSeconds(1)), 0, 0)
            : await PipelineRoundAsync(port, seconds, (services, _) => services.AddSingleton<ITelemetrySink>(sink), [], _ => sink.CountAsync());
        Console.Error.WriteLine($"raw table: {raw.Round.Rate:N0} msg/s, rows {raw.Rows:N0}, distinct {raw.Distinct:N0}");

        var folder = Directory.CreateTempSubdirectory("opsconsole-mqtt-bench");
        try
        {
            var console = await PipelineRoundAsync(port, seconds, (services, configuration) =>
            {
                services.AddSingleton(configuration);
                services.AddOpsCore(configuration);
            }, new()
            {
                ["Database:Provider"] = provider,
                ["ConnectionStrings:OpsConsole"] = args["console-connection"],
                ["Etl:FileStore"] = Path.Combine(folder.FullName, "files"),
                ["Maintenance:PhotoStore"] = Path.Combine(folder.FullName, "photos"),
            }, CountConsoleAsync, SeedConsoleAsync);
            Console.Error.WriteLine($"console store: {console.Round.Rate:N0} msg/s, events {console.Rows:N0}, distinct {console.Distinct:N0}");
            if (onlyConsole)
            {
                return console.Lost == 0 && console.Duplicated == 0 ? 0 : 1;
            }
            var ok = raw.Lost == 0 && raw.Duplicated == 0 && console.Lost == 0 && console.Duplicated == 0;
            var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
            Console.WriteLine($"MQTT ingest through mosquitto into {provider}, {Machines} machines, QoS 1, {seconds} s of publishing per round: " +
                $"the console's store (MachineTelemetryStore: events keyed on machine+seq, production deltas, states) {console.Round.Rate:N0} msg/s " +
                $"({console.Round.Published:N0} published, {console.Lost:N0} lost, {console.Duplicated:N0} duplicated); " +
                $"raw reference (same subscriber and batch writer, one INSERT per message into a table keyed on machine+seq) {raw.Round.Rate:N0} msg/s " +
                $"({raw.Lost:N0} lost, {raw.Duplicated:N0} duplicated), console/raw {console.Round.Rate / raw.Round.Rate:P0}; " +
                $"bare MQTTnet subscriber that counts and drops {ceiling.Rate:N0} msg/s; floor 5,000, aim 20,000 msg/s; batches acknowledged after commit; load average {load}");
            return ok ? 0 : 1;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private sealed record Round(long Published, long Received, TimeSpan Elapsed)
    {
        public double Rate => Received / Elapsed.TotalSeconds;
    }

    private sealed record StoredRound(Round Round, long Rows, long Distinct)
    {
        public long Lost => Round.Published - Distinct;
        public long Duplicated => Rows - Distinct;
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

    /// <summary>The console's MQTT client, parser and batch writer (as the app registers them) into the sink <paramref name="register"/> adds.</summary>
    private static async Task<StoredRound> PipelineRoundAsync(int port, int seconds, Action<IServiceCollection, IConfiguration> register,
        Dictionary<string, string?> settings, Func<IServiceProvider, Task<(long Rows, long Distinct)>> count, Func<IServiceProvider, Task>? prepare = null)
    {
        var prefix = "bench-pipe-" + Guid.NewGuid().ToString("N")[..6];
        settings["Mqtt:Enabled"] = "true";
        settings["Mqtt:EmbeddedBroker"] = "false";
        settings["Mqtt:Simulator:Enabled"] = "false";
        settings["Mqtt:Port"] = port.ToString();
        settings["Mqtt:TopicPrefix"] = prefix;
        settings["Mqtt:ClientId"] = prefix;
        settings["Mqtt:SessionExpirySeconds"] = "300";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddMetrics();
        services.AddSingleton(TimeProvider.System);
        register(services, configuration);
        services.AddMqttTelemetry(configuration, new HostingEnvironment { EnvironmentName = "Production" });
        await using var provider = services.BuildServiceProvider();
        if (prepare is not null)
        {
            await prepare(provider);
        }
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
        var (rows, distinct) = await count(provider);
        return new StoredRound(round, rows, distinct);
    }

    /// <summary>A fresh console database through the migrations, with the 200 machines fed by telemetry.</summary>
    private static async Task SeedConsoleAsync(IServiceProvider provider)
    {
        await using var db = await provider.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        await db.Database.EnsureDeletedAsync();
        await db.Database.MigrateAsync();
        var area = new Area { Name = "Bench hall" };
        db.MaintenanceAreas.Add(area);
        await db.SaveChangesAsync();
        var since = DateTime.UtcNow;
        for (var i = 0; i < Machines; i++)
        {
            db.Machines.Add(new Machine
            {
                Code = MachineCode(i), Name = $"Bench machine {i}", AreaId = area.Id, Feed = StateFeed.Telemetry, State = MachineState.Running,
                StateSource = StateSource.Telemetry, StateSince = since, Version = 1,
            });
        }
        await db.SaveChangesAsync();
    }

    private static async Task<(long Rows, long Distinct)> CountConsoleAsync(IServiceProvider provider)
    {
        await using var db = await provider.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        var events = db.MachineEvents.Where(e => e.Seq != null);
        var rows = await events.LongCountAsync();
        var distinct = await events.Select(e => new { e.MachineId, e.Seq }).Distinct().LongCountAsync();
        return (rows, distinct);
    }

    private static string MachineCode(long i) => $"M-{i % Machines:D3}";

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
                    var machine = MachineCode(i);
                    var seq = i / Machines + 1;
                    var status = seq % 10 == 0;
                    var payload = Encoding.UTF8.GetBytes(status
                        ? $$"""{"machine_id":"{{machine}}","seq":{{seq}},"ts":"{{DateTime.UtcNow:O}}","state":"running"}"""
                        : $$"""{"machine_id":"{{machine}}","seq":{{seq}},"ts":"{{DateTime.UtcNow:O}}","good":{{seq * 3}},"scrap":{{seq / 50}},"run_seconds":{{seq * 5}}}""");
                    var message = new MqttApplicationMessageBuilder().WithTopic(status ? topics.Status(machine) : topics.Production(machine)).WithPayload(payload)
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
    /// The raw reference's sink: one transaction per batch into a table keyed on (machine, seq), duplicates ignored by the key.
    /// SQLite: one connection, a prepared INSERT OR IGNORE per row. PostgreSQL: one INSERT … SELECT FROM unnest(arrays)
    /// ON CONFLICT DO NOTHING per batch.
    /// </summary>
    private sealed class TableSink : ITelemetrySink, IAsyncDisposable
    {
        private readonly System.Data.Common.DbConnection _connection;

        private TableSink(System.Data.Common.DbConnection connection) => _connection = connection;

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
