using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Dispatch;

/// <summary>
/// The console killed (SIGKILL) while 16 workers are claiming: no task is lost or given twice, and the lease brings
/// the assignments nobody heard about back to ready after a restart.
/// </summary>
public sealed class DispatchCrashTests
{
    private const int Tasks = 300;
    private static readonly Dictionary<string, string> Lease = new()
    {
        ["Dispatch__LeaseMinutes"] = "0.05", // 3 s
        ["Simulators__Enabled"] = "false",
    };

    public static TheoryData<string> Providers => new("Sqlite", "PostgreSql");

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task KilledMidDispatch_LosesAndDoublesNothing_AndTheLeaseReturnsAbandonedTasks(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var database = TestDatabases.For(provider);
        var received = new ConcurrentBag<(string Worker, long Task)>();

        await using (var first = await ConsoleProcess.StartAsync(database, Lease))
        {
            await SeedReadyTasksAsync(first.BaseUrl);
            using var stop = new CancellationTokenSource();
            // Every worker signs in before any claims: a sign-in still under way when the server is killed is not what this shows.
            var phones = await SignInWorkersAsync(first.BaseUrl);
            var workers = phones.Select((phone, w) => ClaimUntilAsync(phone, $"w{w}", received, stop.Token)).ToList();
            await Until.TrueAsync(() => received.Count >= Tasks / 3 || workers.Any(w => w.IsFaulted), "a third of the tasks to be claimed", pollMs: 5);
            workers.Where(w => w.IsFaulted).Should().BeEmpty("every worker claims until it is stopped");
            await first.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(workers);
            foreach (var phone in phones)
            {
                phone.Dispose();
            }
        }

        await using (var db = OpsDatabase.Create(database))
        {
            var all = await db.DispatchTasks.AsNoTracking().ToListAsync(ct);
            all.Should().HaveCount(Tasks, "no task is lost");
            var byId = all.ToDictionary(t => t.Id);
            received.Select(r => r.Task).Should().OnlyHaveUniqueItems("no task went to two workers");
            received.Should().OnlyContain(r => byId[r.Task].Status == DispatchTaskStatus.Assigned && byId[r.Task].WorkerId == r.Worker,
                "every answer a worker got is what the database recorded");
            var assignedAudits = await db.AuditEntries.CountAsync(e => e.Action == "task.assign", ct);
            assignedAudits.Should().Be(all.Count(t => t.Status == DispatchTaskStatus.Assigned), "the claim and its audit entry commit together");
        }

        await using var second = await ConsoleProcess.StartAsync(database, Lease);
        using var admin = await ApiClients.SignedInAsync(second.BaseUrl, "admin");
        await Task.Delay(TimeSpan.FromSeconds(3.5), ct);
        (await admin.PostAsync("/api/scheduler/jobs/dispatch.lease-reclaim/run", null, ct)).EnsureSuccessStatusCode();
        for (var i = 0; i < 100 && (await admin.GetFromJsonAsync<JsonElement>("/api/tasks?status=assigned", ct)).GetProperty("total").GetInt32() > 0; i++)
        {
            await Task.Delay(100, ct);
        }
        (await admin.GetFromJsonAsync<JsonElement>("/api/tasks?status=assigned", ct)).GetProperty("total").GetInt32().Should().Be(0, "the lease returned every abandoned task");

        var drained = new ConcurrentBag<(string Worker, long Task)>();
        var phonesAfter = await SignInWorkersAsync(second.BaseUrl);
        await Task.WhenAll(phonesAfter.Select((phone, w) => ClaimUntilAsync(phone, $"after-{w}", drained, CancellationToken.None)));
        foreach (var phone in phonesAfter)
        {
            phone.Dispose();
        }
        drained.Select(d => d.Task).Should().OnlyHaveUniqueItems().And.HaveCount(Tasks, "after the restart every task is dispatched exactly once");
    }

    private static async Task SeedReadyTasksAsync(string baseUrl)
    {
        using var ml = await ApiClients.SignedInAsync(baseUrl, "mlengine");
        var batch = Enumerable.Range(0, Tasks).Select(i => new { from_station_id = 1 + (i % 20), to_station_id = 21 + (i % 20), qty = 1 + (i % 9) });
        (await ml.PostAsJsonAsync("/api/suggestions", batch)).EnsureSuccessStatusCode();
        using var supervisor = await ApiClients.SignedInAsync(baseUrl, "supervisor");
        var approved = await supervisor.PostAsJsonAsync("/api/suggestions/bulk-approve", new { filter = new { } });
        (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("decided").GetArrayLength().Should().Be(Tasks);
    }

    private static Task<HttpClient[]> SignInWorkersAsync(string baseUrl) =>
        Task.WhenAll(Enumerable.Range(0, 16).Select(_ => ApiClients.SignedInAsync(baseUrl, "worker")));

    /// <summary>A worker's phone: asks for the next task until none is ready, the server vanishes, or it is told to stop.</summary>
    private static async Task ClaimUntilAsync(HttpClient client, string worker, ConcurrentBag<(string, long)> received, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            HttpResponseMessage response;
            try
            {
                response = await client.PostAsJsonAsync("/api/dispatch/next", new { worker_id = worker }, stop);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                return;
            }
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return;
                }
                response.StatusCode.Should().Be(HttpStatusCode.OK);
                try
                {
                    received.Add((worker, (await response.Content.ReadFromJsonAsync<JsonElement>(stop)).GetProperty("id").GetInt64()));
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or JsonException)
                {
                    return; // the answer was cut off by the kill: the worker never learnt of the task
                }
            }
        }
    }
}
