using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Scheduling;

/// <summary>`Scheduler:Store=Persistent`: Quartz's clustered ADO store in the console's own PostgreSQL database.</summary>
public sealed class PersistentSchedulerTests
{
    [Fact]
    public async Task TwoConsoleProcesses_ShareOneClusteredSchedule_OnPostgreSql()
    {
        var database = TestDatabases.NewPostgres();
        var settings = new Dictionary<string, string> { ["Scheduler__Store"] = "Persistent" };
        await using var first = await ConsoleProcess.StartAsync(database, settings);
        await using var second = await ConsoleProcess.StartAsync(database, settings);

        using var a = await ApiClients.SignedInAsync(first.BaseUrl, "admin");
        using var b = await ApiClients.SignedInAsync(second.BaseUrl, "admin");
        (await a.PutAsJsonAsync("/api/scheduler/jobs/shared.upstream-probe/schedule", new { cron = "0 0 4 * * ?" })).EnsureSuccessStatusCode();
        var seenByOther = await b.GetFromJsonAsync<JsonElement>("/api/scheduler/jobs");
        seenByOther.EnumerateArray().Single(j => j.GetProperty("key").GetString() == "shared.upstream-probe")
            .GetProperty("cron").GetString().Should().Be("0 0 4 * * ?", "both instances read the one stored trigger");

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM qrtz_scheduler_state", connection);
        ((long)(await command.ExecuteScalarAsync())!).Should().Be(2, "each instance checks in to the cluster");
    }

}
