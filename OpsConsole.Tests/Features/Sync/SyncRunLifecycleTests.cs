using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Leasing;
using OpsConsole.Core.Sync;
using OpsConsole.Simulators.Sync;
using OpsConsole.Tests.TestSupport;
using static OpsConsole.Tests.TestSupport.SyncTestData;

namespace OpsConsole.Tests.Features.Sync;

/// <summary>A console for the run-lifecycle tests: items that give up after 3 runs, without waiting between tries.</summary>
public sealed class SyncRunsApp() : OpsAppFactory(settings: new Dictionary<string, string?>
{
    ["Resilience:AttemptTimeoutSeconds"] = "15",
    ["Resilience:TotalTimeoutSeconds"] = "30",
    // Long enough that a live run's heartbeat is not lost on a loaded machine; the dead run's lease is taken with 2 s.
    ["Sync:LeaseSeconds"] = "20",
    ["Sync:ItemMaxAttempts"] = "3",
    ["Sync:ItemRetrySeconds"] = "0",
}), IAsyncLifetime
{
    public ValueTask InitializeAsync()
    {
        StartKestrel();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The run lifecycle over both simulators on a real database (ADR 0036): one run per connection through its lease
/// (409 with the running run's id), a cancelled run and a run whose process died both followed by a run that converges
/// without duplicates, the bot's no-storm rule, item errors with retries and the needs-attention list, connection errors
/// that pause, the token bucket in a 429 storm, a destination failing pushes, webhooks and `GET /api/health`.
/// </summary>
public sealed class SyncRunLifecycleTests(SyncRunsApp app) : IClassFixture<SyncRunsApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private SyncEngine Engine => app.Services.GetRequiredService<SyncEngine>();

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
        return await db.SyncPairs.AsNoTracking().Where(p => p.ConnectionId == connection.Id).ToListAsync(Ct);
    }

    private async Task FaultsAsync(string simulator, double errorRate = 0, int latencyMs = 0)
    {
        using var admin = await app.ClientAsAsync("admin");
        (await admin.PutAsJsonAsync($"/api/simulators/{simulator}/faults", new { error_rate = errorRate, latency_ms = latencyMs, malformed = false, outage = false }, Ct))
            .EnsureSuccessStatusCode();
    }

    private async Task<SyncRun?> RunningRunAsync(SyncConnection connection)
    {
        await using var db = await DbAsync();
        return await db.SyncRuns.AsNoTracking().FirstOrDefaultAsync(r => r.ConnectionId == connection.Id && r.State == SyncRunState.Running, Ct);
    }

    [Fact]
    public async Task AManualRunDuringABotRun_Answers409WithTheBotRunsId()
    {
        ResetSimulators(app, sourceTasks: 6);
        var connection = await ConnectionAsync(app);
        await FaultsAsync(SyncModule.DestinationUpstream, latencyMs: 300);
        try
        {
            var bot = Task.Run(() => Engine.RunAsync(SyncBot.Actor, connection.Id, SyncTrigger.Bot, Ct), Ct);
            SyncRun? running = null;
            await Until.TrueAsync(async () => (running = await RunningRunAsync(connection)) is not null, "the bot's run to start");

            using var op = await app.ClientAsAsync("operator");
            var manual = await op.PostAsJsonAsync("/api/sync", new { connection_id = connection.Id }, Ct);
            manual.StatusCode.Should().Be(HttpStatusCode.Conflict);
            var problem = await manual.Content.ReadFromJsonAsync<JsonElement>(Ct);
            problem.GetProperty("running_run_id").GetInt64().Should().Be(running!.Id);

            var botRun = (await bot).Value!;
            (botRun.Id, botRun.Trigger, botRun.State, botRun.Added).Should().Be((running.Id, SyncTrigger.Bot, SyncRunState.Succeeded, 6));
            (await app.Services.GetRequiredService<DatabaseLease>().IsHeldAsync(SyncRunLeases.LeaseName(connection.Id), Ct)).Should().BeFalse("a finished run lets its lease go");
        }
        finally
        {
            await FaultsAsync(SyncModule.DestinationUpstream);
        }
    }

    [Fact]
    public async Task ARunCancelledMidway_IsMarkedCancelled_AndTheNextRunConverges_WithoutDuplicates()
    {
        var simulators = ResetSimulators(app, sourceTasks: 10);
        var connection = await ConnectionAsync(app);
        await FaultsAsync(SyncModule.DestinationUpstream, latencyMs: 200);
        SyncRun cancelled;
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var run = Task.Run(() => Engine.RunAsync(Actor.System, connection.Id, SyncTrigger.Manual, stop.Token), Ct);
            await Until.TrueAsync(() => simulators.Destination.Count >= 3, "a few creates");
            await stop.CancelAsync();
            cancelled = (await run).Value!;
        }
        finally
        {
            await FaultsAsync(SyncModule.DestinationUpstream);
        }
        cancelled.State.Should().Be(SyncRunState.Cancelled);
        simulators.Destination.Count.Should().BeLessThan(10);

        var next = await RunAsync(connection);
        next.State.Should().Be(SyncRunState.Succeeded);
        simulators.Destination.Count.Should().Be(10, "the items made before the stop (and one whose create was cut off) are not made twice");
        (await PairsAsync(connection)).Select(p => p.DestinationId).Should().OnlyHaveUniqueItems().And.HaveCount(10);
        (await AllAsync(Destination(app))).GroupBy(t => t["origin_ref"]).Should().OnlyContain(g => g.Count() == 1);
        (await RunAsync(connection)).Skipped.Should().Be(10);
    }

    [Fact]
    public async Task ARunWhoseProcessDied_IsClosedByTheNextOnceItsLeaseRunsOut_AndTheNextConverges_WithoutDuplicates()
    {
        var simulators = ResetSimulators(app, sourceTasks: 6);
        var connection = await ConnectionAsync(app);
        var source = (await AllAsync(Source(app))).OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
        // The dead process: it held the lease, had its run running, wrote two create intents and made both items, then died
        // before committing their pairings.
        var lease = (await app.Services.GetRequiredService<DatabaseLease>().TryAcquireAsync(SyncRunLeases.LeaseName(connection.Id), TimeSpan.FromSeconds(2), Ct))!;
        await lease.AbandonAsync();
        long deadRunId;
        await using (var db = await DbAsync())
        {
            var dead = new SyncRun { ConnectionId = connection.Id, State = SyncRunState.Running, Trigger = SyncTrigger.Bot, RequestedBy = "sync-bot",
                QueuedAt = DateTime.UtcNow, StartedAt = DateTime.UtcNow };
            db.SyncRuns.Add(dead);
            await db.SaveChangesAsync(Ct);
            deadRunId = dead.Id;
            foreach (var task in source.Take(2))
            {
                var key = Guid.NewGuid().ToString("N");
                db.SyncCreateIntents.Add(new SyncCreateIntent
                {
                    ConnectionId = connection.Id, SourceId = task.Id, Marker = connection.Marker(task.Id), IdempotencyKey = key, RunId = dead.Id,
                    CreatedAt = DateTime.UtcNow, Attempts = 1,
                });
                await Destination(app).CreateAsync(SyncChangeDetector.ForCreate(connection.FieldMap, task).Fields, connection.Marker(task.Id), key, Ct);
            }
            await db.SaveChangesAsync(Ct);
        }

        var refused = await Engine.RunAsync(Actor.System, connection.Id, SyncTrigger.Manual, Ct);
        refused.Outcome.Should().Be(OpsConsole.Core.Shared.Results.OpsOutcome.Conflict, "the dead run's lease has not run out yet");
        refused.Details!["running_run_id"].Should().Be(deadRunId);

        SyncRun? next = null;
        await Until.TrueAsync(async () =>
        {
            var result = await Engine.RunAsync(Actor.System, connection.Id, SyncTrigger.Manual, Ct);
            next = result.Value;
            return result.Succeeded;
        }, "the dead run's lease to run out", TimeSpan.FromSeconds(60), pollMs: 250);
        (next!.State, next.Added).Should().Be((SyncRunState.Succeeded, 6));
        simulators.Destination.Count.Should().Be(6, "the two items the dead run made were found by their markers");
        (await PairsAsync(connection)).Select(p => p.DestinationId).Should().OnlyHaveUniqueItems().And.HaveCount(6);
        await using (var db = await DbAsync())
        {
            var dead = await db.SyncRuns.AsNoTracking().SingleAsync(r => r.Id == deadRunId, Ct);
            (dead.State, dead.Error).Should().Be((SyncRunState.Failed, SyncRunLeases.AbandonedError));
            (await db.AuditEntries.CountAsync(e => e.Action == "run.abandoned" && e.EntityId == deadRunId.ToString(), Ct)).Should().Be(1);
            (await db.SyncCreateIntents.CountAsync(i => i.ConnectionId == connection.Id, Ct)).Should().Be(0);
        }
    }

    [Fact]
    public async Task TheBot_RunsAConnectionThatWasDueForADayOnce_NotOncePerMissedInterval_AndLeavesPausedOnes()
    {
        ResetSimulators(app, sourceTasks: 2);
        var connection = await ConnectionAsync(app, r => r with { ScheduleSeconds = 60 });
        var paused = await ConnectionAsync(app, r => r with { Paused = true });
        await using (var db = await DbAsync())
        {
            // Its last run a day ago: 1,440 intervals of 60 s were missed while the bot was down.
            db.SyncRuns.Add(new SyncRun { ConnectionId = connection.Id, State = SyncRunState.Succeeded, Trigger = SyncTrigger.Bot, RequestedBy = "sync-bot",
                QueuedAt = DateTime.UtcNow.AddDays(-1), StartedAt = DateTime.UtcNow.AddDays(-1), FinishedAt = DateTime.UtcNow.AddDays(-1) });
            await db.SaveChangesAsync(Ct);
        }
        var off = ActivatorUtilities.CreateInstance<SyncBot>(app.Services, new SyncOptions { AutoSyncEnabled = false });
        (await off.DueAsync(Ct)).Should().BeEmpty("AUTO_SYNC_ENABLED is off");

        var bot = ActivatorUtilities.CreateInstance<SyncBot>(app.Services, new SyncOptions { AutoSyncEnabled = true, IntervalSeconds = 300 });
        var due = await bot.DueAsync(Ct);
        due.Should().Contain(connection.Id).And.NotContain(paused.Id);
        var made = await bot.TickAsync(Ct);
        made.Where(r => r.ConnectionId == connection.Id).Should().ContainSingle().Which.Trigger.Should().Be(SyncTrigger.Bot);
        (await bot.DueAsync(Ct)).Should().NotContain(connection.Id, "it ran just now; the next is 60 s after");
        var next = await bot.NextRunsAsync(Ct);
        next[connection.Id].Should().BeCloseTo(made.Single(r => r.ConnectionId == connection.Id).QueuedAt.AddSeconds(60), TimeSpan.FromSeconds(1));
        next[paused.Id].Should().BeNull("the bot leaves paused connections");
        (await off.NextRunsAsync(Ct))[connection.Id].Should().BeNull("the bot is off");
        await using (var db = await DbAsync())
        {
            (await db.SyncRuns.CountAsync(r => r.ConnectionId == connection.Id, Ct)).Should().Be(2);
        }
    }

    [Fact]
    public async Task AnItemThatKeepsFailing_IsTriedEachRun_ThenGoesToTheNeedsAttentionList_UntilAnOperatorRetriesIt()
    {
        ResetSimulators(app, sourceTasks: 6);
        var source = await AllAsync(Source(app));
        var failing = source.OrderBy(t => t.Id, StringComparer.Ordinal).First();
        // The destination refuses the create of the items with this status: the value map sends a state it does not know.
        var connection = await ConnectionAsync(app, r => r with
        {
            FieldMap = [.. r.FieldMap!.Select(m => m.Source == "status"
                ? m with { Direction = SyncDirection.ToDestination, Values = m.Values!.ToDictionary(v => v.Key, v => v.Key == failing["status"] ? "no-such-state" : v.Value) }
                : m)],
        });
        var failingCount = source.Count(t => t["status"] == failing["status"]);

        for (var run = 1; run <= 3; run++)
        {
            var r = await RunAsync(connection);
            r.Failed.Should().Be(failingCount, $"run {run} tries them again");
        }
        var fourth = await RunAsync(connection);
        (fourth.Failed, fourth.Added).Should().Be((0, 0), "they gave up after 3 runs (Sync:ItemMaxAttempts) and wait for someone");

        using var viewer = await app.ClientAsAsync("viewer");
        var list = await viewer.GetFromJsonAsync<JsonElement>($"/api/sync/needs-attention?connection_id={connection.Id}", Ct);
        list.GetProperty("total").GetInt32().Should().Be(failingCount);
        var item = list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("source_id").GetString() == failing.Id);
        item.GetProperty("attempts").GetInt32().Should().Be(3);
        item.GetProperty("last_error").GetString().Should().Contain("400");
        var id = item.GetProperty("id").GetInt64();
        (await viewer.PostAsync($"/api/sync/needs-attention/{id}/retry", null, Ct)).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        using var op = await app.ClientAsAsync("operator");
        (await op.PostAsync($"/api/sync/needs-attention/{id}/retry", null, Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await op.PostAsync($"/api/sync/needs-attention/{id}/retry", null, Ct)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await RunAsync(connection)).Failed.Should().Be(1, "the retried item is tried again, the others still wait");
        await using var db = await DbAsync();
        (await db.AuditEntries.CountAsync(e => e.Action == "item.retry" && e.EntityId == id.ToString(), Ct)).Should().Be(1);
    }

    [Fact]
    public void TheBackoff_IsTheNextRun_ThenDoublesFromItsBase_UpToItsCeiling()
    {
        var options = new SyncOptions { ItemRetrySeconds = 60, ItemRetryMaxSeconds = 3600 };
        Enumerable.Range(1, 8).Select(a => SyncItemRetries.Backoff(a, options).TotalSeconds).Should().Equal(0, 60, 120, 240, 480, 960, 1920, 3600);
    }

    [Fact]
    public async Task RefusedCredentials_PauseTheConnection_SayingWhy_TheBotLeavesIt_AndHealthSaysDegraded()
    {
        var simulators = ResetSimulators(app, sourceTasks: 3);
        var connection = await ConnectionAsync(app, r => r with { Source = r.Source! with { AuthValue = "not-the-key" } });
        var run = await RunAsync(connection);
        run.State.Should().Be(SyncRunState.Failed);
        run.Error.Should().Contain("401");
        simulators.Destination.Count.Should().Be(0);
        var after = (await app.Services.GetRequiredService<SyncConnections>().GetAsync(connection.Id, Ct))!;
        (after.Paused, after.Health).Should().Be((true, SyncConnectionHealth.Paused));
        after.PauseReason.Should().Contain("credentials");
        var bot = ActivatorUtilities.CreateInstance<SyncBot>(app.Services, new SyncOptions { AutoSyncEnabled = true });
        (await bot.DueAsync(Ct)).Should().NotContain(connection.Id);
        await using (var db = await DbAsync())
        {
            (await db.AuditEntries.CountAsync(e => e.Action == "connection.pause" && e.EntityId == connection.Id.ToString(), Ct)).Should().Be(1);
        }

        using var admin = await app.ClientAsAsync("admin");
        var secret = (await (await admin.PostAsync($"/api/sync/connections/{connection.Id}/webhook-secret", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct))
            .GetProperty("secret").GetString()!;
        using var anonymous = app.CreateClient();
        var body = Encoding.UTF8.GetBytes("{\"items\": [\"SRC-1001\"]}");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var hook = new HttpRequestMessage(HttpMethod.Post, $"/api/sync/connections/{connection.Id}/webhook") { Content = new ByteArrayContent(body) };
        hook.Headers.Add(SyncWebhooks.TimestampHeader, now);
        hook.Headers.Add(SyncWebhooks.SignatureHeader, SyncWebhooks.Sign(secret, now, body));
        var refused = await anonymous.SendAsync(hook, Ct);
        refused.StatusCode.Should().Be(HttpStatusCode.Conflict, "a paused connection does not run webhooks");
        (await refused.Content.ReadAsStringAsync(Ct)).Should().Contain("paused");

        var health = await anonymous.GetFromJsonAsync<JsonElement>("/api/health", Ct);
        health.GetProperty("status").GetString().Should().Be("degraded");
        health.GetProperty("connections_by_health").GetProperty("paused").GetInt32().Should().BeGreaterThan(0);
        health.GetProperty("auto_sync_enabled").GetBoolean().Should().BeFalse();
        health.GetProperty("sync_interval_seconds").GetInt32().Should().Be(300);
    }

    [Fact]
    public async Task ATaskSystemSourceDown_FailsTheRunCleanly_NothingPushedNothingArchived_AndTheConnectionIsNotPaused()
    {
        var simulators = ResetSimulators(app, sourceTasks: 4);
        var connection = await ConnectionAsync(app);
        await RunAsync(connection);
        var before = (await AllAsync(Destination(app))).Select(t => (t.Id, t.Version, t.Archived)).ToList();
        using var admin = await app.ClientAsAsync("admin");
        (await admin.PutAsJsonAsync("/api/simulators/sync-source/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage = true }, Ct)).EnsureSuccessStatusCode();
        try
        {
            var run = await RunAsync(connection);
            run.State.Should().Be(SyncRunState.Failed);
            (run.Added, run.Updated, run.Archived).Should().Be((0, 0, 0));
        }
        finally
        {
            await FaultsAsync(SyncModule.SourceUpstream);
        }
        (await AllAsync(Destination(app))).Select(t => (t.Id, t.Version, t.Archived)).Should().Equal(before);
        var after = (await app.Services.GetRequiredService<SyncConnections>().GetAsync(connection.Id, Ct))!;
        (after.Paused, after.Health).Should().Be((false, SyncConnectionHealth.UnableToSync), "an outage passes: the bot tries again");
        simulators.Source.Count.Should().Be(4);
    }

    [Fact]
    public async Task TheDestinationFailingATenthOfPushes_AndTimingOutAfterCreating_ConvergesNextRun_WithoutDuplicates()
    {
        var simulators = ResetSimulators(app, sourceTasks: 20);
        simulators.Destination.Configure(new TaskSystemSettings(FailCreatesAfterCommit: 1));
        var connection = await ConnectionAsync(app);
        await FaultsAsync(SyncModule.DestinationUpstream, errorRate: 0.1);
        SyncRun first;
        try
        {
            first = await RunAsync(connection);
        }
        finally
        {
            await FaultsAsync(SyncModule.DestinationUpstream);
        }
        first.Failed.Should().BeGreaterThan(0, "a tenth of the pushes failed and one create timed out after it was made");
        var next = await RunAsync(connection);
        (next.State, next.Failed).Should().Be((SyncRunState.Succeeded, 0));
        (first.Added + next.Added).Should().Be(20);
        simulators.Destination.Count.Should().Be(20, "the create answered 504 after it was made was found by its marker");
        (await PairsAsync(connection)).Select(p => p.DestinationId).Should().OnlyHaveUniqueItems().And.HaveCount(20);
        (await RunAsync(connection)).Skipped.Should().Be(20);
    }

    [Fact]
    public async Task A429Storm_IsMetByTheTokenBucket_AndTheRunFinishes()
    {
        var simulators = ResetSimulators(app, sourceTasks: 8);
        // 3 requests per 4 s: a burst runs into it even on a slow machine.
        simulators.Destination.Configure(new TaskSystemSettings(RateLimitRequests: 3, RateLimitWindowSeconds: 4));
        var connection = await ConnectionAsync(app);
        var limits = app.Services.GetRequiredService<SyncRateLimits>();
        limits.Forget(connection.Destination);
        var bucket = limits.For(connection.Destination);
        try
        {
            var run = await RunAsync(connection);
            (run.State, run.Added).Should().Be((SyncRunState.Succeeded, 8));
            bucket.Rate.Should().NotBeNull("the bucket learned the rate from the 429s");
            bucket.Rate!.Value.Should().BeInRange(0.2, 1.5, "about 3 requests per 4 s");
            bucket.Throttles.Should().BeLessThan(5, "once learned, the calls are paced instead of hitting 429 again and again");
            simulators.Destination.Count.Should().Be(8);
        }
        finally
        {
            app.Services.GetRequiredService<SyncRateLimits>().Forget(connection.Destination);
        }
    }

    [Fact]
    public async Task Webhooks_AreRefusedUnsignedBadlySignedOrStale_AndASignedOneRunsTheItemsItNames()
    {
        ResetSimulators(app, sourceTasks: 4);
        var connection = await ConnectionAsync(app);
        await RunAsync(connection);
        var pair = (await PairsAsync(connection)).OrderBy(p => p.SourceId, StringComparer.Ordinal).First();
        await Source(app).UpdateAsync(pair.SourceId, new Dictionary<string, string?> { ["title"] = "changed, said by a webhook" }, Ct);

        using var op = await app.ClientAsAsync("operator");
        (await op.PostAsync($"/api/sync/connections/{connection.Id}/webhook-secret", null, Ct)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var admin = await app.ClientAsAsync("admin");
        var made = await admin.PostAsync($"/api/sync/connections/{connection.Id}/webhook-secret", null, Ct);
        made.StatusCode.Should().Be(HttpStatusCode.OK);
        var secret = (await made.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!;

        using var sender = app.CreateClient();
        var url = $"/api/sync/connections/{connection.Id}/webhook";
        // The destination's id of the item: the webhook names it as the destination knows it.
        var body = Encoding.UTF8.GetBytes($"{{\"items\": [\"{pair.DestinationId}\"]}}");
        async Task<HttpResponseMessage> SendAsync(string? timestamp, string? signature)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            if (timestamp is not null)
            {
                request.Headers.Add(SyncWebhooks.TimestampHeader, timestamp);
            }
            if (signature is not null)
            {
                request.Headers.Add(SyncWebhooks.SignatureHeader, signature);
            }
            return await sender.SendAsync(request, Ct);
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stale = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var unsigned = await SendAsync(null, null);
        unsigned.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await unsigned.Content.ReadAsStringAsync(Ct)).Should().Contain(SyncWebhooks.SignatureHeader);
        var badly = await SendAsync(now, SyncWebhooks.Sign("another-secret", now, body));
        badly.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await badly.Content.ReadAsStringAsync(Ct)).Should().Contain("does not match");
        var old = await SendAsync(stale, SyncWebhooks.Sign(secret, stale, body));
        old.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await old.Content.ReadAsStringAsync(Ct)).Should().Contain("within");

        var good = await SendAsync(now, SyncWebhooks.Sign(secret, now, body));
        good.StatusCode.Should().Be(HttpStatusCode.Accepted, await good.Content.ReadAsStringAsync(Ct));
        (await good.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("items")[0].GetString().Should().Be(pair.SourceId);

        SyncRun? hooked = null;
        await Until.TrueAsync(async () =>
        {
            await using var db = await DbAsync();
            hooked = await db.SyncRuns.AsNoTracking().FirstOrDefaultAsync(r => r.ConnectionId == connection.Id && r.Trigger == SyncTrigger.Webhook
                && r.FinishedAt != null, Ct);
            return hooked is not null;
        }, "the webhook's run");
        (hooked!.State, hooked.Planned, hooked.Updated).Should().Be((SyncRunState.Succeeded, 1, 1));
        (await Destination(app).GetAsync(pair.DestinationId, Ct))!["name"].Should().Be("changed, said by a webhook");

        // The simulated source, told where to send them, signs and sends its own webhooks when a task changes.
        (await admin.PutAsJsonAsync("/sim/sync-source/control/webhook", new { connection_id = connection.Id, secret }, Ct)).EnsureSuccessStatusCode();
        try
        {
            await Source(app).UpdateAsync(pair.SourceId, new Dictionary<string, string?> { ["title"] = "changed, told by the simulator" }, Ct);
            await Until.TrueAsync(async () => (await Destination(app).GetAsync(pair.DestinationId, Ct))!["name"] == "changed, told by the simulator",
                "the simulator's webhook run");
            await using var db = await DbAsync();
            (await db.SyncRuns.CountAsync(r => r.ConnectionId == connection.Id && r.Trigger == SyncTrigger.Webhook, Ct)).Should().BeGreaterThanOrEqualTo(2);
        }
        finally
        {
            (await admin.DeleteAsync("/sim/sync-source/control/webhook", Ct)).EnsureSuccessStatusCode();
        }
    }
}
