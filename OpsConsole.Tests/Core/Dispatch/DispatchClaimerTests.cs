using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsConsole.Core;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Shared.Claims;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Dispatch;

/// <summary>The claim never gives one task to two callers, on each provider, under real concurrency.</summary>
public sealed class DispatchClaimerTests
{
    public static TheoryData<string> Providers => new("Sqlite", "PostgreSql");

    /// <summary>The bare claim statement, and the service's group-committed path with its audit entries.</summary>
    public static TheoryData<string, bool> ProvidersAndPaths => new()
    {
        { "Sqlite", false }, { "Sqlite", true }, { "PostgreSql", false }, { "PostgreSql", true },
    };

    [Theory]
    [MemberData(nameof(ProvidersAndPaths))]
    public async Task Claim_WhenThirtyTwoWorkersRace_GivesEveryTaskExactlyOnce_OldestFirst(string provider, bool throughService)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var services = host.Services;
        var contexts = services.GetRequiredService<IDbContextFactory<OpsDbContext>>();
        const int tasks = 400;
        var start = new DateTime(2026, 11, 1, 6, 0, 0, DateTimeKind.Utc);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.DispatchTasks.AddRange(Enumerable.Range(0, tasks).Select(i => new DispatchTask
            {
                FromStationId = 1 + (i % 7), ToStationId = 100 + (i % 5), Qty = 1 + (i % 9), Status = DispatchTaskStatus.Ready,
                CreatedAt = start.AddSeconds(i),
            }));
            await db.SaveChangesAsync();
        }
        ThreadPool.SetMinThreads(64, 64);
        var claimer = services.GetRequiredService<DispatchClaimer>();
        var dispatch = services.GetRequiredService<DispatchService>();
        Func<string, Task<DispatchTask?>> claim = throughService
            ? async worker => (await dispatch.NextAsync(new OpsConsole.Core.Shared.Auditing.Actor("worker", ["worker"]), worker)).Value
            : worker => claimer.ClaimAsync(worker);
        var claims = new ConcurrentBag<(string Worker, long Task)>();
        var firstClaims = new ConcurrentBag<DateTime>();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
        {
            var worker = $"worker-{w}";
            while (await claim(worker) is { } task)
            {
                task.Status.Should().Be(DispatchTaskStatus.Assigned);
                task.WorkerId.Should().Be(worker);
                claims.Add((worker, task.Id));
            }
        })));

        claims.Select(c => c.Task).Should().OnlyHaveUniqueItems().And.HaveCount(tasks);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            (await db.DispatchTasks.CountAsync(t => t.Status == DispatchTaskStatus.Assigned)).Should().Be(tasks);
            var rows = await db.DispatchTasks.AsNoTracking().ToListAsync();
            rows.Should().OnlyContain(t => claims.Contains(ValueTuple.Create(t.WorkerId!, t.Id)), "each row names the worker who got it");
            if (throughService)
            {
                var audits = await db.AuditEntries.AsNoTracking().Where(e => e.Action == "task.assign").ToListAsync();
                audits.Select(e => e.EntityId).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(rows.Select(t => t.Id.ToString()), "one audit entry per claim");
                audits.Should().OnlyContain(e => e.After!.Contains(rows.Single(t => t.Id.ToString() == e.EntityId).WorkerId!));
                audits.Should().OnlyContain(e => e.Actor == "worker" && e.EntityType == "DispatchTask" && e.Before!.Contains("ready")
                    && Math.Abs((e.OccurredAt - DateTime.UtcNow).TotalMinutes) < 5, "the batch writes every field EF reads back");
            }
        }
        (await claim("late")).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AFailedBatch_CommitsNothing_AndTheNextBatchWorks(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var services = host.Services;
        var contexts = services.GetRequiredService<IDbContextFactory<OpsDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.DispatchTasks.AddRange(DispatchTestData.ReadyTasks(3));
            await db.SaveChangesAsync();
        }
        var dispatch = services.GetRequiredService<DispatchService>();

        // The claim succeeds inside the batch; its audit entry cannot be written (an actor must have a name).
        var failing = () => dispatch.NextAsync(new OpsConsole.Core.Shared.Auditing.Actor(null!, ["worker"]), "w-broken");
        await failing.Should().ThrowAsync<Exception>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            (await db.DispatchTasks.CountAsync(t => t.Status == DispatchTaskStatus.Ready)).Should().Be(3, "the batch's claim was rolled back with it");
            (await db.AuditEntries.CountAsync(e => e.Action == "task.assign")).Should().Be(0);
        }

        var next = (await dispatch.NextAsync(new OpsConsole.Core.Shared.Auditing.Actor("worker", ["worker"]), "w-ok")).Value;
        next.Should().NotBeNull();
        next!.WorkerId.Should().Be("w-ok");
        await using (var db = await contexts.CreateDbContextAsync())
        {
            (await db.DispatchTasks.CountAsync(t => t.Status == DispatchTaskStatus.Assigned)).Should().Be(1);
            (await db.AuditEntries.CountAsync(e => e.Action == "task.assign")).Should().Be(1);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ClaimEach_GivesTheNthOldestToTheNthWorker_AndNoneToWorkersPastTheLastReadyTask(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var services = host.Services;
        var contexts = services.GetRequiredService<IDbContextFactory<OpsDbContext>>();
        var t0 = DispatchTestData.T0;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            // Stored newest first, so the order comes from CreatedAt and not from the ids.
            db.DispatchTasks.AddRange(DispatchTestData.ReadyTasks(5).Reverse());
            db.DispatchTasks.Add(DispatchTestData.Task(t0.AddHours(-1), DispatchTaskStatus.Completed, "done"));
            await db.SaveChangesAsync();
        }
        var claimer = services.GetRequiredService<DispatchClaimer>();
        await using var writer = await contexts.CreateDbContextAsync();
        await writer.Database.OpenConnectionAsync();

        await using (var tx = await writer.Database.BeginTransactionAsync())
        {
            var first = await claimer.ClaimEachAsync(writer, ["a", "b", "c"]);
            first.Select(t => (t.WorkerId, t.Reason)).Should().Equal(("a", "age 0"), ("b", "age 1"), ("c", "age 2"));
            first.Should().OnlyContain(t => t.Status == DispatchTaskStatus.Assigned && t.AssignedAt != null);
            var rest = await claimer.ClaimEachAsync(writer, ["d", "e", "f", "g"]);
            rest.Select(t => (t.WorkerId, t.Reason)).Should().Equal(("d", "age 3"), ("e", "age 4"));
            await tx.CommitAsync();
        }
        await using var check = await contexts.CreateDbContextAsync();
        var stored = await check.DispatchTasks.AsNoTracking().Where(t => t.Status == DispatchTaskStatus.Assigned).OrderBy(t => t.CreatedAt).ToListAsync();
        stored.Select(t => t.WorkerId).Should().Equal("a", "b", "c", "d", "e");
        (await claimer.ClaimAsync("late")).Should().BeNull();
    }

    [Fact]
    public async Task ClaimEach_OnPostgreSql_SkipsATaskAnotherTransactionHoldsLocked()
    {
        await using var host = await CoreHost.StartAsync("PostgreSql");
        var services = host.Services;
        var contexts = services.GetRequiredService<IDbContextFactory<OpsDbContext>>();
        var t0 = DispatchTestData.T0;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.DispatchTasks.AddRange(DispatchTestData.ReadyTasks(3));
            await db.SaveChangesAsync();
        }
        await using var holder = await contexts.CreateDbContextAsync();
        await using var held = await holder.Database.BeginTransactionAsync();
        await holder.Database.ExecuteSqlRawAsync("""SELECT 1 FROM dispatch_tasks WHERE "Reason" = 'age 0' FOR UPDATE""");

        var claimer = services.GetRequiredService<DispatchClaimer>();
        await using var writer = await contexts.CreateDbContextAsync();
        await writer.Database.OpenConnectionAsync();
        var claimed = await claimer.ClaimEachAsync(writer, ["a", "b", "c"]).WaitAsync(TimeSpan.FromSeconds(10));
        claimed.Select(t => (t.WorkerId, t.Reason)).Should().Equal([("a", "age 1"), ("b", "age 2")], "the locked oldest is skipped, not waited for");
    }

    [Fact]
    public async Task Claim_TakesTheOldestReadyTask()
    {
        await using var host = await CoreHost.StartAsync();
        var services = host.Services;
        var contexts = services.GetRequiredService<IDbContextFactory<OpsDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var t0 = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
            db.DispatchTasks.AddRange(
                DispatchTestData.Task(t0.AddMinutes(5), reason: "newer"),
                DispatchTestData.Task(t0, DispatchTaskStatus.Completed, "done"),
                DispatchTestData.Task(t0.AddMinutes(1), reason: "older"));
            await db.SaveChangesAsync();
        }
        var claimer = services.GetRequiredService<DispatchClaimer>();
        var first = (await claimer.ClaimAsync("w"))!;
        first.Reason.Should().Be("older");
        (await claimer.ClaimAsync("w"))!.Reason.Should().Be("newer");
        (await claimer.ClaimAsync("w")).Should().BeNull();

        // What the claim returns is the row as stored, field for field (SQLite's form reads the returned columns itself).
        await using var check = await contexts.CreateDbContextAsync();
        var stored = await check.DispatchTasks.AsNoTracking().SingleAsync(t => t.Id == first.Id);
        first.Should().BeEquivalentTo(stored);
        first.AssignedAt.Should().NotBeNull().And.Subject!.Value.Kind.Should().Be(DateTimeKind.Utc);
    }

    [Fact]
    public void ClaimStatement_HasEachProvidersLockingForm()
    {
        var spec = new ClaimSpec("t", "Status", "ready", "assigned", ["CreatedAt", "Id"], ["WorkerId"]);
        ClaimStatement.For(DatabaseProvider.PostgreSql, spec).Should().Contain("FOR UPDATE SKIP LOCKED").And.Contain("RETURNING *");
        ClaimStatement.For(DatabaseProvider.SqlServer, spec).Should().Contain("WITH (UPDLOCK, READPAST, ROWLOCK)").And.Contain("OUTPUT inserted.*");
        ClaimStatement.For(DatabaseProvider.Sqlite, spec).Should().Contain("AND \"Status\" = 'ready'").And.Contain("LIMIT 1");
        ClaimStatement.PostgreSqlBatch(spec).Should().Contain("FOR UPDATE SKIP LOCKED").And.Contain("LIMIT cardinality({0})").And.Contain("claim_order");
    }

}

