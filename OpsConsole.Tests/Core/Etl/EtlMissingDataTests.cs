using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Etl;

/// <summary>The cell states behind the heatmap, the seed's missing map and the queueing modes.</summary>
public sealed class EtlMissingDataTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    /// <summary>
    /// Branch B1 (2 POS, active for the last 7 days) with a job in each state on POS 1, a cancelled one and one waiting for
    /// data on POS 2, and an inactive branch.
    /// </summary>
    private static async Task<CoreHost> SetUpAsync(string provider)
    {
        var host = await CoreHost.StartAsync(provider, new FakeTimeProvider(new DateTimeOffset(Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero)));
        await using (var db = await host.DbAsync())
        {
            db.Branches.Add(new Branch { Id = "B1", Name = "One", PosCount = 2, ActiveFrom = Today.AddDays(-7) });
            db.Branches.Add(new Branch { Id = "OFF", Name = "Closed", PosCount = 1, ActiveFrom = Today.AddDays(-30), IsActive = false });
            EtlJob Job(int pos, int daysAgo, EtlJobStatus status, int? rows) => new()
            {
                Id = Guid.NewGuid(), BranchId = "B1", Pos = pos, WorkDate = Today.AddDays(-daysAgo), Status = status, RecordCount = rows, CreatedBy = "t",
            };
            static EtlJob Waiting(EtlJob job)
            {
                job.AwaitingData = true;
                return job;
            }
            db.EtlJobs.AddRange(
                Job(1, 7, EtlJobStatus.Succeeded, 100), Job(1, 6, EtlJobStatus.Succeeded, 110), Job(1, 5, EtlJobStatus.Succeeded, 90),
                Job(1, 4, EtlJobStatus.Succeeded, 1000), Job(1, 3, EtlJobStatus.Failed, null), Job(1, 2, EtlJobStatus.Running, null),
                Job(1, 1, EtlJobStatus.Queued, null), Job(2, 7, EtlJobStatus.Cancelled, null),
                Waiting(Job(2, 6, EtlJobStatus.Failed, null)));
            await db.SaveChangesAsync();
        }
        return host;
    }

    [Fact]
    public async Task Grid_GivesEachCellItsState_MarksStrayCounts_AndQueuesByMode()
    {
        await using var host = await SetUpAsync("Sqlite");
        var missing = host.Get<EtlMissingData>();
        var grid = await missing.GridAsync(Today.AddDays(-9), Today);

        grid.Rows.Select(r => $"{r.BranchId}/{r.Pos}").Should().Equal("B1/1", "B1/2");
        string States(int pos) => string.Concat(grid.Rows[pos - 1].Cells.Select(c => c switch
        {
            CellState.NotExpected => '.', CellState.Ok => 'o', CellState.Suspicious => 's', CellState.Missing => 'm', CellState.Failed => 'f',
            CellState.Running => 'r', CellState.Queued => 'q', CellState.Waiting => 'w', _ => '?',
        }));
        // 9..0 days ago: two days before active-from, then the jobs, then today with nothing yet.
        States(1).Should().Be("..ooosfrqm", "1000 rows against a median of 100 is suspicious");
        States(2).Should().Be("..mwmmmmmm", "a cancelled job is missing data; a failure for want of files is waiting for data, not failed");
        grid.Rows[0].RecordCounts[2].Should().Be(100);
        grid.Rows[0].JobIds[2].Should().NotBeNull();

        var map = EtlMissingData.MissingMap(grid, includeFailed: false);
        map["B1"]["1"].Should().Equal("2026-11-23");
        map["B1"]["2"].Should().HaveCount(8, "a day waiting for data has no data: the seed's missing map lists it");
        EtlMissingData.MissingMap(grid, includeFailed: true)["B1"]["1"].Should().Equal("2026-11-20", "2026-11-23");

        EtlMissingData.CellsToQueue(grid, QueueMode.Missing).Should().HaveCount(9, "the day waiting for data too: the scan tries it again");
        EtlMissingData.CellsToQueue(grid, QueueMode.MissingAndFailed).Should().HaveCount(10);
        EtlMissingData.CellsToQueue(grid, QueueMode.All).Should().HaveCount(14, "ok and suspicious days too, never running or queued ones");
    }

    public static TheoryData<string, int> StatesCases => new() { { "Sqlite", 10 }, { "Sqlite", 90 }, { "PostgreSql", 10 }, { "PostgreSql", 90 } };

    /// <summary>The states-only grid (the API, the scan and the dashboard) reads the same states as the heatmap's, without suspicious.</summary>
    [Theory]
    [MemberData(nameof(StatesCases))]
    public async Task StatesOnlyGrid_MatchesTheFullGrid_OverShortAndLongRanges(string provider, int days)
    {
        await using var host = await SetUpAsync(provider);
        var missing = host.Get<EtlMissingData>();

        var full = await missing.GridAsync(Today.AddDays(-(days - 1)), Today, ct: TestContext.Current.CancellationToken);
        var states = await missing.GridAsync(Today.AddDays(-(days - 1)), Today, ct: TestContext.Current.CancellationToken, detail: GridDetail.States);

        states.Rows.Select(r => r.Cells).Should().BeEquivalentTo(
            full.Rows.Select(r => r.Cells.Select(c => c == CellState.Suspicious ? CellState.Ok : c).ToArray()), o => o.WithStrictOrdering());
        states.Rows[0].Cells.Should().Contain([CellState.Ok, CellState.Failed, CellState.Running, CellState.Queued, CellState.Missing]);
        states.Rows[1].Cells.Should().Contain(CellState.Waiting, "both readers tell a job waiting for data from a failed one");
        EtlMissingData.MissingMap(states, includeFailed: true).Should().BeEquivalentTo(EtlMissingData.MissingMap(full, includeFailed: true));
    }
}
