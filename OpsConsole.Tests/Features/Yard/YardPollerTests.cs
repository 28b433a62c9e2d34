using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Alerts;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Telemetry;
using OpsConsole.Core.Yard;
using OpsConsole.Features.Yard;
using OpsConsole.Infrastructure.Scheduling;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Yard;

/// <summary>The yard poller against the real yard simulator over HTTP, a real database, and the API.</summary>
public sealed class YardPollerTests
{
    public static TheoryData<string> Providers => new("Sqlite", "PostgreSql");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A console whose scheduled poller is paused (the test polls), with a small frozen world.</summary>
    internal static async Task<OpsAppFactory> StartAsync(string provider = "Sqlite", object? world = null)
    {
        // The first world has no invalid tasks, so a scheduled cycle that runs before the pause below changes nothing.
        var app = new OpsAppFactory(TestDatabases.For(provider), new Dictionary<string, string?> { ["Simulators:Yard:Invalid"] = "false" });
        app.StartKestrel();
        var scheduler = app.Services.GetRequiredService<SchedulerService>();
        await scheduler.SetPausedAsync(new Actor("admin", ["admin"]), "yard.poller", paused: true, Ct);
        // A tick Quartz acquired just before the pause still fires (within a second): let it start, then let it end,
        // so no scheduled cycle reads the world while the test reshapes it.
        await Task.Delay(TimeSpan.FromSeconds(1.2), Ct);
        await Until.TrueAsync(async () => !(await scheduler.ListAsync(Ct)).Any(j => j.Key == "yard.poller" && j.IsRunning), "the paused poller's last run to end");
        using var simAdmin = await app.ClientAsAsync("admin");
        (await simAdmin.PostAsJsonAsync("/sim/yard/world", world ?? new { hostlers = 6, workbasket_tasks = 10, frozen = true, invalid = false }, Ct)).EnsureSuccessStatusCode();
        return app;
    }

    internal static async Task AddTasksAsync(OpsAppFactory app, params object[] tasks)
    {
        using var simAdmin = await app.ClientAsAsync("admin");
        (await simAdmin.PostAsJsonAsync("/sim/yard/world/tasks", tasks, Ct)).EnsureSuccessStatusCode();
    }

    private static async Task<JsonElement> PollAsync(HttpClient client, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsync("/api/yard/poll", null, Ct);
        response.StatusCode.Should().Be(expected, await response.Content.ReadAsStringAsync(Ct));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static async Task<List<AuditEntry>> AuditAsync(OpsAppFactory app, string action)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(Ct);
        return await db.AuditEntries.Where(e => e.Action == action).OrderBy(e => e.Id).ToListAsync(Ct);
    }

