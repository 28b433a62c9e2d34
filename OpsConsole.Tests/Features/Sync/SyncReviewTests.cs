using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Sync;
using OpsConsole.Simulators.Sync;
using OpsConsole.Tests.TestSupport;
using static OpsConsole.Tests.TestSupport.SyncTestData;

namespace OpsConsole.Tests.Features.Sync;

/// <summary>
/// Item decisions (ADR 0037) against both simulators over real HTTP: the manual-conflict review queue, applying a plan,
/// hashes that drop re-reads, the delete guard, a partial source list, and the activity stream.
/// </summary>
public sealed class SyncReviewTests(SyncApp app) : IClassFixture<SyncApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private SyncEngine Engine => app.Services.GetRequiredService<SyncEngine>();
    private SyncConflicts Conflicts => app.Services.GetRequiredService<SyncConflicts>();

    private async Task<SyncRun> RunAsync(SyncConnection connection)
    {
        var result = await Engine.RunAsync(Actor.System, connection.Id, SyncTrigger.Manual, Ct);
        result.Succeeded.Should().BeTrue(result.Describe());
        return result.Value!;
    }

    private async Task<OpsDbContext> DbAsync() => await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(Ct);

    private async Task<List<SyncPair>> PairsAsync(SyncConnection connection)
    {
        await using var db = await DbAsync();
        return await db.SyncPairs.AsNoTracking().Where(p => p.ConnectionId == connection.Id).OrderBy(p => p.SourceId).ToListAsync(Ct);
    }

    private async Task<List<SyncConflict>> ConflictRowsAsync(SyncConnection connection)
    {
        await using var db = await DbAsync();
        return await db.SyncConflicts.AsNoTracking().Where(c => c.ConnectionId == connection.Id).OrderBy(c => c.Id).ToListAsync(Ct);
    }

    private static Dictionary<string, string?> Set(string field, string? value) => new() { [field] = value };

    [Fact]
    public async Task AManualConflict_IsQueued_TheOtherFieldSyncs_LaterRunsHoldIt_AndResolvingConverges()
    {
        ResetSimulators(app, sourceTasks: 2);
        var connection = await ConnectionAsync(app);
        await RunAsync(connection);
        var pair = (await PairsAsync(connection)).First();
        var assigneeBefore = (await Source(app).GetAsync(pair.SourceId, Ct))!["assignee"];
        // assignee ↔ owner is manual in the demo map: both sides change it differently; the source also changes the priority.
        var (priority, urgency) = (await Source(app).GetAsync(pair.SourceId, Ct))!["priority"] == "high" ? ("low", "1") : ("high", "3");
        await Source(app).UpdateAsync(pair.SourceId, new Dictionary<string, string?> { ["assignee"] = "zed-review", ["priority"] = priority }, Ct);
        await Destination(app).UpdateAsync(pair.DestinationId, Set("owner", "yan-review"), Ct);

        var first = await RunAsync(connection);
        first.Conflicted.Should().Be(1);
        (await Destination(app).GetAsync(pair.DestinationId, Ct))!["urgency"].Should().Be(urgency, "the item's other field still syncs");
        var conflict = (await ConflictRowsAsync(connection)).Should().ContainSingle().Subject;
        (conflict.FieldKey, conflict.SourceValue, conflict.DestinationValue, conflict.BaseSource, conflict.State, conflict.RunId)
            .Should().Be(("assignee>owner", "zed-review", "yan-review", SyncChangeDetector.Normalise(assigneeBefore), SyncConflictState.Open, first.Id));
        (conflict.PairId, conflict.SourceId, conflict.DestinationId).Should().Be((pair.Id, pair.SourceId, pair.DestinationId));

        // While it is open: not opened again, and the field is not pushed even when one side changes it once more.
        await Destination(app).UpdateAsync(pair.DestinationId, Set("owner", "yuri-review"), Ct);
        var second = await RunAsync(connection);
        (second.Conflicted, second.Updated, second.Failed).Should().Be((0, 0, 0));
        (await ConflictRowsAsync(connection)).Should().ContainSingle();
        (await Source(app).GetAsync(pair.SourceId, Ct))!["assignee"].Should().Be("zed-review");

        var listed = await Conflicts.ListAsync(connection.Id, SyncConflictState.Open, new PageRequest(1, 50), Ct);
        listed.Items.Select(c => c.Id).Should().Equal(conflict.Id);
        var resolved = await Conflicts.ResolveAsync(Actor.System, conflict.Id, new ConflictResolution("source"), Ct);
        resolved.Succeeded.Should().BeTrue(resolved.Describe());
        (resolved.Value!.State, resolved.Value.Choice, resolved.Value.ChosenSource, resolved.Value.ChosenDestination)
            .Should().Be((SyncConflictState.Resolved, SyncConflictChoice.Source, "zed-review", "zed-review"));
        (await Destination(app).GetAsync(pair.DestinationId, Ct))!["owner"].Should().Be("zed-review", "the choice is written at once");
        (await Source(app).GetAsync(pair.SourceId, Ct))!["assignee"].Should().Be("zed-review");

        var third = await RunAsync(connection);
        (third.Conflicted, third.Updated, third.Failed).Should().Be((0, 0, 0), "both sides hold the chosen value, which is the base");
        (await Conflicts.OpenCountAsync(connection.Id, Ct)).Should().Be(0);
        (await Conflicts.ResolveAsync(Actor.System, conflict.Id, new ConflictResolution("destination"), Ct)).Outcome.Should().Be(OpsOutcome.Conflict);
        await using var db = await DbAsync();
        (await db.AuditEntries.CountAsync(e => e.Module == SyncModule.Name && e.Action == "conflict.resolve" && e.EntityId == conflict.Id.ToString(), Ct)).Should().Be(1);
    }

    [Fact]
    public async Task Api_SupervisorsResolveWithATypedValue_BadInputNamesTheField_OthersAreRefused_AndA409WhenResolved()
    {
        ResetSimulators(app, sourceTasks: 1);
        var connection = await ConnectionAsync(app);
        await RunAsync(connection);
        var pair = (await PairsAsync(connection)).Single();
        await Source(app).UpdateAsync(pair.SourceId, Set("assignee", "ann-review"), Ct);
        await Destination(app).UpdateAsync(pair.DestinationId, Set("owner", "bob-review"), Ct);
        (await RunAsync(connection)).Conflicted.Should().Be(1);

        using var viewer = await app.ClientAsAsync("viewer");
        var queue = await viewer.GetFromJsonAsync<JsonElement>($"/api/sync/conflicts?connection_id={connection.Id}", Ct);
        queue.GetProperty("total").GetInt32().Should().Be(1);
        var id = queue.GetProperty("items")[0].GetProperty("id").GetInt64();
        var detail = await viewer.GetFromJsonAsync<JsonElement>($"/api/sync/conflicts/{id}", Ct);
        detail.GetProperty("conflict").GetProperty("source_value").GetString().Should().Be("ann-review");
        detail.GetProperty("conflict").GetProperty("destination_value").GetString().Should().Be("bob-review");
        detail.GetProperty("conflict").GetProperty("state").GetString().Should().Be("open");
        (detail.GetProperty("source_field").GetString(), detail.GetProperty("destination_field").GetString()).Should().Be(("assignee", "owner"));
        (await viewer.GetAsync("/api/sync/conflicts/999999", Ct)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await viewer.GetAsync("/api/sync/conflicts?state=maybe", Ct)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        using var op = await app.ClientAsAsync("operator");
        (await op.PostAsJsonAsync($"/api/sync/conflicts/{id}/resolve", new { choice = "source" }, Ct)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var supervisor = await app.ClientAsAsync("supervisor");
        var bad = await supervisor.PostAsJsonAsync($"/api/sync/conflicts/{id}/resolve", new { choice = "both" }, Ct);
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync(Ct)).Should().Contain("\"choice\"");
        var stray = await supervisor.PostAsJsonAsync($"/api/sync/conflicts/{id}/resolve", new { choice = "source", value = "x" }, Ct);
        stray.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await stray.Content.ReadAsStringAsync(Ct)).Should().Contain("\"value\"");

        var ok = await supervisor.PostAsJsonAsync($"/api/sync/conflicts/{id}/resolve", new { choice = "value", value = " cat " }, Ct);
        ok.StatusCode.Should().Be(HttpStatusCode.OK, await ok.Content.ReadAsStringAsync(Ct));
        (await ok.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("resolved_by").GetString().Should().Be("supervisor");
        (await Source(app).GetAsync(pair.SourceId, Ct))!["assignee"].Should().Be("cat");
        (await Destination(app).GetAsync(pair.DestinationId, Ct))!["owner"].Should().Be("cat");
        var again = await supervisor.PostAsJsonAsync($"/api/sync/conflicts/{id}/resolve", new { choice = "source" }, Ct);
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await viewer.GetFromJsonAsync<JsonElement>($"/api/sync/conflicts?connection_id={connection.Id}", Ct)).GetProperty("total").GetInt32().Should().Be(0);
        (await viewer.GetFromJsonAsync<JsonElement>($"/api/sync/conflicts?connection_id={connection.Id}&state=resolved", Ct)).GetProperty("total").GetInt32().Should().Be(1);
        (await RunAsync(connection)).Updated.Should().Be(0);
    }

    [Fact]
    public async Task ADryRun_WritesOnlyThePlanAndAnAuditLine_EvenWithAManualConflictInIt()
    {
        ResetSimulators(app, sourceTasks: 3);
        var connection = await ConnectionAsync(app);
        await RunAsync(connection);
        var pair = (await PairsAsync(connection)).First();
        await Source(app).UpdateAsync(pair.SourceId, new Dictionary<string, string?> { ["assignee"] = "ann-review", ["title"] = "planned title" }, Ct);
        await Destination(app).UpdateAsync(pair.DestinationId, Set("owner", "bob-review"), Ct);
        await using var db = await DbAsync();
        async Task<string> StateAsync() => string.Join("|",
            await db.SyncRuns.CountAsync(r => r.ConnectionId == connection.Id, Ct), await db.SyncRunItems.CountAsync(i => i.ConnectionId == connection.Id, Ct),
            await db.SyncConflicts.CountAsync(c => c.ConnectionId == connection.Id, Ct), await db.SyncCreateIntents.CountAsync(i => i.ConnectionId == connection.Id, Ct),
            string.Join(",", (await PairsAsync(connection)).Select(p => $"{p.UpdatedAt:O}{p.SourceHash}{p.DestinationHash}{JsonSerializer.Serialize(p.Bases)}")),
            (await db.SyncConnections.AsNoTracking().SingleAsync(c => c.Id == connection.Id, Ct)).SourceCursor,
            await db.AuditEntries.CountAsync(e => e.Module == SyncModule.Name, Ct),
            string.Join(",", (await AllAsync(Source(app))).Concat(await AllAsync(Destination(app))).Select(t => t.Version)));
        var before = await StateAsync();

        var plan = (await Engine.DryRunAsync(Actor.System, connection.Id, Ct)).Value!;
        plan.Conflicts.Should().Be(1);
        plan.Items.Should().Contain(i => i.SourceId == pair.SourceId && i.Action == SyncAction.Conflict);

        var after = await StateAsync();
        var auditBefore = int.Parse(before.Split('|')[6]);
        after.Should().Be(before.Replace($"|{auditBefore}|", $"|{auditBefore + 1}|"), "only the plan and one audit line are written");
        (await db.SyncPlans.CountAsync(p => p.Id == plan.Id, Ct)).Should().Be(1);
    }

    [Fact]
    public async Task ApplyingAPlan_CarriesOutTheItemsStillAsPlanned_ReportsThoseChangedSincePlanning_AndOnlyOnce()
    {
        ResetSimulators(app, sourceTasks: 4);
        var connection = await ConnectionAsync(app);
        await RunAsync(connection);
        var pairs = await PairsAsync(connection);
        var (steady, moved) = (pairs[0], pairs[1]);
        await Source(app).UpdateAsync(steady.SourceId, Set("title", "steady title"), Ct);
        await Source(app).UpdateAsync(moved.SourceId, Set("title", "planned title"), Ct);
        var plan = (await Engine.DryRunAsync(Actor.System, connection.Id, Ct)).Value!;
        plan.Items.Where(i => i.Action == SyncAction.Update).Select(i => i.SourceId).Should().BeEquivalentTo([steady.SourceId, moved.SourceId]);

        // After planning, someone renames the second card at the destination: its plan no longer holds.
        await Destination(app).UpdateAsync(moved.DestinationId, Set("name", "renamed at the destination"), Ct);
        using var op = await app.ClientAsAsync("operator");
        var response = await op.PostAsync($"/api/sync/plans/{plan.Id}/apply", null, Ct);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var applied = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        applied.GetProperty("run").GetProperty("updated").GetInt32().Should().Be(1);
        var changed = applied.GetProperty("changed_since_planning");
        changed.GetArrayLength().Should().Be(1);
        changed[0].GetProperty("source_id").GetString().Should().Be(moved.SourceId);
        changed[0].GetProperty("error").GetString().Should().Contain("changed since planning").And.Contain("destination item changed");
        applied.GetProperty("plan").GetProperty("applied_by").GetString().Should().Be("operator");
        applied.GetProperty("plan").GetProperty("applied_run_id").GetInt64().Should().Be(applied.GetProperty("run").GetProperty("id").GetInt64());

        (await Destination(app).GetAsync(steady.DestinationId, Ct))!["name"].Should().Be("steady title");
        (await Destination(app).GetAsync(moved.DestinationId, Ct))!["name"].Should().Be("renamed at the destination", "not silently re-planned");
        (await Source(app).GetAsync(moved.SourceId, Ct))!["title"].Should().Be("planned title");

        (await op.PostAsync($"/api/sync/plans/{plan.Id}/apply", null, Ct)).StatusCode.Should().Be(HttpStatusCode.Conflict);
        using var viewer = await app.ClientAsAsync("viewer");
        (await viewer.PostAsync($"/api/sync/plans/{plan.Id}/apply", null, Ct)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await op.PostAsync("/api/sync/plans/999999/apply", null, Ct)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task OverlapReReads_AreSkippedByTheirHashes_WithoutComparing_AndAChangeIsStillSeen()
    {
        ResetSimulators(app, sourceTasks: 5);
        var connection = await ConnectionAsync(app);
        await RunAsync(connection);
        (await PairsAsync(connection)).Should().OnlyContain(p => p.SourceHash != null && p.DestinationHash != null);

        // Every item was stamped within the overlap, so both sides read them all again.
        var plan = (await Engine.DryRunAsync(Actor.System, connection.Id, Ct)).Value!;
        plan.Items.Should().HaveCount(5).And.OnlyContain(i => i.Action == SyncAction.Skip && i.Note == SyncReader.UnchangedNote);
        var second = await RunAsync(connection);
        (second.Skipped, second.Updated).Should().Be((5, 0));

        var pair = (await PairsAsync(connection)).First();
        await Source(app).UpdateAsync(pair.SourceId, Set("description", "  now with notes  "), Ct);
        var third = await RunAsync(connection);
        (third.Updated, third.Skipped).Should().Be((1, 4));
        (await Destination(app).GetAsync(pair.DestinationId, Ct))!["notes"].Should().Be("now with notes");
        var fourth = await RunAsync(connection);
        (fourth.Updated, fourth.Skipped).Should().Be((0, 5));
    }

    [Fact]
    public void AnItemsHash_IsOfItsNormalisedMappedFields()
    {
        var fields = new[] { "title", "status" };
        static OpsConsole.Core.Sync.Adapters.RemoteTask Task(string? title, string? status, bool archived = false, string? other = null) =>
            new("1", new Dictionary<string, string?> { ["title"] = title, ["status"] = status, ["other"] = other }, DateTime.UnixEpoch, "1", archived);
        SyncItemHash.Of(fields, Task(" a ", "todo")).Should().Be(SyncItemHash.Of(fields, Task("a", "todo", other: "unmapped")));
        SyncItemHash.Of(fields, Task("", "todo")).Should().Be(SyncItemHash.Of(fields, Task(null, "todo")));
        SyncItemHash.Of(fields, Task("a", "todo")).Should().NotBe(SyncItemHash.Of(fields, Task("a", "done")));
        SyncItemHash.Of(fields, Task("a", "todo")).Should().NotBe(SyncItemHash.Of(fields, Task("a", "todo", archived: true)));
        SyncItemHash.Of(fields, Task("a;", null)).Should().NotBe(SyncItemHash.Of(fields, Task("a", ";")));
    }

    [Fact]
    public async Task AMassArchive_StopsBeforeAnyWrite_NamingTheSetting_UntilAnAdminConfirms()
    {
        ResetSimulators(app, sourceTasks: 12);
        var connection = await ConnectionAsync(app);
        await RunAsync(connection);
        var pairs = await PairsAsync(connection);
        foreach (var pair in pairs.Take(7))
        {
            await Source(app).ArchiveAsync(pair.SourceId, delete: false, Ct);
        }
        // The dry run says so before anyone runs it; with the admin's confirmation it does not.
        var plan = (await Engine.DryRunAsync(Actor.System, connection.Id, Ct)).Value!;
        (plan.Archives, plan.Warning).Should().Match<(int, string?)>(p => p.Item1 == 7 && p.Item2!.StartsWith("A run would stop before archiving: 7 of 12"));
        (await Engine.DryRunAsync(Actor.System, connection.Id, new SyncRunOptions(ConfirmDeletes: true), Ct)).Value!.Warning.Should().BeNull();
        var stopped = await RunAsync(connection);
        stopped.State.Should().Be(SyncRunState.Failed);
        stopped.Error.Should().Contain("Sync:MaxDeletesPercent").And.Contain("7 of 12");
        stopped.Archived.Should().Be(0);
        (await AllAsync(Destination(app))).Should().OnlyContain(t => !t.Archived);
        (await PairsAsync(connection)).Should().OnlyContain(p => !p.Archived);

        using var op = await app.ClientAsAsync("operator");
        (await op.PostAsJsonAsync("/api/sync", new { connection_id = connection.Id, confirm_deletes = true }, Ct)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var admin = await app.ClientAsAsync("admin");
        var confirmed = await admin.PostAsJsonAsync("/api/sync", new { connection_id = connection.Id, confirm_deletes = true }, Ct);
        confirmed.StatusCode.Should().Be(HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync(Ct));
        (await confirmed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("archived").GetInt32().Should().Be(7);
        (await AllAsync(Destination(app))).Count(t => t.Archived).Should().Be(7);
    }

    [Fact]
    public void TheDeleteGuard_StopsMoreThanTheShare_AboveTheFloor()
    {
        SyncDeleteGuard.Refusal(archives: 5, livePairs: 6, maxPercent: 10, floor: 5).Should().BeNull("at most the floor is never stopped");
        SyncDeleteGuard.Refusal(archives: 10, livePairs: 100, maxPercent: 10, floor: 5).Should().BeNull("exactly the share is allowed");
        SyncDeleteGuard.Refusal(archives: 11, livePairs: 100, maxPercent: 10, floor: 5).Should().Contain("Sync:MaxDeletesPercent (10%)");
        SyncDeleteGuard.Refusal(archives: 6, livePairs: 0, maxPercent: 10, floor: 5).Should().NotBeNull();
    }

    [Fact]
    public async Task ASourceAnsweringAPartialList_ArchivesNothing()
    {
        var simulators = ResetSimulators(app, sourceTasks: 6);
        var connection = await ConnectionAsync(app);
        await RunAsync(connection);
        // Half of the source's tasks drop out of its answers (as a partial list does): missing is not archived.
        foreach (var pair in (await PairsAsync(connection)).Take(3))
        {
            simulators.Source.Delete(pair.SourceId).Should().BeTrue();
        }
        var run = await RunAsync(connection);
        (run.State, run.Archived, run.Failed).Should().Be((SyncRunState.Succeeded, 0, 0));
        (await AllAsync(Destination(app))).Should().HaveCount(6).And.OnlyContain(t => !t.Archived);
        (await PairsAsync(connection)).Should().HaveCount(6).And.OnlyContain(p => !p.Archived);
    }

    [Fact]
    public async Task Activity_ListsOneItemsLinesAcrossRuns_NewestFirst_BySourceOrDestinationId()
    {
        ResetSimulators(app, sourceTasks: 3);
        var connection = await ConnectionAsync(app);
        var add = await RunAsync(connection);
        var pair = (await PairsAsync(connection)).First();
        await Source(app).UpdateAsync(pair.SourceId, Set("title", "first change"), Ct);
        var update = await RunAsync(connection);

        using var viewer = await app.ClientAsAsync("viewer");
        foreach (var item in new[] { pair.SourceId, pair.DestinationId })
        {
            var lines = await viewer.GetFromJsonAsync<JsonElement>($"/api/sync/activity?connection_id={connection.Id}&item={item}", Ct);
            lines.GetProperty("total").GetInt32().Should().Be(2);
            var items = lines.GetProperty("items");
            (items[0].GetProperty("run_id").GetInt64(), items[0].GetProperty("action").GetString()).Should().Be((update.Id, "update"));
            (items[1].GetProperty("run_id").GetInt64(), items[1].GetProperty("action").GetString()).Should().Be((add.Id, "add"));
            items[0].GetProperty("connection_id").GetInt64().Should().Be(connection.Id);
        }
        var all = await viewer.GetFromJsonAsync<JsonElement>($"/api/sync/activity?connection_id={connection.Id}&page_size=2", Ct);
        (all.GetProperty("total").GetInt32(), all.GetProperty("items").GetArrayLength()).Should().Be((4, 2));
        (await viewer.GetAsync("/api/sync/activity?connection_id=x", Ct)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AFirstRun_LinksExistingDestinationItems_ByTitleOrMarker_ShownInTheDryRun_AndDoneWhenThePlanIsApplied()
    {
        var simulators = ResetSimulators(app, sourceTasks: 4);
        var connection = await ConnectionAsync(app);
        var sources = (await AllAsync(Source(app))).OrderBy(t => t.Id).ToList();
        await Source(app).UpdateAsync(sources[0].Id, Set("title", "link me by title"), Ct);
        // Two cards exist already: one with the first task's title, one carrying the second task's marker.
        var byTitle = await Destination(app).CreateAsync(Set("name", "link me by title"), "made by hand", Guid.NewGuid().ToString("N"), Ct);
        var byMarker = await Destination(app).CreateAsync(Set("name", "renamed by hand"), connection.Marker(sources[1].Id), Guid.NewGuid().ToString("N"), Ct);

        var titlePlan = (await Engine.DryRunAsync(Actor.System, connection.Id, new SyncRunOptions(LinkBy: "title"), Ct)).Value!;
        var linked = titlePlan.Items.Single(i => i.SourceId == sources[0].Id);
        (linked.Action, linked.DestinationId).Should().Be((SyncAction.Add, byTitle.Id));
        linked.Note.Should().StartWith("link: the existing").And.Contain("title");
        titlePlan.Items.Where(i => i.SourceId != sources[0].Id).Should().OnlyContain(i => i.Action == SyncAction.Add && i.Note == null);
        (await Engine.DryRunAsync(Actor.System, connection.Id, new SyncRunOptions(LinkBy: "owner"), Ct)).Errors.Keys.Should().Equal("link_by");

        var markerPlan = (await Engine.DryRunAsync(Actor.System, connection.Id, new SyncRunOptions(LinkBy: "marker"), Ct)).Value!;
        markerPlan.Items.Single(i => i.SourceId == sources[1].Id).DestinationId.Should().Be(byMarker.Id);
        simulators.Destination.Count.Should().Be(2, "dry runs write nothing");
        var applied = await app.Services.GetRequiredService<SyncPlanApplier>().ApplyAsync(Actor.System, markerPlan.Id, ct: Ct);
        applied.Succeeded.Should().BeTrue(applied.Describe());
        (applied.Value!.Run.Added, applied.Value.ChangedSincePlanning.Count).Should().Be((4, 0));
        simulators.Destination.Count.Should().Be(5, "the marked card was linked, the three others created");
        (await PairsAsync(connection)).Single(p => p.SourceId == sources[1].Id).DestinationId.Should().Be(byMarker.Id);

        // Linking wrote the source's values where the card differed, and took them as the bases: nothing is left to do.
        markerPlan.Items.Single(i => i.SourceId == sources[1].Id).Fields.Should().Contain(f => f.Field == "title>name" && f.From == "renamed by hand");
        (await Destination(app).GetAsync(byMarker.Id, Ct))!["name"].Should().Be(sources[1]["title"]);
        (await Source(app).GetAsync(sources[1].Id, Ct))!["description"].Should().Be(sources[1]["description"]);
        var next = await RunAsync(connection);
        (next.Updated, next.Added, next.Conflicted).Should().Be((0, 0, 0));

        using var op = await app.ClientAsAsync("operator");
        var bad = await op.PostAsJsonAsync("/api/sync/dry-run", new { connection_id = connection.Id, link_by = "headline" }, Ct);
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync(Ct)).Should().Contain("link_by");
    }

    [Fact]
    public async Task OnlyItemsCreatedAfterADate_AreAdded_PairedItemsGoOnSyncing_AndTheSettingNeedsTheSourcesCreatedAtField()
    {
        ResetSimulators(app, sourceTasks: 6);
        var sources = (await AllAsync(Source(app))).OrderBy(t => t.CreatedAt).ToList();
        sources.Should().OnlyContain(t => t.CreatedAt != null, "the simulator says when it made each task");
        var after = sources[3].CreatedAt!.Value;
        var connection = await ConnectionAsync(app, r => r with { CreatedAfter = after });

        var plan = (await Engine.DryRunAsync(Actor.System, connection.Id, Ct)).Value!;
        plan.Items.Where(i => i.Action == SyncAction.Add).Select(i => i.SourceId).Should().BeEquivalentTo(sources.Skip(3).Select(t => t.Id));
        plan.Items.Where(i => i.Action == SyncAction.Skip).Should().HaveCount(3).And.OnlyContain(i => i.Note!.Contains("before the connection's start"));
        (await RunAsync(connection)).Added.Should().Be(3);

        // An old item edited later is still not added; a new one is, and the paired ones go on syncing.
        await Source(app).UpdateAsync(sources[0].Id, Set("title", "old but edited"), Ct);
        await Source(app).UpdateAsync(sources[4].Id, Set("title", "paired and edited"), Ct);
        var made = await Source(app).CreateAsync(Set("title", "made today"), "made by hand", Guid.NewGuid().ToString("N"), Ct);
        var next = await RunAsync(connection);
        (next.Added, next.Updated).Should().Be((1, 1));
        (await PairsAsync(connection)).Select(p => p.SourceId).Should().Contain(made.Id).And.NotContain(sources[0].Id);

        var refused = await app.Services.GetRequiredService<SyncConnections>().CreateAsync(Actor.System, SyncDemoConnection.Request() with
        {
            Name = "no created field " + Guid.NewGuid().ToString("N")[..6], CreatedAfter = after,
            Source = TaskSystemDialect.Source.AdapterConfig() with { CreatedAtField = null },
        }, Ct);
        refused.Errors.Keys.Should().Equal("created_after");
    }

    [Fact]
    public async Task AnItemChangedOnOneSide_IsComparedWithTheOtherSidesLastKnownState_WithoutReadingItAgain()
    {
        var simulators = ResetSimulators(app, sourceTasks: 10);
        var connection = await ConnectionAsync(app);
        await RunAsync(connection);
        await RunAsync(connection); // reads its own creates back once, as the scheduled run after a first sync does
        var pairs = await PairsAsync(connection);
        foreach (var pair in pairs.Take(3))
        {
            await Source(app).UpdateAsync(pair.SourceId, Set("title", $"changed {pair.SourceId}"), Ct);
        }
        await Destination(app).UpdateAsync(pairs[5].DestinationId, Set("notes", "changed on the card"), Ct);

        var (destinationBefore, sourceBefore) = (simulators.Destination.RequestsServed, simulators.Source.RequestsServed);
        var run = await RunAsync(connection);
        (run.Updated, run.Failed).Should().Be((4, 0));
        (simulators.Destination.RequestsServed - destinationBefore).Should().Be(1 + 3, "one page of its changes and the three updates: no read of each card");
        (simulators.Source.RequestsServed - sourceBefore).Should().Be(1 + 1, "one page of its changes and the one update");
        foreach (var pair in pairs.Take(3))
        {
            (await Destination(app).GetAsync(pair.DestinationId, Ct))!["name"].Should().Be($"changed {pair.SourceId}");
        }
        (await Source(app).GetAsync(pairs[5].SourceId, Ct))!["description"].Should().Be("changed on the card");
    }
}
