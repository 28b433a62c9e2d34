using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Simulators.Etl;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Etl;

/// <summary>A big job killed or cancelled while it stores: never a partial set of records.</summary>
public sealed class EtlCrashTests
{
    private const int RowsPerFile = 100_000;

    public static TheoryData<string> Providers => new("Sqlite", "PostgreSql");

    /// <summary>Waits until the job has chosen its files, i.e. it is about to parse and store.</summary>
    private static async Task<Guid> WaitUntilStoringAsync(DatabaseOptions database, CancellationToken ct)
    {
        for (var i = 0; i < 1200; i++)
        {
            await using var db = OpsDatabase.Create(database);
            var chosen = await db.EtlJobEvents.AsNoTracking().Where(e => e.Kind == "chosen").Select(e => (Guid?)e.JobId).FirstOrDefaultAsync(ct);
            if (chosen is { } id)
            {
                return id;
            }
            await Task.Delay(20, ct);
        }
        throw new TimeoutException("The job never reached the store step.");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task KilledWhileStoring_RunsAgainAfterRestart_AndEndsWithExactlyOneCompleteSet(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var database = TestDatabases.For(provider);
        var settings = new Dictionary<string, string>
        {
            ["Simulators__Enabled"] = "true",
            ["Simulators__EtlRows"] = RowsPerFile.ToString(),
            ["Etl__LeaseSeconds"] = "3",
            ["Etl__FileStore"] = Path.Combine(TestDatabases.NewTempFolder(), "files"),
        };
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2);
        Guid jobId;
        await using (var first = await ConsoleProcess.StartAsync(database, settings))
        {
            using var admin = await ApiClients.SignedInAsync(first.BaseUrl, "admin");
            (await admin.PostAsJsonAsync("/api/branches", new
            {
                id = "B001", name = "Big shop", pos_count = 1, active_from = day.AddDays(-5).ToString("yyyy-MM-dd"),
                parser_config = JsonDocument.Parse(EtlFileHostSimulator.ParserFor("B001").ToJson()).RootElement,
            }, ct)).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync("/api/jobs/fetch", new { branch = "B001", pos = 1, date = day.ToString("yyyy-MM-dd") }, ct)).EnsureSuccessStatusCode();
            jobId = await WaitUntilStoringAsync(database, ct);
            await first.KillAsync();
        }

        await using (var db = OpsDatabase.Create(database))
        {
            var partial = await db.EtlRecords.CountAsync(r => r.JobId == jobId, ct);
            partial.Should().BeOneOf([0, 2 * RowsPerFile], "the store is one transaction: all or nothing");
        }

        await using var second = await ConsoleProcess.StartAsync(database, settings);
        using var again = await ApiClients.SignedInAsync(second.BaseUrl, "admin");
        var detail = await EtlApiTests.WaitForAsync(again, jobId.ToString(), "succeeded", "failed");
        detail.GetProperty("job").GetProperty("status").GetString().Should().Be("succeeded", detail.ToString());
        detail.GetProperty("job").GetProperty("record_count").GetInt32().Should().Be(2 * RowsPerFile);
        await using (var db = OpsDatabase.Create(database))
        {
            (await db.EtlRecords.CountAsync(r => r.JobId == jobId, ct)).Should().Be(2 * RowsPerFile, "exactly one complete set");
        }
    }

    [Fact]
    public async Task CancelWhileRunning_StoresNothing_AndTheJobEndsCancelled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await EtlApiTests.StartAsync(settings: new() { ["Etl:LeaseSeconds"] = "3" });
        using var admin = await app.ClientAsAsync("admin");
        // A slow file host keeps the job in its run long enough to cancel it there.
        (await admin.PutAsJsonAsync("/api/simulators/etl/faults", new { error_rate = 0, latency_ms = 1500, malformed = false, outage = false }, ct)).EnsureSuccessStatusCode();
        var day = EtlApiTests.DayWithFiles("B001", 1);
        var fetch = await (await admin.PostAsJsonAsync("/api/jobs/fetch", new { branch = "B001", pos = 1, date = day.ToString("yyyy-MM-dd") }, ct))
            .Content.ReadFromJsonAsync<JsonElement>(ct);
        var jobId = fetch.GetProperty("job_id").GetString()!;
        await EtlApiTests.WaitForAsync(admin, jobId, "running");
        (await admin.PostAsync($"/api/jobs/{jobId}/cancel", null, ct)).EnsureSuccessStatusCode();

        var detail = await EtlApiTests.WaitForAsync(admin, jobId, "cancelled", "succeeded", "failed");
        detail.GetProperty("job").GetProperty("status").GetString().Should().Be("cancelled");
        await using var db = OpsDatabase.Create(app.Database);
        (await db.EtlRecords.CountAsync(r => r.JobId == Guid.Parse(jobId), ct)).Should().Be(0, "a cancelled run stores nothing");
        detail.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("kind").GetString()).Should().Contain(["cancel-requested", "cancelled"]);
        (await admin.PostAsync($"/api/jobs/{jobId}/cancel", null, ct)).StatusCode.Should().Be(System.Net.HttpStatusCode.Conflict, "it is no longer running");
    }
}
