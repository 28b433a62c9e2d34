namespace OpsConsole.Simulators.Sync;

/// <summary>
/// The people of the two simulated task systems (Development, with the demo connection): every
/// `Simulators:Sync:DemoEditSeconds` (20; 0 switches them off) someone edits one field of one task, on the source and
/// on the destination by turns, and every fifth turn two people reassign the same synced task on both sides to
/// different people, which the demo connection's manual policy on assignee ↔ owner holds as a conflict for a
/// supervisor. So a fresh `dotnet run` shows runs with updates both ways and a conflict waiting.
/// </summary>
public sealed class SyncDemoEditors(SyncSimulators simulators, SimulatorOptions options, IConfiguration configuration, IHostEnvironment environment,
    TimeProvider time, ILogger<SyncDemoEditors> logger) : BackgroundService
{
    public const int DefaultEditSeconds = 20;

    private readonly Random _dice = new(unchecked(options.Seed * 397) ^ 0x5EED);
    private long _turn;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = configuration.GetValue("Simulators:Sync:DemoEditSeconds", DefaultEditSeconds);
        if (!SyncDemoConnection.Enabled(options, configuration, environment) || seconds <= 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            EditOnce();
        }
    }

    /// <summary>One turn: an edit on one side, or on every fifth turn a conflicting reassignment on both.</summary>
    public string? EditOnce()
    {
        var turn = ++_turn;
        if (turn % 5 == 0 && MakeConflict() is { } conflict)
        {
            logger.LogInformation("Sync demo: {Conflict}", conflict);
            return conflict;
        }
        var world = turn % 2 == 0 ? simulators.Destination : simulators.Source;
        return world.EditSomething(_dice) is { } edited ? $"edited {edited.Id} in {world.Dialect.Upstream}" : null;
    }

    /// <summary>
    /// Reassigns one synced task on both sides at once, to two different people: a destination card carrying the
    /// console's marker names its source task (`opsconsole:{connection}:{source id}`).
    /// </summary>
    public string? MakeConflict()
    {
        var destination = simulators.Destination;
        var synced = destination.Search("opsconsole:").Where(t => !t.Archived).ToList();
        if (synced.Count == 0)
        {
            return null;
        }
        var card = synced[_dice.Next(synced.Count)];
        var marker = card.Fields.GetValueOrDefault(destination.Dialect.MarkerField) ?? "";
        var sourceId = marker[(marker.LastIndexOf(':') + 1)..];
        var task = simulators.Source.Reassign(sourceId, "assignee", null, _dice);
        if (task is null)
        {
            return null;
        }
        var reassigned = destination.Reassign(card.Id, "owner", task.Fields["assignee"], _dice);
        return reassigned is null ? null : $"{sourceId} reassigned to {task.Fields["assignee"]} and {card.Id} to {reassigned.Fields["owner"]}";
    }
}
