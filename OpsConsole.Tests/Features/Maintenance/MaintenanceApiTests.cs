using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;
using SkiaSharp;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>/api/maintenance: status codes, roles, snake_case words and bad input, with bearer tokens.</summary>
public sealed class MaintenanceApiTests(SharedApp app) : IClassFixture<SharedApp>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<(int Machine, int Part)> SeedAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        var machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        var part = await MaintenanceTestData.PartAsync(db, $"P-{Guid.NewGuid():N}"[..12]);
        return (machine, part);
    }

    private async Task<JsonElement> CreateTicketAsync(HttpClient client, int machine, string title = "Oil leak")
    {
        var response = await client.PostAsync("/api/maintenance/tickets", Json($$"""{"title": "{{title}}", "machine_id": {{machine}}, "priority": "high"}"""));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.ToString().Should().StartWith("/api/maintenance/tickets/");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task AnOperator_ReportsMovesAndComments_InSnakeCaseWords()
    {
        var (machine, _) = await SeedAsync();
        using var op = await app.ClientAsAsync("operator");
        var ticket = await CreateTicketAsync(op, machine);
        var id = ticket.GetProperty("id").GetInt64();
        ticket.GetProperty("status").GetString().Should().Be("open");
        ticket.GetProperty("machine_id").GetInt32().Should().Be(machine);

        var started = await op.PostAsync($"/api/maintenance/tickets/{id}/status", Json("""{"status": "in_progress"}"""));
        (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("in_progress");
        (await op.PostAsync($"/api/maintenance/tickets/{id}/comments", Json("""{"body": "Looking at it"}"""))).StatusCode.Should().Be(HttpStatusCode.Created);

        var detail = await op.GetFromJsonAsync<JsonElement>($"/api/maintenance/tickets/{id}");
        detail.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()).Should().Equal("on_hold", "resolved", "cancelled");
        detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()).Should().Equal("created", "status", "comment");
        var list = await op.GetFromJsonAsync<JsonElement>($"/api/maintenance/tickets?status=in_progress&machine_id={machine}&page_size=5");
        list.GetProperty("total").GetInt32().Should().Be(1);
        list.GetProperty("items")[0].GetProperty("machine_code").GetString().Should().StartWith("M1-");
    }

    [Fact]
    public async Task AnIllegalMove_Is409WithTheAllowedStatuses()
    {
        var (machine, _) = await SeedAsync();
        using var op = await app.ClientAsAsync("operator");
        var id = (await CreateTicketAsync(op, machine)).GetProperty("id").GetInt64();

        var response = await op.PostAsync($"/api/maintenance/tickets/{id}/status", Json("""{"status": "closed"}"""));

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()).Should().Equal("in_progress", "cancelled");
        problem.GetProperty("detail").GetString().Should().Contain("cannot move to closed");
        await (await op.PostAsync($"/api/maintenance/tickets/{id}/status", Json("""{"status": "finished"}"""))).ShouldBeValidationProblemAsync("status");
    }

    [Fact]
    public async Task AStaleUpdate_Is409ShowingWhatChanged()
    {
        var (machine, _) = await SeedAsync();
        using var op = await app.ClientAsAsync("operator");
        using var supervisor = await app.ClientAsAsync("supervisor");
        var id = (await CreateTicketAsync(op, machine)).GetProperty("id").GetInt64();
        (await supervisor.PutAsync($"/api/maintenance/tickets/{id}", Json("""{"version": 1, "priority": "critical"}"""))).StatusCode.Should().Be(HttpStatusCode.OK);

        var stale = await op.PutAsync($"/api/maintenance/tickets/{id}", Json("""{"version": 1, "title": "Big oil leak"}"""));

        stale.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var problem = await stale.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("version").GetInt32().Should().Be(2);
        var change = problem.GetProperty("changes")[0];
        (change.GetProperty("field").GetString(), change.GetProperty("before").GetString(), change.GetProperty("after").GetString(), change.GetProperty("actor").GetString())
            .Should().Be(("priority", "high", "critical", "supervisor"));
        await (await op.PutAsync($"/api/maintenance/tickets/{id}", Json("""{"title": "x"}"""))).ShouldBeValidationProblemAsync("version");
    }

    [Fact]
    public async Task Roles_ViewerReads_OperatorWrites_AdminEditsMachines()
    {
        var (machine, part) = await SeedAsync();
        using var viewer = await app.ClientAsAsync("viewer");
        using var op = await app.ClientAsAsync("operator");
        using var admin = await app.ClientAsAsync("admin");

        (await viewer.GetAsync("/api/maintenance/machines")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await viewer.PostAsync("/api/maintenance/tickets", Json($$"""{"title": "x", "machine_id": {{machine}}}"""))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.PostAsync($"/api/maintenance/parts/{part}/movements", Json("""{"kind": "receipt", "quantity": 1}"""))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await op.PostAsync($"/api/maintenance/parts/{part}/movements", Json("""{"kind": "receipt", "quantity": 1}"""))).StatusCode.Should().Be(HttpStatusCode.Created);
        (await op.PutAsync($"/api/maintenance/machines/{machine}", Json("""{"version": 1, "name": "Press A"}"""))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await op.PostAsync("/api/maintenance/parts", Json("""{"number": "X-1", "name": "x"}"""))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await op.PutAsync("/api/maintenance/codes", Json("""[{"kind": "reason", "code": "x", "label": "x"}]"""))).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var edited = await admin.PutAsync($"/api/maintenance/machines/{machine}", Json("""{"version": 1, "name": "Press A", "criticality": "a"}"""));
        edited.StatusCode.Should().Be(HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());
        var body = await edited.Content.ReadFromJsonAsync<JsonElement>();
        (body.GetProperty("name").GetString(), body.GetProperty("criticality").GetString(), body.GetProperty("version").GetInt32()).Should().Be(("Press A", "a", 2));
        (await admin.PutAsync($"/api/maintenance/machines/{machine}", Json("""{"version": 1, "name": "Press B"}"""))).StatusCode.Should().Be(HttpStatusCode.Conflict);
        await (await admin.PutAsync($"/api/maintenance/machines/{machine}", Json("""{"version": 2, "criticality": "z", "area_id": 99999}""")))
            .ShouldBeValidationProblemAsync("criticality");
        (await viewer.GetAsync("/api/maintenance/machines/abc")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await viewer.GetAsync("/api/maintenance/tickets/999999")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task StockBelowZero_Is409WithWhatIsLeft_AndBadMovementsNameTheirFields()
    {
        var (machine, part) = await SeedAsync();
        using var op = await app.ClientAsAsync("operator");
        var id = (await CreateTicketAsync(op, machine)).GetProperty("id").GetInt64();
        (await op.PostAsync($"/api/maintenance/parts/{part}/movements", Json("""{"kind": "receipt", "quantity": 2}"""))).EnsureSuccessStatusCode();

        var used = await op.PostAsync($"/api/maintenance/tickets/{id}/parts", Json($$"""{"part_id": {{part}}, "quantity": 3}"""));

        used.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await used.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("quantity_left").GetInt32().Should().Be(2);
        (await op.PostAsync($"/api/maintenance/tickets/{id}/parts", Json($$"""{"part_id": {{part}}, "quantity": 2}"""))).StatusCode.Should().Be(HttpStatusCode.Created);
        var stock = await op.GetFromJsonAsync<JsonElement>($"/api/maintenance/parts/{part}");
        (stock.GetProperty("part").GetProperty("on_hand").GetInt32(), stock.GetProperty("part").GetProperty("available").GetInt32()).Should().Be((0, 0));
        stock.GetProperty("reorder").GetProperty("explanation").GetString().Should().NotBeNullOrEmpty();
        await (await op.PostAsync($"/api/maintenance/parts/{part}/movements", Json("""{"kind": "adjustment", "quantity": -1}"""))).ShouldBeValidationProblemAsync("reason");
        await (await op.PostAsync($"/api/maintenance/parts/{part}/movements", Json("""{"kind": "receipt", "quantity": 1, "occurred_at": "soon"}""")))
            .ShouldBeValidationProblemAsync("occurred_at");
        var movements = await op.GetFromJsonAsync<JsonElement>($"/api/maintenance/parts/{part}/movements");
        movements.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("kind").GetString()).Should().Equal("issue", "receipt");
    }

    [Fact]
    public async Task Photos_AreStoredWithoutMetadata_AndARenamedNonImageIsRefusedNamingTheFile()
    {
        var (machine, _) = await SeedAsync();
        using var op = await app.ClientAsAsync("operator");
        var id = (await CreateTicketAsync(op, machine)).GetProperty("id").GetInt64();
        using var bitmap = new SKBitmap(64, 48);
        var jpeg = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 90).ToArray();

        var stored = await op.PostAsync($"/api/maintenance/tickets/{id}/photos", Photo(jpeg, "leak.jpg"));
        var renamed = await op.PostAsync($"/api/maintenance/tickets/{id}/photos", Photo(Encoding.UTF8.GetBytes("not a picture"), "leak2.jpg"));

        stored.StatusCode.Should().Be(HttpStatusCode.Created, await stored.Content.ReadAsStringAsync());
        var photo = await stored.Content.ReadFromJsonAsync<JsonElement>();
        (photo.GetProperty("width").GetInt32(), photo.GetProperty("file_name").GetString()).Should().Be((64, "leak.jpg"));
        var image = await op.GetAsync(photo.GetProperty("url").GetString());
        image.Content.Headers.ContentType!.MediaType.Should().Be("image/jpeg");
        (await op.GetAsync(photo.GetProperty("thumbnail_url").GetString())).StatusCode.Should().Be(HttpStatusCode.OK);
        (await renamed.ShouldBeValidationProblemAsync("file")).GetProperty("errors").GetProperty("file")[0].GetString().Should().Contain("not an image");
        using var viewer = await app.ClientAsAsync("viewer");
        (await viewer.PostAsync($"/api/maintenance/tickets/{id}/photos", Photo(jpeg, "x.jpg"))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    private static MultipartFormDataContent Photo(byte[] bytes, string name)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent { { file, "file", name } };
    }

    [Fact]
    public async Task Downtime_IsEnteredAndListed_AndAManualStateOpensAPeriod()
    {
        var (machine, _) = await SeedAsync();
        using var op = await app.ClientAsAsync("operator");
        var now = DateTime.UtcNow;
        var entered = await op.PostAsync($"/api/maintenance/machines/{machine}/downtime",
            Json($$"""{"start_at": "{{now.AddHours(-5):O}}", "end_at": "{{now.AddHours(-4):O}}", "kind": "planned", "note": "Die change"}"""));
        entered.StatusCode.Should().Be(HttpStatusCode.Created, await entered.Content.ReadAsStringAsync());
        await (await op.PostAsync($"/api/maintenance/machines/{machine}/downtime", Json("""{"start_at": "2026-01-01T00:00:00Z"}"""))).ShouldBeValidationProblemAsync("end_at");

        var down = await op.PostAsync($"/api/maintenance/machines/{machine}/state", Json("""{"state": "down", "note": "Hydraulics"}"""));
        (await down.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("periods_opened").GetArrayLength().Should().Be(1);

        var periods = await op.GetFromJsonAsync<JsonElement>($"/api/maintenance/machines/{machine}/downtime");
        periods.GetProperty("items").EnumerateArray().Select(p => (p.GetProperty("kind").GetString(), p.GetProperty("origin").GetString()))
            .Should().Equal(("unplanned", "state"), ("planned", "entered"));
        var board = await op.GetFromJsonAsync<JsonElement>($"/api/maintenance/machines/{machine}");
        board.GetProperty("state").GetString().Should().Be("down");
        var events = await op.GetFromJsonAsync<JsonElement>($"/api/maintenance/events?machine_id={machine}&kind=state");
        events.GetProperty("items")[0].GetProperty("message").GetString().Should().Contain("idle → down");
    }
}
