using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Etl;

/// <summary>
/// A day the file host has no files for yet (ADR 0022): the job waits for data instead of failing for good, the scan
/// tries it again, and once the files are there it succeeds; and the jobs list's filters that find today's failures.
/// </summary>
public sealed class EtlAwaitingDataTests
{
    public static TheoryData<string> Providers => new("Sqlite", "PostgreSql");

    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private static readonly DateOnly Day = Today.AddDays(-2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static EtlJob Job(string branch, int pos, DateOnly day, EtlJobStatus status, DateTime? finishedAt, bool awaitingData = false, string? error = null) => new()
    {
        Id = Guid.CreateVersion7(), BranchId = branch, Pos = pos, WorkDate = day, Status = status, CreatedBy = "t", FinishedAt = finishedAt,
        AwaitingData = awaitingData, Error = error, CreatedAt = DateTime.UtcNow, QueuedAt = DateTime.UtcNow,
    };

    private static async Task<EtlJob> JobAsync(CoreHost host, int pos)
    {
        await using var db = await host.DbAsync();
        return await db.EtlJobs.AsNoTracking().SingleAsync(j => j.BranchId == "B1" && j.Pos == pos && j.WorkDate == Day, Ct);
    }

    [Fact]
    public async Task NoFilesYet_WaitsForData_IsTriedAgainByTheScan_AuditedOnce_AndSucceedsWhenTheFilesArrive()
    {
        var files = new EtlFileHostStub();
        await using var host = await CoreHost.StartAsync(services: files.Register);
        await using (var db = await host.DbAsync())
        {
            // Active from Day: the scan's window (the last Etl:ScanDays days up to yesterday) holds Day and yesterday.
            db.Branches.Add(new Branch { Id = "B1", Name = "One", PosCount = 2, ActiveFrom = Day });
            db.EtlJobs.Add(Job("B1", 2, Day, EtlJobStatus.Failed, DateTime.UtcNow, error: "Bad row (the branch's policy is to fail the job)"));
            await db.SaveChangesAsync(Ct);
        }
        var scan = host.Get<EtlMissingScan>();
        var runners = host.Get<EtlRunnerPool>();

        (await host.Get<EtlService>().QueueCellsAsync(OpsConsole.Core.Shared.Auditing.Actor.System, [new EtlCell("B1", 1, Day)], QueueMode.Missing, Ct))
            .Should().HaveCount(1);
        await runners.DrainAsync(Ct);
        var waiting = await JobAsync(host, 1);
        (waiting.Status, waiting.AwaitingData, waiting.IsAwaitingData).Should().Be((EtlJobStatus.Failed, true, true));
        waiting.Attempts.Should().Be(1, "no retries within the run: files do not appear in seconds");
        waiting.Error.Should().StartWith("The file host lists no files for B1 POS 1");

        // The hourly scan queues it again with the cells that have no job; the plain failure on POS 2 is left to an admin.
        await scan.QueueUnfetchedAsync(Ct);
        (await JobAsync(host, 1)).Status.Should().Be(EtlJobStatus.Queued);
        (await JobAsync(host, 2)).Status.Should().Be(EtlJobStatus.Failed, "an error is not missing data: only an admin retries it");
        await runners.DrainAsync(Ct);
        (await JobAsync(host, 1)).IsAwaitingData.Should().BeTrue("still no files");

        await using (var db = await host.DbAsync())
        {
            var kinds = await db.EtlJobEvents.Where(e => e.JobId == waiting.Id).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync(Ct);
            kinds.Should().Equal("queued", "started", "awaiting-data", "queued", "started", "awaiting-data");
            (await db.AuditEntries.CountAsync(a => a.EntityId == waiting.Id.ToString() && a.Action == "job.awaiting-data", Ct))
                .Should().Be(1, "a day that stays empty is tried every hour; the audit log says it once");
        }

        files.Serve($"B1_1_{Day:yyyyMMdd}_rd5000_1.csv", "rd5000", $"date,time,tnsc,item_code,dept,qty,amount,payment\n{Day:yyyy-MM-dd},08:00:00,T1,ITM-1,DRY,1,2.50,card\n");
        await scan.QueueUnfetchedAsync(Ct);
        await runners.DrainAsync(Ct);
        var done = await JobAsync(host, 1);
        (done.Status, done.AwaitingData, done.RecordCount).Should().Be((EtlJobStatus.Succeeded, false, 1));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TheJobsList_FindsTheFailuresOfADay_WithoutTheOnesWaitingForData_NewestFinishedFirst(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var midnight = Today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        await using (var db = await host.DbAsync())
        {
            db.Branches.Add(new Branch { Id = "B1", Name = "One", PosCount = 5, ActiveFrom = Day.AddDays(-10) });
            db.EtlJobs.AddRange(
                Job("B1", 1, Day, EtlJobStatus.Failed, midnight.AddMinutes(5), error: "early"),
                Job("B1", 2, Day, EtlJobStatus.Failed, midnight.AddMinutes(30), error: "later"),
                Job("B1", 3, Day, EtlJobStatus.Failed, midnight.AddMinutes(20), awaitingData: true, error: "no files"),
                Job("B1", 4, Day, EtlJobStatus.Failed, midnight.AddMinutes(-1), error: "yesterday's"),
                Job("B1", 5, Day, EtlJobStatus.Queued, null),
                Job("B1", 1, Day.AddDays(-1), EtlJobStatus.Succeeded, midnight.AddMinutes(10)));
            await db.SaveChangesAsync(Ct);
        }
        var jobs = host.Get<EtlJobsQuery>();
        async Task<List<string>> ListAsync(string query)
        {
            var text = System.Web.HttpUtility.ParseQueryString(query);
            var result = await jobs.ListAsync(new JobListInput(new JobFilterInput(Status: text["status"], FinishedOn: text["finished_on"],
                AwaitingData: text["awaiting_data"]), text["sort"], text["desc"]), new PageRequest(1, 50), Ct);
            result.Succeeded.Should().BeTrue(result.Describe());
            return result.Value!.Items.Select(j => j.Error ?? j.Status.Name()).ToList();
        }

        (await ListAsync($"status=failed&awaiting_data=false&finished_on={Today:yyyy-MM-dd}&sort=finished")).Should().Equal("later", "early");
        (await ListAsync("awaiting_data=true")).Should().Equal("no files");
        (await ListAsync($"finished_on={Today:yyyy-MM-dd}&sort=finished&desc=false")).Should().Equal("early", "succeeded", "no files", "later");
        (await ListAsync("sort=finished")).Should().Equal("later", "no files", "succeeded", "early", "yesterday's", "queued");
        (await ListAsync("sort=finished&desc=false")).Should().Equal(new[] { "yesterday's", "early", "succeeded", "no files", "later", "queued" },
            "a job not finished comes last either way, on every provider");
    }

    [Fact]
    public async Task TheFilesQuery_FiltersByBranchPosDatesTypeAndJob_NewestWorkDateFirst_InPages()
    {
        await using var host = await CoreHost.StartAsync();
        var job = Job("B1", 1, Day, EtlJobStatus.Succeeded, DateTime.UtcNow);
        await using (var db = await host.DbAsync())
        {
            db.Branches.Add(new Branch { Id = "B1", Name = "One", PosCount = 2, ActiveFrom = Day.AddDays(-10) });
            db.EtlJobs.Add(job);
            var other = Job("B1", 2, Day.AddDays(-1), EtlJobStatus.Succeeded, DateTime.UtcNow);
            db.EtlJobs.Add(other);
            EtlFile File(EtlJob j, string type, int n) => new()
            {
                Id = Guid.CreateVersion7(), JobId = j.Id, BranchId = j.BranchId, Pos = j.Pos, WorkDate = j.WorkDate, FileType = type, Sha256 = new string('a', 64),
                FileName = $"{j.BranchId}_{j.Pos}_{j.WorkDate:yyyyMMdd}_{type}_{n}.csv", DownloadedAt = DateTime.UtcNow.AddMinutes(-n),
            };
            db.EtlFiles.AddRange(File(job, "rd5000", 1), File(job, "rd5000", 2), File(job, "rd5500", 1), File(other, "rd5000", 1));
            await db.SaveChangesAsync(Ct);
        }
        var files = host.Get<EtlFilesQuery>();

        var all = await files.PageAsync(new FileFilter(), new PageRequest(1, 3), Ct);
        all.Total.Should().Be(4);
        all.Items.Select(f => f.WorkDate).Should().Equal(Day, Day, Day);
        all.Items.Take(2).Select(f => f.FileName).Should().BeEquivalentTo([$"B1_1_{Day:yyyyMMdd}_rd5000_1.csv", $"B1_1_{Day:yyyyMMdd}_rd5500_1.csv"],
            "the newest downloads of the newest day first");
        (await files.PageAsync(new FileFilter(), new PageRequest(2, 3), Ct)).Items.Single().Pos.Should().Be(2);
        (await files.PageAsync(new FileFilter(FileType: "rd5000", Pos: 1), new PageRequest(1, 50), Ct)).Total.Should().Be(2);
        (await files.PageAsync(new FileFilter(From: Day.AddDays(-1), To: Day.AddDays(-1)), new PageRequest(1, 50), Ct)).Total.Should().Be(1);
        (await files.PageAsync(new FileFilter(JobId: job.Id, BranchId: "B1"), new PageRequest(1, 50), Ct)).Total.Should().Be(3);
        var listed = await files.ListAsync(new FileListInput(Branch: "B1", FileType: "rd5500"), new PageRequest(1, EtlFilesQuery.MaxListed), Ct);
        listed.Value!.Should().ContainSingle().Which.FileType.Should().Be("rd5500");
    }
}
