using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Yard;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Settings;

/// <summary>GET /api/settings and PUT /api/settings/{module}: every module's runtime settings, changed by admins, every error at once.</summary>
public sealed class SettingsApiTests(SharedApp app) : IClassFixture<SharedApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_ShowsEverySectionWithValuesDefaultsAndRanges_ToAViewer()
    {
        using var viewer = await app.ClientAsAsync("viewer");

        var sections = await viewer.GetFromJsonAsync<JsonElement>("/api/settings", Ct);

        sections.EnumerateArray().Select(s => s.GetProperty("module").GetString()).Should().BeEquivalentTo(["etl", "dispatch", "yard", "maintenance"]);
        var etl = sections.EnumerateArray().Single(s => s.GetProperty("module").GetString() == "etl");
        var rate = etl.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "alert_failure_percent");
        rate.GetProperty("kind").GetString().Should().Be("number");
        rate.GetProperty("default_value").GetDouble().Should().Be(20);
        rate.GetProperty("max").GetDouble().Should().Be(100);
        rate.GetProperty("unit").GetString().Should().Be("%");
        var dryRun = sections.EnumerateArray().Single(s => s.GetProperty("module").GetString() == "yard").GetProperty("settings").EnumerateArray()
            .Single(s => s.GetProperty("key").GetString() == "dry_run");
        dryRun.GetProperty("value").ValueKind.Should().Be(JsonValueKind.False);
        dryRun.GetProperty("min").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Update_WithBadValues_Is400NamingEveryField_AndAViewerIsRefused()
    {
        using var admin = await app.ClientAsAsync("admin");
        using var viewer = await app.ClientAsAsync("viewer");

        var response = await admin.PutAsJsonAsync("/api/settings/dispatch", new { lease_minutes = -1, alert_ready_tasks = 2.5, alert_pending_suggestions = "lots" }, Ct);

        var problem = await response.ShouldBeValidationProblemAsync("lease_minutes");
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().BeEquivalentTo(["lease_minutes", "alert_ready_tasks", "alert_pending_suggestions"]);
        problem.GetProperty("errors").GetProperty("alert_ready_tasks")[0].GetString().Should().Be("Ready-tasks alert must be a whole number from 0 to 1000000 tasks.");
        (await viewer.PutAsJsonAsync("/api/settings/dispatch", new { lease_minutes = 5 }, Ct)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await admin.PutAsJsonAsync("/api/settings/weather", new { wind = 3 }, Ct)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Update_SavesAppliesAndAudits_AndTheYardsOwnRouteReadsTheSameSetting()
    {
        using var admin = await app.ClientAsAsync("admin");

        var response = await admin.PutAsJsonAsync("/api/settings/yard", new { stale_task_hours = 6, dry_run = true }, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var section = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        section.GetProperty("updated_by").GetString().Should().Be("admin");
        var yard = await admin.GetFromJsonAsync<JsonElement>("/api/yard/settings", Ct);
        yard.GetProperty("stale_task_hours").GetInt32().Should().Be(6);
        yard.GetProperty("dry_run").GetBoolean().Should().BeTrue();
        app.Services.GetRequiredService<YardPoller>().Status.Settings.StaleTaskHours.Should().Be(6);
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/audit?entity=Settings&module=yard", Ct);
        var entry = audit.GetProperty("items").EnumerateArray().First();
        entry.GetProperty("action").GetString().Should().Be("settings.update");
        entry.GetProperty("before").GetString().Should().Be("""{"stale_task_hours":8,"dry_run":false}""");
        entry.GetProperty("after").GetString().Should().Be("""{"stale_task_hours":6,"dry_run":true}""");

        (await admin.PutAsJsonAsync("/api/yard/settings", new { dry_run = false }, Ct)).EnsureSuccessStatusCode();
        var sections = await admin.GetFromJsonAsync<JsonElement>("/api/settings", Ct);
        sections.EnumerateArray().Single(s => s.GetProperty("module").GetString() == "yard").GetProperty("settings").EnumerateArray()
            .Single(s => s.GetProperty("key").GetString() == "dry_run").GetProperty("value").GetBoolean().Should().BeFalse();
    }
}
