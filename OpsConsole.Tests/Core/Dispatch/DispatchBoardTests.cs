using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Tests.TestSupport;
using static OpsConsole.Tests.TestSupport.DispatchTestData;

namespace OpsConsole.Tests.Core.Dispatch;

/// <summary>The task board for one worker (its address's worker_id), and the approval page's filter read from text.</summary>
public sealed class DispatchBoardTests
{
    [Fact]
    public async Task Board_ForOneWorker_ListsOnlyTheirAssignedAndCompletedTasks_AndKeepsTheCountsWhole()
    {
        await using var host = await CoreHost.StartAsync("Sqlite");
        var now = DateTime.UtcNow;
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync())
        {
            var tasks = new[]
            {
                Task(now.AddMinutes(-9), DispatchTaskStatus.Assigned), Task(now.AddMinutes(-8), DispatchTaskStatus.Assigned),
                Task(now.AddMinutes(-7), DispatchTaskStatus.Completed), Task(now.AddMinutes(-6), DispatchTaskStatus.Completed),
                Task(now.AddMinutes(-5)),
            };
            (tasks[0].WorkerId, tasks[0].AssignedAt) = ("w-1", now.AddMinutes(-4));
            (tasks[1].WorkerId, tasks[1].AssignedAt) = ("w-2", now.AddMinutes(-3));
            (tasks[2].WorkerId, tasks[2].CompletedAt) = ("w-1", now.AddMinutes(-2));
            (tasks[3].WorkerId, tasks[3].CompletedAt) = ("w-2", now.AddMinutes(-1));
            db.DispatchTasks.AddRange(tasks);
            await db.SaveChangesAsync();
        }
        var dispatch = host.Services.GetRequiredService<DispatchService>();

        var board = await dispatch.BoardAsync(workerId: " w-1 ");

        board.AssignedTasks.Select(t => t.WorkerId).Should().Equal("w-1");
        board.CompletedTasks.Select(t => t.WorkerId).Should().Equal("w-1");
        board.ReadyTasks.Should().HaveCount(1);
        (board.Assigned, board.CompletedToday, board.Workers.Count).Should().Be((2, 2, 2), "the counts and the workers stay the whole board's");
    }

    [Fact]
    public void SuggestionFilter_ReadFromText_NamesEachBadField_AsTheBulkFilterNamesIt()
    {
        var errors = new FieldErrors();
        var filter = SuggestionFilter.Read(errors, new SuggestionFilterInput(StationId: "12", MinQty: "5", MaxQty: "2", OlderThanMinutes: "soon"));

        filter.StationId.Should().Be(12);
        errors.Fields.Should().BeEquivalentTo("max_qty", "older_than_minutes");
    }
}
