using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.Infrastructure.Mqtt;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Simulators.Sync;
using OpsConsole.Tests.TestSupport;
using static OpsConsole.Tests.TestSupport.SyncTestData;

namespace OpsConsole.Tests.Infrastructure.Cluster;

/// <summary>
/// Two clustered consoles as separate processes on one PostgreSQL, Redis and mosquitto (issue 20 item 9), in one
/// scenario because a cluster takes most of a minute to start on two busy cores: started at the same moment, busy
/// with telemetry and a sync run, then A killed with SIGKILL (as when its machine dies), then A back.
/// </summary>
public sealed class ClusterProcessesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Telemetry messages this console process handed to its sink and acknowledged (its own /metrics).</summary>
    private static async Task<long> StoredByAsync(ConsoleProcess console)
    {
        using var client = new HttpClient();
        var text = await client.GetStringAsync(console.BaseUrl + "/metrics");
        return text.Split('\n').Where(l => l.StartsWith("opsconsole_maintenance_telemetry_stored_total", StringComparison.Ordinal))
            .Sum(l => (long)double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    private static async Task MachinesAsync(ConsoleCluster cluster)
    {
        await using var db = OpsDatabase.Create(cluster.Database);
        var area = new Area { Name = "Cluster press shop" };
        db.Set<Area>().Add(area);
        await db.SaveChangesAsync(Ct);
        db.Set<Machine>().AddRange(Enumerable.Range(0, 4).Select(i => new Machine
        {
            Code = $"M-{i:D2}", Name = $"Press {i}", AreaId = area.Id, State = MachineState.Idle, StateSince = DateTime.UtcNow.AddHours(-1), Version = 1,
        }));
        await db.SaveChangesAsync(Ct);
    }

    private static async Task<IReadOnlyList<(string Machine, long Seq)>> StoredKeysAsync(ConsoleCluster cluster)
    {
        await using var db = OpsDatabase.Create(cluster.Database);
        return (await db.Set<MachineEvent>().Where(e => e.Seq != null).Join(db.Set<Machine>(), e => e.MachineId, m => m.Id, (e, m) => new { m.Code, e.Seq })
            .ToListAsync(Ct)).Select(k => (k.Code, k.Seq!.Value)).ToList();
    }

    [Fact]
    public async Task TwoConsoleProcesses_StartedTogether_SurviveTheKillOfOne_AndItsReturn()
    {
        // The task systems live outside both consoles (a console of the test's own serves the simulators), so a sync
        // run outlives the instance that started it.
        await using var systems = new SyncApp();
        await systems.InitializeAsync();
        var simulators = ResetSimulators(systems, sourceTasks: 300);
        var jsonOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        OpsConsole.Infrastructure.Api.ApiJson.Configure(jsonOptions);

        await using var cluster = await ConsoleCluster.StartAsync(TestRedis.Shared(), new Dictionary<string, string>
        {
            ["Operations__Metrics"] = "Anonymous", ["Mqtt__BatchLingerMilliseconds"] = "5",
            ["Upstreams__sync-source__BaseUrl"] = $"{systems.BaseUrl}/sim/sync-source/",
            ["Upstreams__sync-destination__BaseUrl"] = $"{systems.BaseUrl}/sim/sync-destination/",
            ["Sync__LeaseSeconds"] = "6", ["AUTO_SYNC_ENABLED"] = "false",
        });

        // Started at the same moment: each migration applied once, one data-protection key, and A's token works on B.
        var migrations = await cluster.ScalarAsync<long>("""SELECT count(*) FROM "__EFMigrationsHistory" """);
        (await cluster.ScalarAsync<long>("""SELECT count(DISTINCT "MigrationId") FROM "__EFMigrationsHistory" """)).Should().Be(migrations);
        (await cluster.ScalarAsync<long>("SELECT count(*) FROM data_protection_keys")).Should().Be(1, "the first instance under the start-up lock makes the one key");
        using var onA = await ApiClients.SignedInAsync(cluster["a"].BaseUrl, "admin");
        using var onB = new HttpClient { BaseAddress = new Uri(cluster["b"].BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        onB.DefaultRequestHeaders.Authorization = onA.DefaultRequestHeaders.Authorization;
        var instances = await onB.GetFromJsonAsync<JsonElement>("/api/scheduler/instances", Ct);
        instances.EnumerateArray().Select(i => i.GetProperty("instance").GetString()).Should().BeEquivalentTo(["a", "b"]);

        // Telemetry: both instances subscribed, the broker shares the first half between them.
        await MachinesAsync(cluster);
        const string Stored = """SELECT count(*) FROM maintenance_machine_events WHERE "Seq" IS NOT NULL""";
        var plan = TestMachines.Plan(machines: 4, count: 400);
        await using var machines = new TestMachines(cluster.MqttPort, cluster.MqttPrefix);
        await machines.PublishAsync(plan[..200], ct: Ct);
        await Until.TrueAsync(async () => await cluster.ScalarAsync<long>(Stored) == 200, "the first 200 messages stored", TimeSpan.FromSeconds(30));
        (await StoredByAsync(cluster["a"])).Should().BeGreaterThan(0, "a gets a share");
        (await StoredByAsync(cluster["b"])).Should().BeGreaterThan(0, "b gets a share");

        // A sync run on A, paced by the destination's rate limit, under way when A dies.
        var request = SyncDemoConnection.Request() with { Name = "cluster" };
        var created = await onA.PostAsJsonAsync("/api/sync/connections", request, jsonOptions, Ct);
        created.EnsureSuccessStatusCode();
        var connectionId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
        simulators.Destination.Configure(new TaskSystemSettings() with { RateLimitRequests = 25, RateLimitWindowSeconds = 1 });
        var runOnA = onA.PostAsJsonAsync("/api/sync", new { connection_id = connectionId }, Ct);
        await Until.TrueAsync(() => simulators.Destination.Count >= 40, "A's run to create some tasks", TimeSpan.FromSeconds(60));

        var killedAt = await cluster.ScalarAsync<DateTime>("SELECT now() AT TIME ZONE 'utc'");
        var clock = Stopwatch.StartNew();
        await cluster["a"].KillAsync();
        await FluentActions.Awaiting(() => runOnA).Should().ThrowAsync<HttpRequestException>("A died under its run");

        // B finds A gone (5 s check-in, 7.5 s threshold), recovers what A had acquired, and runs every trigger.
        await Until.TrueAsync(async () => await cluster.ScalarAsync<long>("SELECT count(*) FROM qrtz_scheduler_state WHERE instance_name LIKE 'a/%'") == 0
            && await cluster.ScalarAsync<long>("SELECT count(*) FROM qrtz_fired_triggers WHERE instance_name LIKE 'a/%'") == 0,
            "B to recover A's scheduler state and fired triggers", TimeSpan.FromSeconds(25));
        var stamp = killedAt.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        await Until.TrueAsync(async () => await cluster.ScalarAsync<long>(
                $"""SELECT count(*) FROM job_runs WHERE "JobKey" = 'shared.upstream-probe' AND "Instance" = 'b' AND "StartedAt" > '{stamp}'""") > 0,
            "B to run the upstream probe (every 15 s) after A died", TimeSpan.FromSeconds(25) - clock.Elapsed + TimeSpan.FromSeconds(1));
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(25), "the issue's bound for taking over");
        var jobs = await onB.GetFromJsonAsync<JsonElement>("/api/scheduler/jobs", Ct);
        jobs.EnumerateArray().Where(j => j.TryGetProperty("running_on", out var on) && on.GetString() == "a").Should().BeEmpty("a dead instance runs nothing");

        // Telemetry published while A is dead: B stores its share; A's share waits in A's session on the broker
        // (mosquitto does not hand it to another member of the group) until A is back with its client id (ADR 0040).
        await machines.PublishAsync(plan[200..], ct: Ct);

        // The sync run resumes on B once A's lease has run out (6 s here), with no duplicate at the destination.
        HttpResponseMessage? runOnB = null;
        await Until.TrueAsync(async () =>
        {
            runOnB = await onB.PostAsJsonAsync("/api/sync", new { connection_id = connectionId }, Ct);
            return runOnB.StatusCode != System.Net.HttpStatusCode.Conflict;
        }, "B to run the connection once A's lease ran out", TimeSpan.FromSeconds(60));
        runOnB!.EnsureSuccessStatusCode();
        simulators.Destination.Configure(new TaskSystemSettings());
        var destination = await AllAsync(Destination(systems));
        destination.Should().HaveCount(300, "every source task once");
        destination.Select(t => t["origin_ref"]).Should().OnlyHaveUniqueItems("no task created twice across the kill");
        var history = await onB.GetFromJsonAsync<JsonElement>($"/api/sync/history?connection_id={connectionId}", Ct);
        history.ToString().Should().NotContain("\"running\"", "A's run is closed as abandoned, not left running");

        // A is back with its client id: its session's messages arrive, and a redelivered one is a no-op.
        await cluster.StartAsync("a");
        await Until.TrueAsync(async () => await cluster.ScalarAsync<long>(Stored) == plan.Count, "all 400 messages stored", TimeSpan.FromSeconds(60));
        (await StoredKeysAsync(cluster)).Should().BeEquivalentTo(plan, "every message once: none lost with A, none doubled by its redelivery");
    }
}