public sealed class DispatchLeaseTests
{
    [Fact]
    public async Task Reclaim_ReturnsOnlyTasksAssignedLongerThanTheLease_AndAuditsEach()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        await using var host = await CoreHost.StartAsync(time: clock);
        var services = host.Services;
        var contexts = services.GetRequiredService<IDbContextFactory<OpsDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.DispatchTasks.AddRange(
                DispatchTestData.Task(clock.GetUtcNow().UtcDateTime),
                DispatchTestData.Task(clock.GetUtcNow().UtcDateTime.AddSeconds(1)));
            await db.SaveChangesAsync();
        }
        var dispatch = services.GetRequiredService<DispatchService>();
        var abandoned = (await dispatch.NextAsync(new("phone-that-died", []), "w-old")).Value;
        clock.Advance(TimeSpan.FromMinutes(25));
        var fresh = (await dispatch.NextAsync(new("phone-ok", []), "w-new")).Value;

        var reclaimed = await dispatch.ReclaimExpiredAsync(TimeSpan.FromMinutes(20));
        reclaimed.Should().Equal(abandoned!.Id);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            (await db.DispatchTasks.SingleAsync(t => t.Id == abandoned.Id)).Status.Should().Be(DispatchTaskStatus.Ready);
            (await db.DispatchTasks.SingleAsync(t => t.Id == fresh!.Id)).WorkerId.Should().Be("w-new");
            (await db.AuditEntries.CountAsync(a => a.Action == "task.reclaim")).Should().Be(1);
        }
        (await dispatch.NextAsync(new("phone-ok", []), "w-new")).Value!.Id.Should().Be(abandoned.Id, "the reclaimed task is the oldest ready one again");
    }
}
