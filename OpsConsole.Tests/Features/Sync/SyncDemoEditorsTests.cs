using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Sync;
using OpsConsole.Simulators.Sync;
using OpsConsole.Tests.TestSupport;
using static OpsConsole.Tests.TestSupport.SyncTestData;

namespace OpsConsole.Tests.Features.Sync;

/// <summary>The demo's busy people (issue 19 item 12): edits that stay within each field's kind, and a reassignment on both sides that the demo map holds as a conflict.</summary>
public sealed class SyncDemoEditorsTests(SyncApp app) : IClassFixture<SyncApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Edits_KeepEveryFieldInItsKind_DatesAsDates_AndVocabulariesAsTheirWords()
    {
        var simulators = ResetSimulators(app, sourceTasks: 5, destinationTasks: 5);
        var dice = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            foreach (var world in simulators.All)
            {
                var task = world.EditSomething(dice)!;
                foreach (var (field, words) in world.Dialect.Fields)
                {
                    var value = task.Fields[field];
                    if (words is not null)
                    {
                        words.Should().Contain(value, $"{field} keeps to its vocabulary");
                    }
                    else if (field.Contains("due", StringComparison.Ordinal))
                    {
                        DateOnly.TryParseExact(value, "yyyy-MM-dd", out _).Should().BeTrue($"{field} '{value}' stays a date");
                    }
                }
            }
        }
    }

    [Fact]
    public async Task AReassignmentOnBothSides_IsHeldAsAConflict_WhileTheOtherSideOfTheConnectionStillSyncs()
    {
        var simulators = ResetSimulators(app, sourceTasks: 4);
        var connection = await ConnectionAsync(app);
        var engine = app.Services.GetRequiredService<SyncEngine>();
        (await engine.RunAsync(Actor.System, connection.Id, SyncTrigger.Manual, Ct)).Value!.Added.Should().Be(4);

        var editors = app.Services.GetRequiredService<SyncDemoEditors>();
        var made = editors.MakeConflict();
        made.Should().NotBeNull("every destination card carries the marker after the first run");
        var sourceId = made!.Split(' ')[0];
        var source = simulators.Source.Get(sourceId)!;
        var card = simulators.Destination.Search(connection.Marker(sourceId)).Single();
        source.Fields["assignee"].Should().NotBe(card.Fields["owner"]);

        var second = (await engine.RunAsync(Actor.System, connection.Id, SyncTrigger.Manual, Ct)).Value!;
        second.Conflicted.Should().Be(1, "assignee ↔ owner is on the manual policy in the demo map");
        simulators.Source.Get(sourceId)!.Fields["assignee"].Should().Be(source.Fields["assignee"], "a held conflict overwrites neither side");
        simulators.Destination.Get(card.Id)!.Fields["owner"].Should().Be(card.Fields["owner"]);
    }
}
