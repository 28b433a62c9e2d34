using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Sync;
using OpsConsole.Infrastructure.Database;

namespace OpsConsole.Simulators.Sync;

/// <summary>
/// In Development (with the simulators), one connection between the two simulated task systems, so that a fresh
/// console has something to sync: titles, notes, status and priority both ways through value maps, the due date one way.
/// </summary>
public sealed class SyncDemoConnection(SyncConnections connections, SimulatorOptions simulators, IConfiguration configuration, IHostEnvironment environment) : IDemoData
{
    public const string Name = "Demo: source tasks ↔ destination cards";

    public static ConnectionRequest Request(bool sendsIdempotencyKey = false) => new(Name, TaskSystemDialect.Source.AdapterConfig(),
        TaskSystemDialect.Destination.AdapterConfig(sendsIdempotencyKey),
        [
            new FieldMapping("title", "name"),
            new FieldMapping("description", "notes"),
            new FieldMapping("status", "state", SyncDirection.Both, new Dictionary<string, string> { ["todo"] = "open", ["in_progress"] = "doing", ["done"] = "closed" }),
            new FieldMapping("priority", "urgency", SyncDirection.Both, new Dictionary<string, string> { ["low"] = "1", ["medium"] = "2", ["high"] = "3" }),
            new FieldMapping("assignee", "owner", SyncDirection.Both, Policy: ConflictPolicy.Manual),
            new FieldMapping("due_date", "due", SyncDirection.ToDestination),
        ], ConflictPolicy.NewestWins, DeletePolicy: DeletePolicy.Archive, ScheduleSeconds: 60);

    /// <summary>Whether the demo connection (and its busy editors) are wanted: the simulators on and `Sync:DemoConnection` (default: in Development).</summary>
    public static bool Enabled(SimulatorOptions simulators, IConfiguration configuration, IHostEnvironment environment) =>
        simulators.Enabled && configuration.GetValue("Sync:DemoConnection", environment.IsDevelopment());

    public async Task SeedAsync(CancellationToken ct)
    {
        if (!Enabled(simulators, configuration, environment) || (await connections.ListAsync(ct)).Count > 0)
        {
            return;
        }
        var result = await connections.CreateAsync(Actor.System, Request(), ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"The demo sync connection was refused: {result.Describe()}");
        }
    }
}
