using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Dispatch;

/// <summary>The seed's cURL flow under /api with bearer tokens, and its refusals.</summary>
public sealed class DispatchApiTests(SharedApp app) : IClassFixture<SharedApp>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<long> SuggestAsync(int from = 100, int to = 200, int qty = 5)
    {
        using var ml = await app.ClientAsAsync("mlengine");
        var response = await ml.PostAsync("/api/suggestions", Json($"{{\"from_station_id\": {from}, \"to_station_id\": {to}, \"qty\": {qty}, \"reason\": \"Station {from} is full\"}}"));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task Audit_NamesTheCreatedSuggestionAndItsReason_AndAStationsNameBefore()
    {
        var id = await SuggestAsync(131, 231, 3);
        using var admin = await app.ClientAsAsync("admin");
        var created = (await admin.GetFromJsonAsync<JsonElement>($"/api/audit?entity=Suggestion&text={id}")).GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("action").GetString() == "suggestion.create").ToList();
        created.Should().ContainSingle(i => i.GetProperty("entity_id").GetString() == id.ToString() && i.GetProperty("after").GetString()!.Contains("Station 131 is full"));

        using var supervisor = await app.ClientAsAsync("supervisor");
        (await supervisor.PutAsJsonAsync("/api/stations", new[] { new { id = 131, name = "Harbour North" } })).EnsureSuccessStatusCode();
        (await supervisor.PutAsJsonAsync("/api/stations", new[] { new { id = 131, name = "Harbour North Gate" } })).EnsureSuccessStatusCode();
        var renames = (await admin.GetFromJsonAsync<JsonElement>("/api/audit?entity=Station&text=Harbour")).GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("entity_id").GetString() == "131").ToList();
        renames.Should().Contain(i => i.GetProperty("before").GetString()!.Contains("Harbour North") && i.GetProperty("after").GetString()!.Contains("Harbour North Gate"));
    }

    [Theory]
    [InlineData("supervisor")]
    [InlineData("admin")]
    public async Task OnlyWorkerAccounts_ClaimOrCompleteTasks(string user)
    {
        using var caller = await app.ClientAsAsync(user);
        (await caller.PostAsync("/api/dispatch/next", Json("{\"worker_id\": \"w-boss\"}"))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await caller.PostAsync("/api/task/1/complete", Json("{\"worker_id\": \"w-boss\"}"))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task SeedFlow_Suggest_Approve_Dispatch_Complete()
    {
        var id = await SuggestAsync(101, 201, 4);
        using var supervisor = await app.ClientAsAsync("supervisor");
        var pending = await supervisor.GetFromJsonAsync<JsonElement>("/api/suggestions");
        pending.EnumerateArray().Should().Contain(s => s.GetProperty("id").GetInt64() == id && s.GetProperty("from_station_id").GetInt32() == 101);

        var approved = await supervisor.PostAsync("/api/task/approve", Json($"{{\"suggestion_id\": {id}}}"));
        approved.StatusCode.Should().Be(HttpStatusCode.OK);
        var task = await approved.Content.ReadFromJsonAsync<JsonElement>();
        task.GetProperty("status").GetString().Should().Be("ready");
        task.GetProperty("worker_id").ValueKind.Should().Be(JsonValueKind.Null);
        var taskId = task.GetProperty("id").GetInt64();
        (await supervisor.PostAsync("/api/task/approve", Json($"{{\"suggestion_id\": {id}}}"))).StatusCode.Should().Be(HttpStatusCode.Conflict);

        using var worker = await app.ClientAsAsync("worker");
        JsonElement assigned;
        do
        {
            var next = await worker.PostAsync("/api/dispatch/next", Json("{\"worker_id\": \"worker_123\"}"));
            next.StatusCode.Should().Be(HttpStatusCode.OK);
            assigned = await next.Content.ReadFromJsonAsync<JsonElement>();
        }
        while (assigned.GetProperty("id").GetInt64() != taskId);
        assigned.GetProperty("status").GetString().Should().Be("assigned");
        assigned.GetProperty("worker_id").GetString().Should().Be("worker_123");

        (await worker.PostAsync($"/api/task/{taskId}/complete", Json("{\"worker_id\": \"someone_else\"}"))).StatusCode.Should().Be(HttpStatusCode.Conflict);
        await (await worker.PostAsync($"/api/task/{taskId}/complete", Json("{\"worker_id\": "))).ShouldBeValidationProblemAsync("body");
        var done = await worker.PostAsync($"/api/task/{taskId}/complete", null);
        done.StatusCode.Should().Be(HttpStatusCode.OK);
        (await done.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("completed");
        var twice = await worker.PostAsync($"/api/task/{taskId}/complete", null);
        twice.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await twice.Content.ReadAsStringAsync()).Should().Contain("completed");
    }

    [Fact]
    public async Task DispatchNext_WhenNothingIsReady_Is404()
    {
        await using var own = new OpsAppFactory();
        using var worker = await own.ClientAsAsync("worker");
        (await worker.PostAsync("/api/dispatch/next", Json("{\"worker_id\": \"w1\"}"))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"from_station_id\": 1, \"to_station_id\": 2, \"qty\": 0}", "qty")]
    [InlineData("{\"from_station_id\": 1, \"to_station_id\": 2, \"qty\": -3}", "qty")]
    [InlineData("{\"from_station_id\": 7, \"to_station_id\": 7, \"qty\": 2}", "to_station_id")]
    [InlineData("{\"to_station_id\": 2, \"qty\": 2}", "from_station_id")]
    [InlineData("{\"from_station_id\": \"one\", \"to_station_id\": 2, \"qty\": 2}", "from_station_id")]
    [InlineData("[{\"from_station_id\": 1, \"to_station_id\": 2, \"qty\": 2}, {\"from_station_id\": 1, \"to_station_id\": 2, \"qty\": 0}]", "[1].qty")]
    [InlineData("{\"from_station_id\": 1,", "body")]
    public async Task Suggestions_WithBadInput_Are400NamingTheField_AndNothingIsStored(string json, string field)
    {
        await using var own = new OpsAppFactory();
        using var ml = await own.ClientAsAsync("mlengine");
        await (await ml.PostAsync("/api/suggestions", Json(json))).ShouldBeValidationProblemAsync(field);
        using var viewer = await own.ClientAsAsync("viewer");
        (await viewer.GetFromJsonAsync<JsonElement>("/api/suggestions")).GetArrayLength().Should().Be(0);
    }

    [Theory]
    [InlineData("{\"from_station\": 1, \"to_station_id\": 2, \"qty\": 2}", "from_station_id", "from_station_id is required.")]
    [InlineData("{\"from_station_id\": 1, \"to_station_id\": 2, \"quantity\": 2}", "qty", "qty is required.")]
    [InlineData("{\"from_station_id\": 0, \"to_station_id\": 2, \"qty\": 2}", "from_station_id", "from_station_id must be a positive station id.")]
    public async Task Suggestions_SayWhetherAFieldIsMissingOrWrong(string json, string field, string message)
    {
        using var ml = await app.ClientAsAsync("mlengine");
        var problem = await (await ml.PostAsync("/api/suggestions", Json(json))).ShouldBeValidationProblemAsync(field);
        problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()).Should().Equal(message);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"worker_id\": \"\"}")]
    [InlineData("{\"worker_id\": \"   \"}")]
    public async Task DispatchNext_WithoutAWorkerId_Is400(string json)
    {
        using var worker = await app.ClientAsAsync("worker");
        await (await worker.PostAsync("/api/dispatch/next", Json(json))).ShouldBeValidationProblemAsync("worker_id");
    }

    [Fact]
    public async Task UnknownSuggestionOrTask_Is404_AndCompletingAReadyTaskIs409()
    {
        using var supervisor = await app.ClientAsAsync("supervisor");
        (await supervisor.PostAsync("/api/task/approve", Json("{\"suggestion_id\": 987654321}"))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var worker = await app.ClientAsAsync("worker");
        (await worker.PostAsync("/api/task/987654321/complete", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var id = await SuggestAsync();
        var task = await (await supervisor.PostAsync("/api/task/approve", Json($"{{\"suggestion_id\": {id}}}"))).Content.ReadFromJsonAsync<JsonElement>();
        (await worker.PostAsync($"/api/task/{task.GetProperty("id").GetInt64()}/complete", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Reject_NeedsAReason_AndARejectedSuggestionCannotBeApproved()
    {
        var id = await SuggestAsync();
        using var supervisor = await app.ClientAsAsync("supervisor");
        await (await supervisor.PostAsync($"/api/suggestions/{id}/reject", Json("{}"))).ShouldBeValidationProblemAsync("reason");
        var rejected = await supervisor.PostAsync($"/api/suggestions/{id}/reject", Json("{\"reason\": \"station closed for works\"}"));
        rejected.StatusCode.Should().Be(HttpStatusCode.OK);
        (await rejected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("rejected");
        var approve = await supervisor.PostAsync("/api/task/approve", Json($"{{\"suggestion_id\": {id}}}"));
        approve.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await approve.Content.ReadAsStringAsync()).Should().Contain("already rejected");
    }

    [Fact]
    public async Task BulkApprove_DecidesThePendingOnes_AndReportsTheRest()
    {
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await SuggestAsync(300 + i, 400 + i, 1 + i));
        }
        using var supervisor = await app.ClientAsAsync("supervisor");
        (await supervisor.PostAsync($"/api/suggestions/{ids[0]}/reject", Json("{\"reason\": \"no\"}"))).EnsureSuccessStatusCode();
        var response = await supervisor.PostAsJsonAsync("/api/suggestions/bulk-approve", new { ids = ids.Append(987654321L).ToArray() });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("decided").EnumerateArray().Select(e => e.GetInt64()).Should().BeEquivalentTo(ids.Skip(1));
        body.GetProperty("refused").GetProperty(ids[0].ToString()).GetString().Should().Be("already rejected");
        body.GetProperty("refused").GetProperty("987654321").GetString().Should().Be("not found");

        var tasks = await supervisor.GetFromJsonAsync<JsonElement>("/api/tasks?status=ready&page_size=500");
        tasks.GetProperty("items").EnumerateArray().Count(t => t.GetProperty("from_station_id").GetInt32() is >= 301 and <= 304).Should().Be(4);
        await (await supervisor.GetAsync("/api/tasks?status=lost")).ShouldBeValidationProblemAsync("status");
    }

    [Fact]
    public async Task Unassign_ReturnsAnAssignedTaskToReady_AndIsAudited()
    {
        await using var own = new OpsAppFactory();
        using var ml = await own.ClientAsAsync("mlengine");
        var id = (await (await ml.PostAsync("/api/suggestions", Json("{\"from_station_id\": 1, \"to_station_id\": 2, \"qty\": 3}"))).Content
            .ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        using var supervisor = await own.ClientAsAsync("supervisor");
        (await supervisor.PostAsync("/api/task/approve", Json($"{{\"suggestion_id\": {id}}}"))).EnsureSuccessStatusCode();
        using var worker = await own.ClientAsAsync("worker");
        var task = await (await worker.PostAsync("/api/dispatch/next", Json("{\"worker_id\": \"w9\"}"))).Content.ReadFromJsonAsync<JsonElement>();
        var taskId = task.GetProperty("id").GetInt64();

        var back = await supervisor.PostAsync($"/api/task/{taskId}/unassign", null);
        back.StatusCode.Should().Be(HttpStatusCode.OK);
        (await back.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("ready");
        (await supervisor.PostAsync($"/api/task/{taskId}/unassign", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);

        var log = await supervisor.GetFromJsonAsync<JsonElement>("/api/audit?module=dispatch&page_size=50");
        log.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("action").GetString()).Should()
            .Contain(["suggestion.create", "suggestion.approve", "task.assign", "task.unassign"]);
    }

    [Fact]
    public async Task BulkDecisions_OnAFilter_DecideOnlyWhatMatches_OnTheServer()
    {
        await using var own = new OpsAppFactory();
        using var ml = await own.ClientAsAsync("mlengine");
        (await ml.PostAsync("/api/suggestions", Json("""
            [{"from_station_id": 11, "to_station_id": 12, "qty": 2}, {"from_station_id": 11, "to_station_id": 13, "qty": 9},
             {"from_station_id": 14, "to_station_id": 11, "qty": 8}, {"from_station_id": 15, "to_station_id": 16, "qty": 8}]
            """))).EnsureSuccessStatusCode();
        using var supervisor = await own.ClientAsAsync("supervisor");

        var approved = await supervisor.PostAsync("/api/suggestions/bulk-approve", Json("{\"filter\": {\"station_id\": 11, \"min_qty\": 5}}"));
        approved.StatusCode.Should().Be(HttpStatusCode.OK);
        (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("decided").GetArrayLength().Should().Be(2);
        await (await supervisor.PostAsync("/api/suggestions/bulk-reject", Json("{\"filter\": {\"station_id\": 11}}"))).ShouldBeValidationProblemAsync("reason");
        var rejected = await supervisor.PostAsync("/api/suggestions/bulk-reject", Json("{\"filter\": {\"older_than_minutes\": 0}, \"reason\": \"stale model\"}"));
        (await rejected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("decided").GetArrayLength().Should().Be(2);
        (await supervisor.GetFromJsonAsync<JsonElement>("/api/suggestions")).GetArrayLength().Should().Be(0);
        var tasks = await supervisor.GetFromJsonAsync<JsonElement>("/api/tasks?status=ready");
        tasks.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("qty").GetInt32()).Should().BeEquivalentTo([9, 8]);

        await (await supervisor.PostAsync("/api/suggestions/bulk-approve", Json("{\"filter\": {\"min_qty\": 5, \"max_qty\": 2}}"))).ShouldBeValidationProblemAsync("filter.max_qty");
        await (await supervisor.PostAsync("/api/suggestions/bulk-approve", Json("{\"filter\": {\"station_id\": -1}}"))).ShouldBeValidationProblemAsync("filter.station_id");
        await (await supervisor.PostAsync("/api/suggestions/bulk-approve", Json("{\"ids\": [1], \"filter\": {}}"))).ShouldBeValidationProblemAsync("ids");
        await (await supervisor.PostAsync("/api/suggestions/bulk-approve", Json("{\"filter\": {\"min_qty\": \"lots\"}}"))).ShouldBeValidationProblemAsync("filter.min_qty");
    }

    [Fact]
    public async Task Stations_AreNamedBySupervisors_AllOrNothing_AndListedForReaders()
    {
        await using var own = new OpsAppFactory();
        using var supervisor = await own.ClientAsAsync("supervisor");
        (await supervisor.PutAsync("/api/stations", Json("""[{"id": 3, "name": "Ferry Building"}, {"id": 4, "name": " Oracle Park "}]"""))).EnsureSuccessStatusCode();
        await (await supervisor.PutAsync("/api/stations", Json("""[{"id": 5, "name": "Fine"}, {"id": 0, "name": ""}]"""))).ShouldBeValidationProblemAsync("[1].id");
        await (await supervisor.PutAsync("/api/stations", Json("""[{"id": 5, "name": "A"}, {"id": 5, "name": "B"}]"""))).ShouldBeValidationProblemAsync("id");
        (await supervisor.PutAsync("/api/stations", Json("""[{"id": 3, "name": "Ferry Building Plaza"}]"""))).EnsureSuccessStatusCode();

        using var viewer = await own.ClientAsAsync("viewer");
        var listed = await viewer.GetFromJsonAsync<JsonElement>("/api/stations");
        listed.EnumerateArray().Select(s => $"{s.GetProperty("id").GetInt32()}={s.GetProperty("name").GetString()}").Should()
            .Equal("3=Ferry Building Plaza", "4=Oracle Park");
        (await viewer.PutAsync("/api/stations", Json("""[{"id": 6, "name": "x"}]"""))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
