using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Cluster;

/// <summary>
/// Two clustered consoles as separate processes on one PostgreSQL, Redis and mosquitto (issue 20 item 9): started at
/// the same moment, then one killed with SIGKILL, as when its machine dies.
/// </summary>
public sealed class ClusterProcessesTests
{
    [Fact]
    public async Task StartedAtTheSameMoment_TheyShareOneSchemaAndOneKey_AndWhenOneIsKilledTheOtherTakesItsScheduledWorkWithin25s()
    {
        await using var cluster = await ConsoleCluster.StartAsync(TestRedis.Shared());

        // One schema, one key ring: each migration applied once, one data-protection key, and A's token works on B.
        var migrations = await cluster.ScalarAsync<long>("""SELECT count(*) FROM "__EFMigrationsHistory" """);
        (await cluster.ScalarAsync<long>("""SELECT count(DISTINCT "MigrationId") FROM "__EFMigrationsHistory" """)).Should().Be(migrations);
        (await cluster.ScalarAsync<long>("SELECT count(*) FROM data_protection_keys")).Should().Be(1, "the first instance under the start-up lock makes the one key");
        (await cluster.ScalarAsync<long>("SELECT count(*) FROM \"AspNetRoles\"")).Should().BeGreaterThan(0);
        using var onA = await ApiClients.SignedInAsync(cluster["a"].BaseUrl, "admin");
        using var tokenOnB = new HttpClient { BaseAddress = new Uri(cluster["b"].BaseUrl) };
        tokenOnB.DefaultRequestHeaders.Authorization = onA.DefaultRequestHeaders.Authorization;
        var instances = await tokenOnB.GetFromJsonAsync<JsonElement>("/api/scheduler/instances");
        instances.EnumerateArray().Select(i => i.GetProperty("instance").GetString()).Should().BeEquivalentTo(["a", "b"]);

        // A dies. B finds it gone (5 s check-in, 7.5 s threshold), recovers what A had acquired, and runs every trigger.
        var killedAt = await cluster.ScalarAsync<DateTime>("SELECT now() AT TIME ZONE 'utc'");
        var clock = Stopwatch.StartNew();
        await cluster["a"].KillAsync();
        await Until.TrueAsync(async () => await cluster.ScalarAsync<long>("SELECT count(*) FROM qrtz_scheduler_state WHERE instance_name LIKE 'a/%'") == 0
            && await cluster.ScalarAsync<long>("SELECT count(*) FROM qrtz_fired_triggers WHERE instance_name LIKE 'a/%'") == 0,
            "B to recover A's scheduler state and fired triggers", TimeSpan.FromSeconds(25));
        var stamp = killedAt.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture);
        await Until.TrueAsync(async () => await cluster.ScalarAsync<long>(
                $"""SELECT count(*) FROM job_runs WHERE "JobKey" = 'shared.upstream-probe' AND "Instance" = 'b' AND "StartedAt" > '{stamp}'""") > 0,
            "B to run the upstream probe (every 15 s) after A died", TimeSpan.FromSeconds(25) - clock.Elapsed + TimeSpan.FromSeconds(1));
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(25), "the issue's bound for taking over");
        (await cluster.ScalarAsync<long>($"""SELECT count(*) FROM job_runs WHERE "Instance" = 'a' AND "StartedAt" > '{stamp}'""")).Should().Be(0);
        var jobs = await tokenOnB.GetFromJsonAsync<JsonElement>("/api/scheduler/jobs");
        jobs.EnumerateArray().Where(j => j.TryGetProperty("running_on", out var on) && on.GetString() == "a").Should().BeEmpty("a dead instance runs nothing");
    }
}
