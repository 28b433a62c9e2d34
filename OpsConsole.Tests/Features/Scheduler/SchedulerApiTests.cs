using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Scheduler;

public sealed class SchedulerApiTests
{
    private const string Probe = "shared.upstream-probe";

    [Fact]
    public async Task Jobs_AreListedWithScheduleAndNextFire()
    {
        await using var app = new OpsAppFactory();
        using var viewer = await app.ClientAsAsync("viewer");
        var jobs = await viewer.GetFromJsonAsync<JsonElement>("/api/scheduler/jobs");
        var probe = jobs.EnumerateArray().Single(j => j.GetProperty("key").GetString() == Probe);
        probe.GetProperty("cron").GetString().Should().Be("0/15 * * * * ?");
        probe.GetProperty("next_fire_at").GetDateTime().Should().BeAfter(DateTime.UtcNow.AddSeconds(-1)).And.BeBefore(DateTime.UtcNow.AddSeconds(16));
    }

    [Fact]
    public async Task Reschedule_AppliesAtOnce_IsAudited_AndSurvivesARestart()
    {
        var database = TestDatabases.NewSqlite();
        await using (var app = new OpsAppFactory(database))
        {
            using var admin = await app.ClientAsAsync("admin");
            var response = await admin.PutAsJsonAsync($"/api/scheduler/jobs/{Probe}/schedule", new { cron = "0 0 3 * * ?" });
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var job = await response.Content.ReadFromJsonAsync<JsonElement>();
            job.GetProperty("cron").GetString().Should().Be("0 0 3 * * ?");
            job.GetProperty("next_fire_at").GetDateTime().TimeOfDay.Should().Be(TimeSpan.FromHours(3));
            (await admin.PostAsync($"/api/scheduler/jobs/{Probe}/pause", null)).StatusCode.Should().Be(HttpStatusCode.OK);

            var log = await admin.GetFromJsonAsync<JsonElement>("/api/audit?entity=JobSchedule");
            log.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("action").GetString()).Should().Contain(["job.reschedule", "job.pause"]);
            // The value before is kept, the first change from the default schedule included.
            var reschedule = log.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("action").GetString() == "job.reschedule");
            reschedule.GetProperty("before").GetString().Should().Contain("0/15 * * * * ?").And.Contain("false");
            var pause = log.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("action").GetString() == "job.pause");
            pause.GetProperty("before").GetString().Should().Contain("0 0 3 * * ?");
        }

        await using (var restarted = new OpsAppFactory(database))
        {
            using var viewer = await restarted.ClientAsAsync("viewer");
            var jobs = await viewer.GetFromJsonAsync<JsonElement>("/api/scheduler/jobs");
            var probe = jobs.EnumerateArray().Single(j => j.GetProperty("key").GetString() == Probe);
            probe.GetProperty("cron").GetString().Should().Be("0 0 3 * * ?");
            probe.GetProperty("is_paused").GetBoolean().Should().BeTrue();
        }
    }

    [Theory]
    [InlineData("every minute")]
    [InlineData("")]
    [InlineData("61 * * * * ?")]
    public async Task Reschedule_WithABadCron_Is400NamingCron_AndChangesNothing(string cron)
    {
        await using var app = new OpsAppFactory();
        using var admin = await app.ClientAsAsync("admin");
        await (await admin.PutAsJsonAsync($"/api/scheduler/jobs/{Probe}/schedule", new { cron })).ShouldBeValidationProblemAsync("cron");
        var jobs = await admin.GetFromJsonAsync<JsonElement>("/api/scheduler/jobs");
        jobs.EnumerateArray().Single(j => j.GetProperty("key").GetString() == Probe).GetProperty("cron").GetString().Should().Be("0/15 * * * * ?");
    }

    [Fact]
    public async Task RunNow_RunsTheJob_AndRecordsItsOutcomeAndDuration()
    {
        await using var app = new OpsAppFactory();
        using var admin = await app.ClientAsAsync("admin");
        (await admin.PostAsync($"/api/scheduler/jobs/{Probe}/run", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        JsonElement lastRun = default;
        for (var i = 0; i < 50 && lastRun.ValueKind != JsonValueKind.Object; i++)
        {
            await Task.Delay(100);
            var jobs = await admin.GetFromJsonAsync<JsonElement>("/api/scheduler/jobs");
            lastRun = jobs.EnumerateArray().Single(j => j.GetProperty("key").GetString() == Probe).GetProperty("last_run");
        }
        lastRun.ValueKind.Should().Be(JsonValueKind.Object);
        lastRun.GetProperty("outcome").GetString().Should().Be("succeeded");
        lastRun.GetProperty("duration").GetString().Should().NotBeNullOrEmpty();
    }
}
