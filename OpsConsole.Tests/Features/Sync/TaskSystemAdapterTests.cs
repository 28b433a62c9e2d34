using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Sync.Adapters;
using OpsConsole.Simulators.Sync;
using OpsConsole.Tests.TestSupport;
using static OpsConsole.Tests.TestSupport.SyncTestData;

namespace OpsConsole.Tests.Features.Sync;

/// <summary>
/// The generic REST/JSON adapter against the two built-in task-system simulators over real HTTP: both paging styles,
/// changed since, get, create, update, archive, search by marker, auth, the rate limit, idempotency keys and the faults.
/// </summary>
public sealed class TaskSystemAdapterTests(SyncApp app) : IClassFixture<SyncApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListChanged_PagesThroughEveryTask_ByPageNumbersAndByCursors()
    {
        ResetSimulators(app, sourceTasks: 120, destinationTasks: 75);
        var source = await AllAsync(Source(app));
        source.Should().HaveCount(120).And.OnlyHaveUniqueItems(t => t.Id);
        var destination = await AllAsync(Destination(app));
        destination.Should().HaveCount(75).And.OnlyHaveUniqueItems(t => t.Id);
        destination.Select(t => t.UpdatedAt).Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task SeedData_IsDeterministic()
    {
        ResetSimulators(app, sourceTasks: 10);
        var first = (await AllAsync(Source(app))).Select(t => (t.Id, t["title"], t["status"], t["priority"])).ToList();
        ResetSimulators(app, sourceTasks: 10);
        (await AllAsync(Source(app))).Select(t => (t.Id, t["title"], t["status"], t["priority"])).Should().Equal(first);
    }

    [Fact]
    public async Task ListChanged_Since_GivesOnlyTasksChangedAtOrAfterIt()
    {
        ResetSimulators(app, sourceTasks: 10);
        var source = Source(app);
        var all = await AllAsync(source);
        var edited = await source.UpdateAsync(all[3].Id, new Dictionary<string, string?> { ["title"] = "Edited" }, Ct);
        var page = await source.ListChangedAsync(edited!.UpdatedAt, null, Ct);
        page.Items.Select(t => t.Id).Should().Equal(all[3].Id);
        page.Items[0]["title"].Should().Be("Edited");
        page.Items[0].Version.Should().Be("2");
    }

    [Fact]
    public async Task CreateGetUpdateArchiveAndSearchByMarker_AgainstTheDestination()
    {
        ResetSimulators(app);
        var destination = Destination(app);
        var made = await destination.CreateAsync(new Dictionary<string, string?> { ["name"] = "Fix dock door", ["state"] = "open", ["urgency"] = "2" },
            "opsconsole:1:SRC-1", Guid.NewGuid().ToString("N"), Ct);
        made.Id.Should().StartWith("CARD-");
        made["origin_ref"].Should().Be("opsconsole:1:SRC-1");
        (await destination.GetAsync(made.Id, Ct))!["name"].Should().Be("Fix dock door");
        (await destination.UpdateAsync(made.Id, new Dictionary<string, string?> { ["state"] = "doing" }, Ct))!["state"].Should().Be("doing");
        (await destination.SearchByMarkerAsync("opsconsole:1:SRC-1", Ct)).Select(t => t.Id).Should().Equal(made.Id);
        (await destination.SearchByMarkerAsync("opsconsole:1:SRC-12", Ct)).Should().BeEmpty("a marker is matched whole, not as a prefix");
        (await destination.ArchiveAsync(made.Id, delete: false, Ct)).Should().BeTrue();
        (await destination.GetAsync(made.Id, Ct))!.Archived.Should().BeTrue();
        (await destination.ArchiveAsync(made.Id, delete: true, Ct)).Should().BeTrue();
        (await destination.GetAsync(made.Id, Ct)).Should().BeNull();
        (await destination.UpdateAsync(made.Id, new Dictionary<string, string?> { ["state"] = "doing" }, Ct)).Should().BeNull();
        (await destination.ArchiveAsync(made.Id, delete: true, Ct)).Should().BeFalse();
    }

    [Fact]
    public async Task AValueOutsideTheSystemsVocabulary_IsRefused_NamingTheField_AndIsNotUncertain()
    {
        ResetSimulators(app);
        var act = () => Destination(app).CreateAsync(new Dictionary<string, string?> { ["state"] = "todo" }, "m", "k", Ct);
        var refused = (await act.Should().ThrowAsync<TaskSystemException>()).Which;
        refused.Message.Should().Contain("state");
        refused.Uncertain.Should().BeFalse();
        refused.Status.Should().Be(400);
    }

    [Fact]
    public async Task IdempotencyKey_IsHonouredOnlyInThatMode()
    {
        var simulators = ResetSimulators(app);
        var destination = Destination(app, sendsIdempotencyKey: true);
        var fields = new Dictionary<string, string?> { ["name"] = "Once" };
        var first = await destination.CreateAsync(fields, "m1", "key-1", Ct);
        (await destination.CreateAsync(fields, "m1", "key-1", Ct)).Id.Should().NotBe(first.Id, "the mode is off, as in Jira, Asana and Trello");
        simulators.Destination.Configure(new TaskSystemSettings(HonourIdempotencyKey: true));
        var second = await destination.CreateAsync(fields, "m2", "key-2", Ct);
        (await destination.CreateAsync(fields, "m2", "key-2", Ct)).Id.Should().Be(second.Id);
        simulators.Destination.Count.Should().Be(3);
    }

    [Fact]
    public async Task ACreateAnswered504AfterItWasMade_IsUncertain_AndNotRetriedByTheClient()
    {
        var simulators = ResetSimulators(app);
        simulators.Destination.Configure(new TaskSystemSettings(FailCreatesAfterCommit: 1));
        var act = () => Destination(app).CreateAsync(new Dictionary<string, string?> { ["name"] = "Maybe" }, "opsconsole:9:S", "k", Ct);
        var uncertain = (await act.Should().ThrowAsync<TaskSystemException>()).Which;
        uncertain.Uncertain.Should().BeTrue(uncertain.Message);
        simulators.Destination.Count.Should().Be(1, $"the resilient client does not send a create twice ({uncertain.Message})");
        (await Destination(app).SearchByMarkerAsync("opsconsole:9:S", Ct)).Should().ContainSingle();
    }

    [Fact]
    public async Task RateLimit_Answers429WithRetryAfter_AndTheAdapterReportsWhatIsLeft()
    {
        var simulators = ResetSimulators(app);
        simulators.Source.Configure(new TaskSystemSettings(RateLimitRequests: 2, RateLimitWindowSeconds: 60));
        var source = Source(app);
        await source.GetAsync("SRC-1001", Ct);
        source.LastRateLimit!.Remaining.Should().Be(1);
        using var raw = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        raw.DefaultRequestHeaders.Add("X-Api-Key", TaskSystemDialect.Source.AuthValue);
        (await raw.GetAsync("/sim/sync-source/api/tasks/SRC-1001", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
        var limited = await raw.GetAsync("/sim/sync-source/api/tasks/SRC-1001", Ct);
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 60);
        var act = () => source.UpdateAsync("SRC-1001", new Dictionary<string, string?> { ["title"] = "x" }, Ct);
        (await act.Should().ThrowAsync<TaskSystemRateLimitedException>()).Which.RetryAfter.Should().BePositive();
    }

    [Fact]
    public async Task WrongAuth_Is401_AndTheSharedOutageSwitch_MakesEveryCallFail()
    {
        ResetSimulators(app);
        using var raw = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        (await raw.GetAsync("/sim/sync-destination/api/cards", Ct)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var admin = await app.ClientAsAsync("admin");
        (await admin.PutAsJsonAsync("/api/simulators/sync-destination/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage = true }, Ct))
            .EnsureSuccessStatusCode();
        try
        {
            var act = () => Destination(app).ListChangedAsync(null, null, Ct);
            (await act.Should().ThrowAsync<TaskSystemException>()).Which.Message.Should().Contain("503");
        }
        finally
        {
            (await admin.PutAsJsonAsync("/api/simulators/sync-destination/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage = false }, Ct))
                .EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Control_IsForAdmins_AndChecksItsSwitches()
    {
        ResetSimulators(app);
        using var viewer = await app.ClientAsAsync("viewer");
        (await viewer.GetAsync("/sim/sync-source/control", Ct)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var admin = await app.ClientAsAsync("admin");
        var bad = await admin.PutAsJsonAsync("/sim/sync-source/control", new { rate_limit_requests = -1, rate_limit_window_seconds = 10 }, Ct);
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync(Ct)).Should().Contain("rate_limit_requests");
        (await admin.PostAsJsonAsync("/sim/sync-source/control/reset", new { tasks = 3 }, Ct)).EnsureSuccessStatusCode();
        app.Services.GetRequiredService<SyncSimulators>().Source.Count.Should().Be(3);
    }

    [Fact]
    public async Task Control_EditsDistinctTasks_AndCountsRequestsServedAndRefused()
    {
        var simulators = ResetSimulators(app, sourceTasks: 10);
        using var admin = await app.ClientAsAsync("admin");
        var before = simulators.Source.Changed(null, null, 0, 100, out _).ToDictionary(t => t.Id, t => t.Version);
        var edited = await admin.PostAsJsonAsync("/sim/sync-source/control/edit", new { tasks = 4 }, Ct);
        (await edited.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("edited").GetInt32().Should().Be(4);
        simulators.Source.Changed(null, null, 0, 100, out _).Count(t => t.Version != before[t.Id]).Should().Be(4, "four different tasks, each edited once");
        (await admin.PostAsJsonAsync("/sim/sync-source/control/edit", new { tasks = 0 }, Ct)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        (await admin.PutAsJsonAsync("/sim/sync-source/control", new { rate_limit_requests = 2, rate_limit_window_seconds = 3600 }, Ct)).EnsureSuccessStatusCode();
        var adapter = Source(app);
        await adapter.GetAsync("SRC-1001", Ct);
        await adapter.GetAsync("SRC-1002", Ct);
        await FluentActions.Awaiting(() => adapter.GetAsync("SRC-1003", Ct)).Should().ThrowAsync<Exception>();
        var state = await admin.GetFromJsonAsync<JsonElement>("/sim/sync-source/control", Ct);
        (state.GetProperty("requests").GetInt64(), state.GetProperty("rate_limited").GetInt64()).Should().Be((2, 1));
        simulators.Source.Configure(new TaskSystemSettings());
    }
}
