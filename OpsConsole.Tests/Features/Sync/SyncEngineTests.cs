using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Sync;
using OpsConsole.Simulators.Sync;
using OpsConsole.Tests.TestSupport;
using static OpsConsole.Tests.TestSupport.SyncTestData;

namespace OpsConsole.Tests.Features.Sync;

/// <summary>
/// The engine over the generic adapter against both simulators over real HTTP, on a real database: first sync, the
/// same sync twice, A→B then B→A, conflicts, dry runs, uncertain creates found by marker, a source that is down, archives.
/// </summary>
public sealed class SyncEngineTests(SyncApp app) : IClassFixture<SyncApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private SyncEngine Engine => app.Services.GetRequiredService<SyncEngine>();

    private async Task<SyncRun> RunAsync(SyncConnection connection)
    {
        var result = await Engine.RunAsync(Actor.System, connection.Id, SyncTrigger.Manual, Ct);
        result.Succeeded.Should().BeTrue(result.Describe());
        return result.Value!;
    }

    private async Task<List<SyncPair>> PairsAsync(SyncConnection connection)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(Ct);
        return await db.SyncPairs.AsNoTracking().Where(p => p.ConnectionId == connection.Id).ToListAsync(Ct);
    }

    [Fact]
    public async Task FirstRun_AddsEverySourceTask_InTheDestinationsVocabulary_WithItsMarker_AndTheSameSyncTwiceIsAllSkips()
    {
        ResetSimulators(app, sourceTasks: 8);
        var connection = await ConnectionAsync(app);
        var first = await RunAsync(connection);
        first.State.Should().Be(SyncRunState.Succeeded);
        (first.Added, first.Failed).Should().Be((8, 0));

        var source = await AllAsync(Source(app));
        var destination = await AllAsync(Destination(app));
        destination.Should().HaveCount(8);
        var pairs = await PairsAsync(connection);
        pairs.Should().HaveCount(8);
        foreach (var pair in pairs)
        {
            var s = source.Single(t => t.Id == pair.SourceId);
            var d = destination.Single(t => t.Id == pair.DestinationId);
            d["origin_ref"].Should().Be(connection.Marker(s.Id));
            d["name"].Should().Be(s["title"]);
            d["state"].Should().Be(new Dictionary<string, string> { ["todo"] = "open", ["in_progress"] = "doing", ["done"] = "closed" }[s["status"]!]);
            d["urgency"].Should().Be(new Dictionary<string, string> { ["low"] = "1", ["medium"] = "2", ["high"] = "3" }[s["priority"]!]);
        }

        var second = await RunAsync(connection);
        (second.Added, second.Updated, second.Conflicted, second.Failed, second.Skipped).Should().Be((0, 0, 0, 0, 8));
        (await AllAsync(Destination(app))).Select(t => t.Version).Should().AllBe("1", "the second run wrote nothing");
    }

    [Fact]
    public async Task AToBThenBToA_GivesNoPushesAfterwards()
    {
        ResetSimulators(app, sourceTasks: 3);
        var connection = await ConnectionAsync(app);
        await RunAsync(connection);
        var pair = (await PairsAsync(connection)).OrderBy(p => p.SourceId).First();

        // A→B: the source changes a title; it goes to the destination.
        await Source(app).UpdateAsync(pair.SourceId, new Dictionary<string, string?> { ["title"] = "Changed at the source" }, Ct);
        var ab = await RunAsync(connection);
        ab.Updated.Should().Be(1);
        (await Destination(app).GetAsync(pair.DestinationId, Ct))!["name"].Should().Be("Changed at the source");

        // B→A: the destination changes the state; it goes back, through the value map.
        var (state, status) = (await Destination(app).GetAsync(pair.DestinationId, Ct))!["state"] == "closed" ? ("doing", "in_progress") : ("closed", "done");
        await Destination(app).UpdateAsync(pair.DestinationId, new Dictionary<string, string?> { ["state"] = state }, Ct);
        var ba = await RunAsync(connection);
        ba.Updated.Should().Be(1);
        (await Source(app).GetAsync(pair.SourceId, Ct))!["status"].Should().Be(status);

        // The sync's own writes are not changes: nothing more to push.
        var after = await RunAsync(connection);
        (after.Added, after.Updated, after.Conflicted).Should().Be((0, 0, 0));
    }

    [Fact]
    public async Task AConflictOnOneField_IsHeld_WhileAChangeOnAnotherFieldOfTheSameItemSyncs()
    {
        ResetSimulators(app, sourceTasks: 2);
        var connection = await ConnectionAsync(app);
        await RunAsync(connection);
        var pair = (await PairsAsync(connection)).OrderBy(p => p.SourceId).First();
        // assignee ↔ owner is manual in the demo map; both sides change it differently. The source also changes the priority.
        var (priority, urgency) = (await Source(app).GetAsync(pair.SourceId, Ct))!["priority"] == "high" ? ("low", "1") : ("high", "3");
        await Source(app).UpdateAsync(pair.SourceId, new Dictionary<string, string?> { ["assignee"] = "zoe", ["priority"] = priority }, Ct);
        await Destination(app).UpdateAsync(pair.DestinationId, new Dictionary<string, string?> { ["owner"] = "yan" }, Ct);

        var run = await RunAsync(connection);
        run.Conflicted.Should().Be(1);
        var card = (await Destination(app).GetAsync(pair.DestinationId, Ct))!;
        card["urgency"].Should().Be(urgency);
        card["owner"].Should().Be("yan");
        (await Source(app).GetAsync(pair.SourceId, Ct))!["assignee"].Should().Be("zoe");
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(Ct);
        var line = await db.SyncRunItems.AsNoTracking().SingleAsync(i => i.RunId == run.Id, Ct);
        line.Action.Should().Be(SyncAction.Conflict);
        line.Fields.Should().Contain(f => f.Field == "assignee>owner" && f.From == "zoe" && f.To == "yan");
        line.Fields.Should().Contain(f => f.Field == "priority>urgency" && f.To == urgency);
    }

    [Fact]
    public async Task NewestWins_ComparesEachSidesOwnClock_SoATenMinuteSkewDecides()
    {
        ResetSimulators(app, sourceTasks: 1);
        var connection = await ConnectionAsync(app);
        await RunAsync(connection);
        var pair = (await PairsAsync(connection)).Single();
        // Both change the title, the destination last; but its clock runs 10 minutes behind, so by the two items'
        // updated_at (each side's own clock, ADR 0034) the source's change is the newer one and wins.
        app.Services.GetRequiredService<SyncSimulators>().Destination.Configure(new TaskSystemSettings(ClockSkewSeconds: -600));
        await Source(app).UpdateAsync(pair.SourceId, new Dictionary<string, string?> { ["title"] = "source's" }, Ct);
        await Destination(app).UpdateAsync(pair.DestinationId, new Dictionary<string, string?> { ["name"] = "destination's" }, Ct);
        var run = await RunAsync(connection);
        run.Updated.Should().Be(1);
        (await Source(app).GetAsync(pair.SourceId, Ct))!["title"].Should().Be("source's");
        (await Destination(app).GetAsync(pair.DestinationId, Ct))!["name"].Should().Be("source's");
        (await RunAsync(connection)).Updated.Should().Be(0);
    }

    [Fact]
    public async Task DryRun_PlansEveryItem_AndWritesOnlyThePlanAndAnAuditLine()
    {
        ResetSimulators(app, sourceTasks: 5);
        var connection = await ConnectionAsync(app);
        var result = await Engine.DryRunAsync(Actor.System, connection.Id, Ct);
        result.Succeeded.Should().BeTrue(result.Describe());
        var plan = result.Value!;
        plan.Id.Should().BePositive();
        plan.Adds.Should().Be(5);
        plan.Items.Should().OnlyContain(i => i.Action == SyncAction.Add && i.Fields.Any(f => f.Field == "status>state"));
        app.Services.GetRequiredService<SyncSimulators>().Destination.Count.Should().Be(0);
        (await PairsAsync(connection)).Should().BeEmpty();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(Ct);
        (await db.SyncRuns.CountAsync(r => r.ConnectionId == connection.Id, Ct)).Should().Be(0);
        (await db.AuditEntries.CountAsync(e => e.Module == SyncModule.Name && e.Action == "dry-run" && e.EntityId == plan.Id.ToString(), Ct)).Should().Be(1);
    }

    [Fact]
    public async Task ACreateAnswered504AfterItWasMade_IsFoundByItsMarkerNextRun_WithoutADuplicate()
    {
        var simulators = ResetSimulators(app, sourceTasks: 6);
        simulators.Destination.Configure(new TaskSystemSettings(FailCreatesAfterCommit: 2));
        var connection = await ConnectionAsync(app);
        var first = await RunAsync(connection);
        first.State.Should().Be(SyncRunState.PartlySucceeded);
        (first.Added, first.Failed).Should().Be((4, 2));
        simulators.Destination.Count.Should().Be(6, "the two failed creates were made all the same");

        var second = await RunAsync(connection);
        (second.Added, second.Failed).Should().Be((2, 0));
        simulators.Destination.Count.Should().Be(6, "the marker found them: no duplicates");
        (await PairsAsync(connection)).Select(p => p.DestinationId).Should().OnlyHaveUniqueItems().And.HaveCount(6);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(Ct);
        (await db.SyncCreateIntents.CountAsync(i => i.ConnectionId == connection.Id, Ct)).Should().Be(0);
        (await RunAsync(connection)).Skipped.Should().Be(6);
    }

    [Fact]
    public async Task SourceDown_FailsTheRunCleanly_AndPushesNothing()
    {
        var simulators = ResetSimulators(app, sourceTasks: 4);
        var connection = await ConnectionAsync(app);
        using var admin = await app.ClientAsAsync("admin");
        (await admin.PutAsJsonAsync("/api/simulators/sync-source/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage = true }, Ct)).EnsureSuccessStatusCode();
        try
        {
            var run = await RunAsync(connection);
            run.State.Should().Be(SyncRunState.Failed);
            run.Error.Should().Contain("503");
            simulators.Destination.Count.Should().Be(0);
            (await app.Services.GetRequiredService<SyncConnections>().GetAsync(connection.Id, Ct))!.Health.Should().Be(SyncConnectionHealth.UnableToSync);
        }
        finally
        {
            (await admin.PutAsJsonAsync("/api/simulators/sync-source/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage = false }, Ct)).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task ArchivedAtTheSource_IsArchivedAtTheDestination_UnderTheArchivePolicy()
    {
        ResetSimulators(app, sourceTasks: 3);
        var connection = await ConnectionAsync(app);
        await RunAsync(connection);
        var pair = (await PairsAsync(connection)).OrderBy(p => p.SourceId).First();
        await Source(app).ArchiveAsync(pair.SourceId, delete: false, Ct);
        var run = await RunAsync(connection);
        run.Archived.Should().Be(1);
        (await Destination(app).GetAsync(pair.DestinationId, Ct))!.Archived.Should().BeTrue();
        (await RunAsync(connection)).Archived.Should().Be(0);
    }

    [Fact]
    public async Task Api_OperatorsRunAndDryRun_ViewersRead_AndAnUnknownFieldInAMapIsRefusedByName()
    {
        ResetSimulators(app, sourceTasks: 2);
        var connection = await ConnectionAsync(app);
        using var viewer = await app.ClientAsAsync("viewer");
        (await viewer.PostAsJsonAsync("/api/sync", new { connection_id = connection.Id }, Ct)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var op = await app.ClientAsAsync("operator");
        var dry = await op.PostAsJsonAsync("/api/sync/dry-run", new { connection_id = connection.Id }, Ct);
        dry.StatusCode.Should().Be(HttpStatusCode.OK, await dry.Content.ReadAsStringAsync(Ct));
        var plan = await dry.Content.ReadFromJsonAsync<JsonElement>(Ct);
        plan.GetProperty("adds").GetInt32().Should().Be(2);
        plan.GetProperty("items")[0].GetProperty("action").GetString().Should().Be("add");

        var run = await op.PostAsJsonAsync("/api/sync", new { connection_id = connection.Id }, Ct);
        run.StatusCode.Should().Be(HttpStatusCode.OK, await run.Content.ReadAsStringAsync(Ct));
        var body = await run.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("state").GetString().Should().Be("succeeded");
        body.GetProperty("added").GetInt32().Should().Be(2);
        var runId = body.GetProperty("id").GetInt64();

        var status = await viewer.GetFromJsonAsync<JsonElement>($"/api/sync/status?connection_id={connection.Id}", Ct);
        status.GetProperty("connections")[0].GetProperty("last_run").GetProperty("id").GetInt64().Should().Be(runId);
        status.GetProperty("connections")[0].GetProperty("health").GetString().Should().Be("healthy");
        var history = await viewer.GetFromJsonAsync<JsonElement>($"/api/sync/history?connection_id={connection.Id}", Ct);
        history.GetProperty("items")[0].GetProperty("id").GetInt64().Should().Be(runId);
        var items = await viewer.GetFromJsonAsync<JsonElement>($"/api/sync/runs/{runId}/items", Ct);
        items.GetProperty("total").GetInt32().Should().Be(2);
        (await viewer.GetAsync("/api/sync/history?connection_id=x", Ct)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        using var admin = await app.ClientAsAsync("admin");
        var request = SyncDemoConnection.Request() with { Name = "bad map" };
        var bad = await admin.PostAsJsonAsync("/api/sync/connections", new
        {
            name = "bad map", source = request.Source, destination = request.Destination,
            field_map = new[] { new { source = "title", destination = "headline", direction = "both" } },
        }, app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions, Ct);
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await bad.Content.ReadAsStringAsync(Ct);
        problem.Should().Contain("field_map[0].destination").And.Contain("headline");
        (await op.PostAsJsonAsync("/api/sync/connections", new { name = "x" }, Ct)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
