using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>/api/maintenance/calendars (ADR 0035): admins create (201) and edit with a version (409 on a stale one), errors name the field, others read.</summary>
public sealed class ShiftCalendarsApiTests(SharedApp app) : IClassFixture<SharedApp>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Body(string name, int? version = null, string start = "06:00") => $$"""
        {"version": {{(version?.ToString() ?? "null")}}, "name": "{{name}}", "time_zone": "Europe/Berlin", "shifts": [
          {"name": "Early", "days": ["mon", "tue", "wed", "thu", "fri"], "start": "{{start}}", "duration_minutes": 480},
          {"name": "Night", "days": ["sun"], "start": "22:00", "duration_minutes": 480}]}
        """;

    [Fact]
    public async Task AnAdminCreatesAndEditsACalendar_AStaleVersionIs409_EveryoneReadsIt()
    {
        var name = $"Press shop {Guid.NewGuid():N}"[..24];
        using var admin = await app.ClientAsAsync("admin");
        using var viewer = await app.ClientAsAsync("viewer");

        var created = await admin.PostAsync("/api/maintenance/calendars", Json(Body(name)));
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var calendar = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = calendar.GetProperty("id").GetInt32();
        created.Headers.Location!.ToString().Should().Be($"/api/maintenance/calendars/{id}");
        (calendar.GetProperty("version").GetInt32(), calendar.GetProperty("time_zone").GetString()).Should().Be((1, "Europe/Berlin"));
        var early = calendar.GetProperty("shifts")[0];
        (early.GetProperty("name").GetString(), early.GetProperty("start").GetString(), early.GetProperty("start_minute").GetInt32(),
            early.GetProperty("duration_minutes").GetInt32()).Should().Be(("Early", "06:00", 360, 480));
        early.GetProperty("days").EnumerateArray().Select(d => d.GetString()).Should().Equal("mon", "tue", "wed", "thu", "fri");

        var edited = await admin.PutAsync($"/api/maintenance/calendars/{id}", Json(Body(name, 1, "07:00")));
        edited.StatusCode.Should().Be(HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());
        (await edited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32().Should().Be(2);

        var stale = await admin.PutAsync($"/api/maintenance/calendars/{id}", Json(Body(name, 1, "08:00")));
        stale.StatusCode.Should().Be(HttpStatusCode.Conflict);
        stale.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32().Should().Be(2);

        var read = await viewer.GetFromJsonAsync<JsonElement>($"/api/maintenance/calendars/{id}");
        read.GetProperty("shifts")[0].GetProperty("start").GetString().Should().Be("07:00");
        (await viewer.GetFromJsonAsync<JsonElement>("/api/maintenance/calendars")).EnumerateArray()
            .Should().Contain(c => c.GetProperty("id").GetInt32() == id && c.GetProperty("version").GetInt32() == 2);
        (await viewer.GetAsync("/api/maintenance/calendars/999999")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BadInput_Is400NamingTheField_AnOverlapNamesTheLaterShiftsStart()
    {
        using var admin = await app.ClientAsAsync("admin");
        var refused = await admin.PostAsync("/api/maintenance/calendars", Json("""
            {"name": "Overlapping", "time_zone": "Nowhere/City", "shifts": [
              {"name": "Early", "days": ["mon"], "start": "06:00", "duration_minutes": 480},
              {"name": "Mid", "days": ["mon"], "start": "12:00", "duration_minutes": 1500}]}
            """));
        var problem = await refused.ShouldBeValidationProblemAsync("time_zone");
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().BeEquivalentTo("time_zone", "shifts[1].duration_minutes");

        var overlap = await admin.PostAsync("/api/maintenance/calendars", Json("""
            {"name": "Overlapping", "time_zone": "UTC", "shifts": [
              {"name": "Early", "days": ["mon"], "start": "06:00", "duration_minutes": 480},
              {"name": "Mid", "days": ["mon"], "start": "12:00", "duration_minutes": 60}]}
            """));
        (await overlap.ShouldBeValidationProblemAsync("shifts[1].start")).GetProperty("errors").GetProperty("shifts[1].start")[0].GetString()
            .Should().Contain("overlaps Early on Monday");
    }

    [Theory]
    [InlineData("operator")]
    [InlineData("viewer")]
    [InlineData("supervisor")]
    public async Task OnlyAdminsCreateOrEditCalendars(string user)
    {
        using var client = await app.ClientAsAsync(user);
        var create = await client.PostAsync("/api/maintenance/calendars", Json(Body($"Refused {Guid.NewGuid():N}"[..20])));
        create.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        create.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await client.PutAsync("/api/maintenance/calendars/1", Json(Body("Refused", 1)))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync("/api/maintenance/calendars")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