    private static async Task<int> SnapshotRowsAsync(OpsAppFactory app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(Ct);
        return await db.YardSnapshots.CountAsync(Ct);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Cycle_FixesAndDeletesByRule_StoresOnlyChanges_AndAuditsEachMutation(string provider)
    {
        await using var app = await StartAsync(provider);
        await AddTasksAsync(app,
            new { id = "BAD-NODEST", trailer_id = "TRL-A", origin = "DOOR-01" },
            new { id = "BAD-PRIO", trailer_id = "TRL-B", origin = "DOOR-02", destination = "SPOT-B01", priority = 9 },
            new { id = "BAD-HOSTLER", trailer_id = "TRL-C", origin = "DOOR-03", destination = "SPOT-C01", hostler_id = "H002" },
            new { id = "OLD-TRL", trailer_id = "TRL-D", origin = "DOOR-04", destination = "SPOT-D01", created_at = DateTime.UtcNow.AddMinutes(-10) },
            new { id = "NEW-TRL", trailer_id = "TRL-D", origin = "DOOR-05", destination = "SPOT-D02" });
        using (var simAdmin = await app.ClientAsAsync("admin"))
        {
            (await simAdmin.PostAsJsonAsync("/sim/yard/world/hostlers/H002/status", new { status = "offline" }, Ct)).EnsureSuccessStatusCode();
        }
        using var op = await app.ClientAsAsync("operator");

        var first = await PollAsync(op);
        first.GetProperty("deleted").GetInt32().Should().Be(2);
        first.GetProperty("patched").GetInt32().Should().Be(2);
        first.GetProperty("stored").GetBoolean().Should().BeTrue();

        var snapshot = await op.GetFromJsonAsync<JsonElement>("/api/yard/snapshot", Ct);
        var workbasket = snapshot.GetProperty("workbasket").EnumerateArray().ToDictionary(r => r.GetProperty("task").GetProperty("id").GetString()!);
        workbasket.Should().NotContainKeys("BAD-NODEST", "NEW-TRL").And.ContainKeys("OLD-TRL", "BAD-PRIO", "BAD-HOSTLER");
        workbasket["BAD-PRIO"].GetProperty("task").GetProperty("priority").GetInt32().Should().Be(5);
        workbasket["BAD-HOSTLER"].GetProperty("task").GetProperty("hostler_id").ValueKind.Should().Be(JsonValueKind.Null);
        workbasket["BAD-PRIO"].GetProperty("findings")[0].GetProperty("outcome").GetString().Should().Be("patched");

        var deletes = await AuditAsync(app, "yard.auto-delete");
        deletes.Select(d => d.EntityId).Should().BeEquivalentTo(["BAD-NODEST", "NEW-TRL"]);
        deletes.Should().OnlyContain(d => d.Actor == "operator" && d.After!.Contains("rule"), "an operator asked for this cycle: its changes are theirs");
        (await AuditAsync(app, "yard.poll-now")).Should().ContainSingle(e => e.Actor == "operator" && e.After!.Contains("\"deleted\":2"));
        (await AuditAsync(app, "yard.auto-patch")).Select(d => d.EntityId).Should().BeEquivalentTo(["BAD-PRIO", "BAD-HOSTLER"]);

        // The patched tasks come back clean once (a change: their findings go), then nothing changes: no write.
        (await PollAsync(op)).GetProperty("stored").GetBoolean().Should().BeTrue();
        var rows = await SnapshotRowsAsync(app);
        var idle = await PollAsync(op);
        idle.GetProperty("stored").GetBoolean().Should().BeFalse();
        idle.GetProperty("patched").GetInt32().Should().Be(0);
        (await SnapshotRowsAsync(app)).Should().Be(rows);
    }

    [Fact]
    public async Task Outage_KeepsTheLastView_ChangesNothing_TriesAgainNextInterval_ThenRecovers()
    {
        await using var app = await StartAsync();
        using var op = await app.ClientAsAsync("operator");
        using var admin = await app.ClientAsAsync("admin");
        var good = await PollAsync(op);
        var version = good.GetProperty("version").GetInt64();

        (await admin.PutAsJsonAsync("/api/simulators/yard/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage = true }, Ct)).EnsureSuccessStatusCode();
        await AddTasksAsync(app, new { id = "WHILE-DOWN", trailer_id = "TRL-W", origin = "DOOR-01" });
        var failed = await PollAsync(op, HttpStatusCode.BadGateway);
        failed.GetProperty("detail").GetString().Should().Contain("503");
        var poller = app.Services.GetRequiredService<YardPoller>();
        poller.Status.ConsecutiveFailures.Should().Be(1);
        (poller.Status.NextPollAt!.Value - poller.Status.LastAttemptAt!.Value).Should().Be(TimeSpan.FromSeconds(poller.Status.Settings.IntervalSeconds),
            "a failed poll is tried again one interval later, so the view recovers within an interval");
        poller.Status.LastSuccessAt.Should().Be(good.GetProperty("started_at").GetDateTime(), "'last polled' is the last good poll");
        poller.Status.IsStale(DateTime.UtcNow.AddSeconds(3 * poller.Status.Settings.IntervalSeconds + 1)).Should().BeTrue();
        var snapshot = await op.GetFromJsonAsync<JsonElement>("/api/yard/snapshot", Ct);
        snapshot.GetProperty("version").GetInt64().Should().Be(version);
        snapshot.GetProperty("status").GetProperty("last_error").GetString().Should().Contain("outage");
        snapshot.GetProperty("status").GetProperty("last_polled_at").GetDateTime().Should().Be(good.GetProperty("started_at").GetDateTime());
        snapshot.GetProperty("status").GetProperty("last_attempt_at").GetDateTime().Should().Be(poller.Status.LastAttemptAt!.Value);
        (await AuditAsync(app, "yard.cycle-failed")).Should().HaveCount(1);
        (await AuditAsync(app, "yard.auto-delete")).Should().BeEmpty();

        (await admin.PutAsJsonAsync("/api/simulators/yard/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage = false }, Ct)).EnsureSuccessStatusCode();
        var recovered = await PollAsync(op);
        recovered.GetProperty("deleted").GetInt32().Should().Be(1);
        (await AuditAsync(app, "yard.auto-delete")).Single().EntityId.Should().Be("WHILE-DOWN");
        (await AuditAsync(app, "yard.cycle-recovered")).Should().HaveCount(1);
        poller.Status.ConsecutiveFailures.Should().Be(0);
    }

    [Fact]
    public async Task MalformedJson_OrAMissingField_FailsTheCycleCleanly()
    {
        await using var app = await StartAsync();
        using var op = await app.ClientAsAsync("operator");
        using var admin = await app.ClientAsAsync("admin");
        await AddTasksAsync(app, new { id = "BAD-1", trailer_id = "TRL-M", origin = "DOOR-01" });
        var version = app.Services.GetRequiredService<YardPoller>().View.Version;

        (await admin.PutAsJsonAsync("/api/simulators/yard/faults", new { error_rate = 0, latency_ms = 0, malformed = true, outage = false }, Ct)).EnsureSuccessStatusCode();
        (await PollAsync(op, HttpStatusCode.BadGateway)).GetProperty("detail").GetString().Should().Contain("not the expected JSON");
        (await admin.PutAsJsonAsync("/api/simulators/yard/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage = false }, Ct)).EnsureSuccessStatusCode();

        using var simAdmin = await app.ClientAsAsync("admin");
        (await simAdmin.PostAsJsonAsync("/sim/yard/world", new { hostlers = 3, workbasket_tasks = 3, frozen = true, invalid = false, omit_field = "status" }, Ct)).EnsureSuccessStatusCode();
        await AddTasksAsync(app, new { id = "BAD-2", trailer_id = "TRL-N", origin = "DOOR-01" });
        (await PollAsync(op, HttpStatusCode.BadGateway)).GetProperty("detail").GetString().Should().Contain("'status'");

        (await AuditAsync(app, "yard.cycle-failed")).Should().HaveCount(1, "a run of failures is audited once, when it starts");
        (await AuditAsync(app, "yard.auto-delete")).Should().BeEmpty();
        app.Services.GetRequiredService<YardPoller>().View.Version.Should().Be(version);
    }

    [Fact]
    public async Task DeletionsBeyondTheCap_ChangeNothing_AndRaiseAnAlert()
    {
        await using var app = await StartAsync();
        using var admin = await app.ClientAsAsync("admin");
        (await admin.PutAsJsonAsync("/api/yard/settings", new { deletion_cap = 2 }, Ct)).EnsureSuccessStatusCode();
        await AddTasksAsync(app, Enumerable.Range(1, 5).Select(i => (object)new { id = $"FLOOD-{i}", trailer_id = $"TRL-F{i}", origin = "DOOR-01" }).Append(
            new { id = "FIXME", trailer_id = "TRL-FX", origin = "DOOR-01", destination = "SPOT-A01", priority = 0 }).ToArray());

        var cycle = await PollAsync(admin);
        cycle.GetProperty("cap_exceeded").GetBoolean().Should().BeTrue();
        cycle.GetProperty("deleted").GetInt32().Should().Be(0);
        cycle.GetProperty("patched").GetInt32().Should().Be(0, "the cap stops every mutation of the cycle");
        cycle.GetProperty("held").GetInt32().Should().Be(6);
        var snapshot = await admin.GetFromJsonAsync<JsonElement>("/api/yard/snapshot", Ct);
        snapshot.GetProperty("status").GetProperty("cap_alert").GetProperty("planned").GetInt32().Should().Be(5);
        snapshot.GetProperty("workbasket").EnumerateArray().Count(r => r.GetProperty("task").GetProperty("id").GetString()!.StartsWith("FLOOD")).Should().Be(5);
        (await AuditAsync(app, "yard.deletion-cap-exceeded")).Should().HaveCount(1);
        (await AuditAsync(app, "yard.auto-delete")).Should().BeEmpty();
        (await YardAlertAsync(app, YardAlerts.CapKey)).Should().Match<Alert>(a => a.State == AlertState.Open && a.Severity == AlertSeverity.Critical);

        // The admin looked and raised the cap: the next cycle deletes, and the alert resolves by itself.
        (await admin.PutAsJsonAsync("/api/yard/settings", new { deletion_cap = 10 }, Ct)).EnsureSuccessStatusCode();
        (await PollAsync(admin)).GetProperty("deleted").GetInt32().Should().Be(5);
        (await YardAlertAsync(app, YardAlerts.CapKey))!.State.Should().Be(AlertState.Resolved);
    }

    [Fact]
    public async Task AnOutage_OpensTheStaleAlert_OnceForTheWholeOutage_AndAGoodPollResolvesIt()
    {
        await using var app = await StartAsync();
        using var op = await app.ClientAsAsync("operator");
        using var admin = await app.ClientAsAsync("admin");
        (await admin.PutAsJsonAsync("/api/yard/settings", new { interval_seconds = 1 }, Ct)).EnsureSuccessStatusCode();
        await PollAsync(op);
        (await admin.PutAsJsonAsync("/api/simulators/yard/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage = true }, Ct)).EnsureSuccessStatusCode();

        // A failed poll, then three intervals without a good one: the next failed polls find the data stale. (Few polls, so
        // the circuit breaker stays closed and the good poll at the end reaches the yard system.)
        await PollAsync(op, HttpStatusCode.BadGateway);
        (await YardAlertAsync(app, YardAlerts.StaleKey)).Should().BeNull("one failed poll is not yet an outage");
        var poller = app.Services.GetRequiredService<YardPoller>();
        await Until.TrueAsync(() => poller.Status.IsStale(DateTime.UtcNow), "three intervals without a good poll");
        await PollAsync(op, HttpStatusCode.BadGateway);
        await PollAsync(op, HttpStatusCode.BadGateway);
        var stale = (await YardAlertAsync(app, YardAlerts.StaleKey))!;
        stale.Should().Match<Alert>(a => a.State == AlertState.Open && a.Count >= 2 && a.Link == "/yard");
        stale.Message.Should().Contain("outage");

        (await admin.PutAsJsonAsync("/api/simulators/yard/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage = false }, Ct)).EnsureSuccessStatusCode();
        await PollAsync(op);
        var resolved = (await YardAlertAsync(app, YardAlerts.StaleKey))!;
        resolved.Id.Should().Be(stale.Id, "one outage is one alert");
        resolved.State.Should().Be(AlertState.Resolved);
    }

    private static async Task<Alert?> YardAlertAsync(OpsAppFactory app, string key)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(Ct);
        return await db.Alerts.Where(a => a.Module == YardModule.Name && a.Key == key).OrderByDescending(a => a.Id).FirstOrDefaultAsync(Ct);
    }

    [Fact]
    public async Task DryRun_ShowsWhatWouldHappen_AndChangesNothing()
    {
        await using var app = await StartAsync();
        using var admin = await app.ClientAsAsync("admin");
        (await admin.PutAsJsonAsync("/api/yard/rules/missing-destination", new { dry_run = true }, Ct)).EnsureSuccessStatusCode();
        await AddTasksAsync(app, new { id = "DRY", trailer_id = "TRL-DRY", origin = "DOOR-01" });
        var cycle = await PollAsync(admin);
        cycle.GetProperty("deleted").GetInt32().Should().Be(0);
        var row = (await admin.GetFromJsonAsync<JsonElement>("/api/yard/snapshot", Ct)).GetProperty("workbasket").EnumerateArray()
            .Single(r => r.GetProperty("task").GetProperty("id").GetString() == "DRY");
        row.GetProperty("findings")[0].GetProperty("outcome").GetString().Should().Be("would delete (dry run)");
        (await AuditAsync(app, "yard.rule")).Should().ContainSingle(e => e.EntityId == "missing-destination" && e.Actor == "admin");
    }

    [Fact]
    public async Task ATaskWhoseDetailAnswers404_IsGoneForTheCycle_NotAFailedPoll()
    {
        await using var app = await StartAsync();
        await AddTasksAsync(app,
            new { id = "GHOST", trailer_id = "TRL-G", origin = "DOOR-01", destination = "SPOT-G01", detail_gone = true },
            new { id = "KEEP", trailer_id = "TRL-K", origin = "DOOR-02", destination = "SPOT-K01" });
        using var op = await app.ClientAsAsync("operator");

        for (var i = 0; i < 2; i++)
        {
            var cycle = await PollAsync(op);
            cycle.GetProperty("succeeded").GetBoolean().Should().BeTrue();
        }
        var snapshot = await op.GetFromJsonAsync<JsonElement>("/api/yard/snapshot", Ct);
        var ids = snapshot.GetProperty("workbasket").EnumerateArray().Select(r => r.GetProperty("task").GetProperty("id").GetString()).ToList();
        ids.Should().Contain("KEEP").And.NotContain("GHOST");
        snapshot.GetProperty("status").GetProperty("consecutive_failures").GetInt32().Should().Be(0, "a task that went between two reads is not an outage");
        (await op.DeleteAsync("/api/yard/tasks/GHOST?reason=gone", Ct)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PollNow_WhileAScheduledCycleRuns_WaitsForIt_NeverTwoCyclesAtOnce()
    {
        await using var app = await StartAsync();
        await app.Services.GetRequiredService<OpsConsole.Features.Simulators.SimulatorControl>()
            .SetAsync(new Actor("admin", ["admin"]), "yard", new OpsConsole.Simulators.SimulatorFaults(LatencyMs: 150), Ct);
        var poller = app.Services.GetRequiredService<YardPoller>();
        var yard = app.Services.GetRequiredService<YardOperations>();
        var op = new Actor("operator", ["operator"]);

        poller.PollSoon();
        var scheduled = poller.TickAsync(Ct);
        var asked = Enumerable.Range(0, 3).Select(_ => yard.PollNowAsync(op, "test", Ct)).ToList();
        var cycles = (await Task.WhenAll(asked)).Append(await scheduled).OfType<YardCycleResult>().OrderBy(c => c.StartedAt).ToList();

        cycles.Should().HaveCountGreaterThanOrEqualTo(3);
        cycles.Should().OnlyContain(c => c.Succeeded);
        for (var i = 1; i < cycles.Count; i++)
        {
            var before = cycles[i - 1];
            var ended = before.StartedAt.AddMilliseconds(before.ReadMs + before.ProcessMs + before.MutateMs + before.StoreMs);
            cycles[i].StartedAt.Should().BeOnOrAfter(ended.AddMilliseconds(-1), $"cycle {cycles[i].Cycle} began before cycle {before.Cycle} ended");
        }
        cycles.Select(c => c.Cycle).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task TheTaskCache_ForgetsAPatchedOrDeletedTask_AndKeepsThePatchAnswer()
    {
        await using var app = await StartAsync();
        await AddTasksAsync(app, new { id = "CACHED", trailer_id = "TRL-CA", origin = "DOOR-01", destination = "SPOT-C01" });
        var cache = app.Services.GetRequiredService<YardTaskCache>();
        var hybrid = app.Services.GetRequiredService<Microsoft.Extensions.Caching.Hybrid.HybridCache>();
        var yard = app.Services.GetRequiredService<YardOperations>();
        var op = new Actor("operator", ["operator"]);
        async Task<bool> CachedAsync(int version)
        {
            var missed = false;
            await hybrid.GetOrCreateAsync<YardTask?>(YardTaskCache.Key("CACHED", version), _ =>
            {
                missed = true;
                return ValueTask.FromResult<YardTask?>(null);
            }, new Microsoft.Extensions.Caching.Hybrid.HybridCacheEntryOptions
            {
                Flags = Microsoft.Extensions.Caching.Hybrid.HybridCacheEntryFlags.DisableLocalCacheWrite | Microsoft.Extensions.Caching.Hybrid.HybridCacheEntryFlags.DisableDistributedCacheWrite,
            }, cancellationToken: Ct);
            return !missed;
        }

        (await cache.DetailAsync(new YardTaskSummary("CACHED", "waiting", null, 1), Ct)).Should().NotBeNull();
        (await CachedAsync(1)).Should().BeTrue();

        var patched = await yard.PatchTaskAsync(op, "CACHED", new System.Text.Json.Nodes.JsonObject { ["priority"] = 2 }, Ct);
        patched.Succeeded.Should().BeTrue(patched.Describe());
        (await CachedAsync(1)).Should().BeFalse("a patch forgets every cached version of the task");
        (await CachedAsync(patched.Value!.Version)).Should().BeTrue("the PATCH answer is the new detail, kept");

        (await yard.DeleteTaskAsync(op, "CACHED", "test", Ct)).Succeeded.Should().BeTrue();
        (await CachedAsync(patched.Value.Version)).Should().BeFalse("a delete forgets the task");
    }

    private sealed class ThrowingRule : IYardRule
    {
        public string Name => "throws";
        public string Description => "Always throws";
        public YardVerdict Kind => YardVerdict.Flag;
        public YardRuleResult? Evaluate(YardTask task, YardRuleContext context) => throw new InvalidOperationException("rule bug");
    }

    [Fact]
    public async Task ARuleThatThrows_IsRecordedAsAnError_AndTheOtherRulesStillRun()
    {
        await using var app = await StartAsync();
        await AddTasksAsync(app, new { id = "NODEST", trailer_id = "TRL-T", origin = "DOOR-01" });
        // A poller of its own, with its own state, over the app's client, cache, database and audit log.
        var poller = ActivatorUtilities.CreateInstance<YardPoller>(app.Services, new YardCyclePlanner([new ThrowingRule(), .. YardRuleSet.Default()]),
            new YardPollerState(TimeProvider.System));

        var cycle = await poller.PollAsync("test", ct: Ct);
        cycle.Succeeded.Should().BeTrue();
        cycle.Deleted.Should().Be(1);
        poller.Status.FailingRules.Should().Equal("throws");
        poller.View.Workbasket.Should().OnlyContain(r => r.Findings.Any(f => f.Rule == "throws" && f.Verdict == YardVerdict.Error && f.Reason.Contains("rule bug")));
        (await AuditAsync(app, "yard.rule-error")).Should().ContainSingle(e => e.EntityId == "throws");
    }

    [Fact]
    public async Task ManualActions_AreValidated_Authorised_AndAudited()
    {
        await using var app = await StartAsync();
        await AddTasksAsync(app, new { id = "MAN-1", trailer_id = "TRL-MAN", origin = "DOOR-01", destination = "SPOT-A01" });
        using var op = await app.ClientAsAsync("operator");
        using var viewer = await app.ClientAsAsync("viewer");

        await (await op.DeleteAsync("/api/yard/tasks/MAN-1", Ct)).ShouldBeValidationProblemAsync("reason");
        await (await op.PatchAsync("/api/yard/tasks/MAN-1", JsonContent.Create(new { colour = "red" }), Ct)).ShouldBeValidationProblemAsync("colour");
        await (await op.PatchAsync("/api/yard/tasks/MAN-1", JsonContent.Create(new { priority = 11 }), Ct)).ShouldBeValidationProblemAsync("priority");
        (await viewer.PatchAsync("/api/yard/tasks/MAN-1", JsonContent.Create(new { priority = 2 }), Ct)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.PostAsync("/api/yard/poll", null, Ct)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await op.PutAsJsonAsync("/api/yard/settings", new { paused = true }, Ct)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await op.PatchAsync("/api/yard/tasks/NOPE", JsonContent.Create(new { priority = 2 }), Ct)).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var patched = await op.PatchAsync("/api/yard/tasks/MAN-1", JsonContent.Create(new { priority = 2, notes = "checked" }), Ct);
        patched.StatusCode.Should().Be(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync(Ct));
        (await patched.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("priority").GetInt32().Should().Be(2);
        (await op.DeleteAsync("/api/yard/tasks/MAN-1?reason=duplicate%20of%20gate%20entry", Ct)).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await AuditAsync(app, "yard.task.patch")).Should().ContainSingle(e => e.Actor == "operator" && e.EntityId == "MAN-1");
        (await AuditAsync(app, "yard.task.delete")).Should().ContainSingle(e => e.Actor == "operator" && e.After!.Contains("duplicate of gate entry"));
        using var admin = await app.ClientAsAsync("admin");
        await (await admin.PutAsJsonAsync("/api/yard/settings", new { interval_seconds = 0 }, Ct)).ShouldBeValidationProblemAsync("interval_seconds");
        (await admin.PutAsJsonAsync("/api/yard/rules/no-such-rule", new { enabled = false }, Ct)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TicksWithNothingDue_AreNotRecordedAsRuns()
    {
        await using var app = new OpsAppFactory();
        var scheduler = app.Services.GetRequiredService<SchedulerService>();
        (await app.Services.GetRequiredService<YardOperations>().UpdateSettingsAsync(new Actor("admin", ["admin"]), new YardSettingsInput(Paused: true), Ct))
            .Succeeded.Should().BeTrue();
        // A cycle that began before the pause still ends as a run.
        await Until.TrueAsync(async () => !(await scheduler.ListAsync(Ct)).Single(j => j.Key == "yard.poller").IsRunning, "a cycle in flight to end");
        var runs = new System.Collections.Concurrent.ConcurrentBag<JobRun>();
        using var subscription = app.Services.GetRequiredService<IOpsEventStream>().Subscribe<JobRunFinished>(e =>
        {
            if (e.Run.JobKey == "yard.poller")
            {
                runs.Add(e.Run);
            }
            return Task.CompletedTask;
        });
        async Task<DateTime?> LastTickAsync() => (await scheduler.ListAsync(Ct)).Single(j => j.Key == "yard.poller").PreviousFireAt;
        await Until.TrueAsync(async () => await LastTickAsync() is not null, "the first tick");
        var first = await LastTickAsync();

        await Until.TrueAsync(async () => await LastTickAsync() > first!.Value.AddSeconds(1), "two more ticks");
        runs.Select(r => $"{r.StartedAt:HH:mm:ss.fff} {r.Outcome} {r.Error}").Should().BeEmpty("a paused poller's ticks poll nothing, so they are not runs");
    }
}
