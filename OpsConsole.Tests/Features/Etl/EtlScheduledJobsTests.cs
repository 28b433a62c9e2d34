using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Features.Etl;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Etl;

/// <summary>The nightly fetch and the missing-data scan queue exactly the cells they promise, and leave the rest alone.</summary>
public sealed class EtlScheduledJobsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MissingScan_QueuesTheCellsOfTheLastDaysWithNoJob_AndTheNightlyFetchThenFindsYesterdayQueued()
    {
        await using var app = new OpsAppFactory(settings: new Dictionary<string, string?> { ["Etl:ScanDays"] = "5" });
        var etl = app.Services.GetRequiredService<EtlService>();
        var today = etl.Today;
        await using (var db = OpsDatabase.Create(app.Database))
        {
            db.Branches.Add(new Branch { Id = "SCAN1", Name = "Scanned", PosCount = 2, ActiveFrom = today.AddDays(-3) });
            db.Branches.Add(new Branch { Id = "SCAN2", Name = "Closed", PosCount = 1, ActiveFrom = today.AddDays(-30), IsActive = false });
            db.EtlJobs.Add(new EtlJob
            {
                Id = Guid.NewGuid(), BranchId = "SCAN1", Pos = 1, WorkDate = today.AddDays(-2), Status = EtlJobStatus.Succeeded, RecordCount = 10, CreatedBy = "t",
            });
            await db.SaveChangesAsync(Ct);
        }
        async Task<List<string>> CellsAsync()
        {
            await using var db = OpsDatabase.Create(app.Database);
            return (await db.EtlJobs.AsNoTracking().Where(j => j.BranchId.StartsWith("SCAN")).ToListAsync(Ct))
                .Select(j => $"{j.BranchId}/{j.Pos}/{today.DayNumber - j.WorkDate.DayNumber}").Order().ToList();
        }

        await app.Services.GetRequiredService<EtlMissingScan>().QueueUnfetchedAsync(Ct);

        // Active from three days ago, scanned up to yesterday: days 3, 2 and 1 for both POS, one of them already stored.
        (await CellsAsync()).Should().Equal("SCAN1/1/1", "SCAN1/1/2", "SCAN1/1/3", "SCAN1/2/1", "SCAN1/2/2", "SCAN1/2/3");
        await using (var db = OpsDatabase.Create(app.Database))
        {
            // Queued by the system (the runners may already have picked some up).
            (await db.EtlJobs.CountAsync(j => j.BranchId == "SCAN1" && j.CreatedBy == "system", Ct)).Should().Be(5);
        }

        await app.Services.GetRequiredService<EtlMissingScan>().QueueYesterdayAsync(Ct);
        (await CellsAsync()).Should().HaveCount(6, "yesterday was already queued by the scan: nothing is queued twice");
    }
}
