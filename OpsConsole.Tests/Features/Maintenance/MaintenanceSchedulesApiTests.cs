using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Features.Maintenance;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>/api/maintenance/schedules, the machine QR code and the tickets list's saved views: roles, ProblemDetails, snake_case (ADR 0030).</summary>
public sealed class MaintenanceSchedulesApiTests(SharedApp app) : IClassFixture<SharedApp>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<int> MachineAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        return (await MaintenanceTestData.MachinesAsync(db, 1))[0];
    }

    [Fact]
    public async Task AdminsCreateEditAndRunSchedules_OperatorsAreRefused_EveryoneReads()
    {
        var machine = await MachineAsync();
        using var viewer = await app.ClientAsAsync("viewer");
        using var op = await app.ClientAsAsync("operator");
        using var admin = await app.ClientAsAsync("admin");
        var body = $$"""{"machine_id": {{machine}}, "title": "Grease the slide", "trigger": "run_hours", "interval": 500}""";

        var refused = await op.PostAsync("/api/maintenance/schedules", Json(body));
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var created = await admin.PostAsync("/api/maintenance/schedules", Json(body));
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var schedule = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = schedule.GetProperty("id").GetInt32();
        created.Headers.Location!.ToString().Should().Be($"/api/maintenance/schedules/{id}");
        (schedule.GetProperty("trigger").GetString(), schedule.GetProperty("priority").GetString(), schedule.GetProperty("progress").GetProperty("text").GetString(),
            schedule.GetProperty("version").GetInt32()).Should().Be(("run_hours", "medium", "0 of 500 h", 1));

        var listed = await viewer.GetFromJsonAsync<JsonElement>($"/api/maintenance/schedules?machine_id={machine}");
        listed.EnumerateArray().Select(s => s.GetProperty("title").GetString()).Should().Equal("Grease the slide");
        await (await admin.PostAsync("/api/maintenance/schedules", Json($$"""{"machine_id": {{machine}}, "title": "x", "trigger": "days", "interval": 0}""")))
            .ShouldBeValidationProblemAsync("interval");
        await (await admin.PostAsync("/api/maintenance/schedules", Json("""{"machine_id": 999999, "title": "x", "trigger": "days", "interval": 3}""")))
            .ShouldBeValidationProblemAsync("machine_id");
        await (await viewer.GetAsync("/api/maintenance/schedules?machine_id=abc")).ShouldBeValidationProblemAsync("machine_id");

        (await op.PutAsync($"/api/maintenance/schedules/{id}", Json("""{"version": 1, "enabled": false}"""))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var disabled = await admin.PutAsync($"/api/maintenance/schedules/{id}", Json("""{"version": 1, "enabled": false}"""));
        (await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("enabled").GetBoolean().Should().BeFalse();
        var stale = await admin.PutAsync($"/api/maintenance/schedules/{id}", Json("""{"version": 1, "title": "y"}"""));
        stale.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32().Should().Be(2);

        (await op.PostAsync($"/api/maintenance/schedules/{id}/run", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var run = await admin.PostAsync($"/api/maintenance/schedules/{id}/run", null);
        run.StatusCode.Should().Be(HttpStatusCode.Created, await run.Content.ReadAsStringAsync());
        var ticket = await run.Content.ReadFromJsonAsync<JsonElement>();
        (ticket.GetProperty("kind").GetString(), ticket.GetProperty("origin").GetString(), ticket.GetProperty("status").GetString())
            .Should().Be(("planned", "schedule", "open"));
        var again = await admin.PostAsync($"/api/maintenance/schedules/{id}/run", null);
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticket_id").GetInt64().Should().Be(ticket.GetProperty("id").GetInt64());
        (await viewer.GetFromJsonAsync<JsonElement>($"/api/maintenance/schedules/{id}")).GetProperty("open_ticket_id").GetInt64()
            .Should().Be(ticket.GetProperty("id").GetInt64());
        (await viewer.GetAsync("/api/maintenance/schedules/999999")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheQrCode_IsAnSvgOfTheReportAddressWithTheMachineChosen()
    {
        var machine = await MachineAsync();
        using var viewer = await app.ClientAsAsync("viewer");

        var response = await viewer.GetAsync($"/api/maintenance/machines/{machine}/qr.svg");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("image/svg+xml");
        var svg = await response.Content.ReadAsStringAsync();
        svg.Should().Contain("<svg").And.Contain("viewBox");
        // No QR decoder is served here: the same generator fed the expected address draws exactly the same modules.
        var expected = $"{viewer.BaseAddress!.GetLeftPart(UriPartial.Authority)}/maintenance/report?machine_id={machine}";
        svg.Should().Be(MachineQrCodes.Svg(expected));
        svg.Should().NotBe(MachineQrCodes.Svg(expected + "0"), "another address draws another code");
        (await viewer.GetAsync("/api/maintenance/machines/999999/qr.svg")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SavedViews_PersonalStayWithTheirOwner_SharedAreSeenByAll_OnlySupervisorsShare()
    {
        using var viewer = await app.ClientAsAsync("viewer");
        using var op = await app.ClientAsAsync("operator");
        using var supervisor = await app.ClientAsAsync("supervisor");
        using var admin = await app.ClientAsAsync("admin");
        var mine = $"Mine {Guid.NewGuid():N}"[..16];
        var team = $"Team {Guid.NewGuid():N}"[..16];

        var saved = await op.PostAsync("/api/maintenance/tickets/views", Json($$"""{"name": "{{mine}}", "query": "?status=all&q=oil leak"}"""));
        saved.StatusCode.Should().Be(HttpStatusCode.Created, await saved.Content.ReadAsStringAsync());
        var personal = await saved.Content.ReadFromJsonAsync<JsonElement>();
        (personal.GetProperty("query").GetString(), personal.GetProperty("mine").GetBoolean(), personal.GetProperty("shared").GetBoolean())
            .Should().Be(("status=all&q=oil%20leak", true, false));
        (await op.PostAsync("/api/maintenance/tickets/views", Json($$"""{"name": "{{team}}", "query": "priority=high", "shared": true}""")))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden, "sharing a view with everyone is for supervisors and admins");
        var shared = await supervisor.PostAsync("/api/maintenance/tickets/views", Json($$"""{"name": "{{team}}", "query": "priority=high", "shared": true}"""));
        shared.StatusCode.Should().Be(HttpStatusCode.Created);
        var sharedId = (await shared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        async Task<List<string?>> NamesAsync(HttpClient client) =>
            (await client.GetFromJsonAsync<JsonElement>("/api/maintenance/tickets/views")).EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToList();
        (await NamesAsync(op)).Should().Contain([mine, team]);
        (await NamesAsync(viewer)).Should().Contain(team).And.NotContain(mine);
        (await NamesAsync(supervisor)).Should().NotContain(mine);

        await (await op.PostAsync("/api/maintenance/tickets/views", Json("""{"name": " ", "query": "status=all"}"""))).ShouldBeValidationProblemAsync("name");
        await (await op.PostAsync("/api/maintenance/tickets/views", Json("""{"name": "x", "query": "https://evil.example/#x"}"""))).ShouldBeValidationProblemAsync("query");
        var personalId = personal.GetProperty("id").GetInt32();
        (await supervisor.DeleteAsync($"/api/maintenance/tickets/views/{personalId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await viewer.DeleteAsync($"/api/maintenance/tickets/views/{sharedId}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await admin.DeleteAsync($"/api/maintenance/tickets/views/{sharedId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await op.DeleteAsync($"/api/maintenance/tickets/views/{personalId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await NamesAsync(op)).Should().NotContain([mine, team]);
    }
}
