using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Etl;

/// <summary>The dashboard's ETL tile: today's counts, last week's missing cells, and the two alerts.</summary>
public sealed class EtlOverviewTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    private static async Task<CoreHost> SetUpAsync()
    {
        var host = await CoreHost.StartAsync(time: new FakeTimeProvider(Now));
        await using var db = await host.DbAsync();
        db.Branches.Add(new Branch { Id = "B1", Name = "One", PosCount = 2, ActiveFrom = Today.AddDays(-30) });
        // POS 1 has every day up to yesterday; POS 2 stops four days ago, so the last three days are missing.
        for (var daysAgo = 1; daysAgo <= 10; daysAgo++)
        {
            db.EtlJobs.Add(Job(1, daysAgo, EtlJobStatus.Succeeded, Now.UtcDateTime.AddDays(-daysAgo)));
            if (daysAgo >= 4)
            {
                db.EtlJobs.Add(Job(2, daysAgo, EtlJobStatus.Succeeded, Now.UtcDateTime.AddDays(-daysAgo)));
            }
        }
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return host;
    }

    private static EtlJob Job(int pos, int daysAgo, EtlJobStatus status, DateTime? finishedAt) => new()
    {
        Id = Guid.NewGuid(), BranchId = "B1", Pos = pos, WorkDate = Today.AddDays(-daysAgo), Status = status, RecordCount = status == EtlJobStatus.Succeeded ? 100 : null,
        CreatedBy = "t", FinishedAt = finishedAt,
    };

    [Fact]
    public async Task Summary_CountsAndMissingCells_AndAlertsOnARunOfMissingDays()
    {
        await using var host = await SetUpAsync();

        var summary = await host.Get<EtlOverview>().SummaryAsync(TestContext.Current.CancellationToken);

        summary.MissingLast7Days.Should().Be(3, "POS 2 is missing the last three days up to yesterday");
        summary.Alerts.Should().ContainSingle().Which.Should().Be(new EtlAlert("missing-days", "B1 POS 2 has had no data for 3 days in a row."));
    }

    [Fact]
    public async Task Summary_AlertsWhenTooManyJobsFailedInTheLastHour_AndCountsToday()
    {
        await using var host = await SetUpAsync();
        await using (var db = await host.DbAsync())
        {
            // Six finished in the last hour, two of them failed (33% > 20%); one still running, one queued.
            for (var daysAgo = 11; daysAgo <= 14; daysAgo++)
            {
                db.EtlJobs.Add(Job(1, daysAgo, EtlJobStatus.Succeeded, Now.UtcDateTime.AddMinutes(-10)));
            }
            db.EtlJobs.Add(Job(1, 15, EtlJobStatus.Failed, Now.UtcDateTime.AddMinutes(-5)));
            db.EtlJobs.Add(Job(1, 16, EtlJobStatus.Failed, Now.UtcDateTime.AddMinutes(-50)));
            db.EtlJobs.Add(Job(1, 17, EtlJobStatus.Running, null));
            db.EtlJobs.Add(Job(1, 18, EtlJobStatus.Queued, null));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var summary = await host.Get<EtlOverview>().SummaryAsync(TestContext.Current.CancellationToken);

        (summary.Queued, summary.Running, summary.SucceededToday, summary.FailedToday).Should().Be((1, 1, 4, 2));
        summary.Alerts.Select(a => a.Kind).Should().BeEquivalentTo(["failure-rate", "missing-days"]);
        summary.Alerts.Single(a => a.Kind == "failure-rate").Message.Should().StartWith("2 of 6 jobs failed in the last hour (33%");
    }

    [Fact]
    public async Task AJobWaitingForData_IsNoFailureToActOn_ButADayWithoutData()
    {
        await using var host = await SetUpAsync();
        await using (var db = await host.DbAsync())
        {
            // Five finished in the last hour: one real failure (20%, not above the threshold) and four waiting for files.
            var ok = Job(1, 11, EtlJobStatus.Succeeded, Now.UtcDateTime.AddMinutes(-10));
            db.EtlJobs.AddRange(ok, Job(1, 12, EtlJobStatus.Succeeded, Now.UtcDateTime.AddMinutes(-10)), Job(1, 13, EtlJobStatus.Succeeded, Now.UtcDateTime.AddMinutes(-10)),
                Job(1, 14, EtlJobStatus.Succeeded, Now.UtcDateTime.AddMinutes(-10)), Job(1, 15, EtlJobStatus.Failed, Now.UtcDateTime.AddMinutes(-5)));
            // POS 2's three missing days: two of them the file host has no files for yet.
            foreach (var daysAgo in new[] { 1, 2 })
            {
                var waiting = Job(2, daysAgo, EtlJobStatus.Failed, Now.UtcDateTime.AddMinutes(-daysAgo));
                waiting.AwaitingData = true;
                db.EtlJobs.Add(waiting);
            }
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var summary = await host.Get<EtlOverview>().SummaryAsync(TestContext.Current.CancellationToken);

        summary.FailedToday.Should().Be(1, "the two days waiting for data are not failures someone must act on");
        (summary.MissingLast7Days, summary.WaitingLast7Days).Should().Be((3, 2), "they are days without data, said apart");
        summary.Alerts.Select(a => a.Kind).Should().Equal(["missing-days"], "1 failure of 5 finished is 20%: waiting jobs count neither way");
        var conditions = await host.Get<EtlOverview>().AlertConditionsAsync(TestContext.Current.CancellationToken);
        (conditions.FailedLastHour, conditions.FinishedLastHour).Should().Be((1, 5));
        conditions.MissingRuns.Should().ContainSingle().Which.Days.Should().Be(3, "waiting days are days without data for the missing-days alert");
    }

    [Fact]
    public async Task Alerts_OneForEachBranchMissingDays_AndTheFailureRate_ResolvedWhenTheirCauseClears()
    {
        await using var host = await SetUpAsync();
        var ct = TestContext.Current.CancellationToken;
        var check = host.Get<EtlAlerts>();
        await using (var db = await host.DbAsync())
        {
            for (var i = 0; i < 5; i++)
            {
                db.EtlJobs.Add(Job(1, 20 + i, i < 2 ? EtlJobStatus.Failed : EtlJobStatus.Succeeded, Now.UtcDateTime.AddMinutes(-5)));
            }
            await db.SaveChangesAsync(ct);
        }

        (await check.CheckAsync(ct)).Should().Be(new OpsConsole.Core.Shared.Alerts.AlertReconcile(2, 0, 0));
        var alerts = await host.Get<OpsConsole.Core.Shared.Alerts.OpsAlerts>().QueryAsync(new(Active: true), new(1, 10), ct);
        alerts.Items.Select(a => (a.Key, a.Title, a.Link)).Should().BeEquivalentTo([
            ("missing-days:B1", "No data from branch B1 for 3 days", "/etl/missing?branch=B1"),
            ("failure-rate", "Many ETL jobs are failing", "/etl/jobs?status=failed&awaiting_data=false&sort=finished")]);
        alerts.Items.Single(a => a.Key == "missing-days:B1").Message.Should().StartWith("POS 2 (3 days) had no data up to yesterday");

        // The three days arrive, the failures are retried: both causes clear at the next check.
        await using (var db = await host.DbAsync())
        {
            for (var daysAgo = 1; daysAgo <= 3; daysAgo++)
            {
                db.EtlJobs.Add(Job(2, daysAgo, EtlJobStatus.Succeeded, Now.UtcDateTime.AddDays(-daysAgo)));
            }
            await db.EtlJobs.Where(j => j.Status == EtlJobStatus.Failed).ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, EtlJobStatus.Succeeded), ct);
            await db.SaveChangesAsync(ct);
        }
        (await check.CheckAsync(ct)).Should().Be(new OpsConsole.Core.Shared.Alerts.AlertReconcile(0, 0, 2));
    }
}
