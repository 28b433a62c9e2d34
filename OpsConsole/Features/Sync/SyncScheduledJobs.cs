using OpsConsole.Core.Shared.Results;
using OpsConsole.Core.Sync;
using OpsConsole.Infrastructure.Scheduling;
using Quartz;

namespace OpsConsole.Features.Sync;

/// <summary>
/// The sync bot's tick (every 5 s): runs each connection whose interval has passed since its last run (ADR 0036). A tick
/// missed while the console was down is not made up (Quartz's do-nothing misfire), and being due is worked out from the
/// last run, so a bot back after a day runs each connection once. The run lease keeps instances and manual runs apart.
/// </summary>
[DisallowConcurrentExecution]
public sealed class SyncBotJob(SyncBot bot) : IJob
{
    public const string Name = "bot";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => (await bot.TickAsync(ct)).Count > 0, cancellationToken);
}

/// <summary>
/// Runs what webhooks queued, one after the other: a run limited to the items named; when a run of the connection is
/// under way it waits for it to end and tries again (the items of webhooks waiting for the same connection are merged).
/// </summary>
public sealed class SyncWebhookRunner(SyncWebhooks webhooks, SyncEngine engine, TimeProvider time, ILogger<SyncWebhookRunner> logger) : BackgroundService
{
    public static readonly Core.Shared.Auditing.Actor Actor = new("sync-webhook", []);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = new Dictionary<long, HashSet<string>>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (pending.Count == 0)
                {
                    Add(pending, await webhooks.Queue.ReadAsync(stoppingToken));
                }
                while (webhooks.Queue.TryRead(out var more))
                {
                    Add(pending, more);
                }
                foreach (var (connectionId, items) in pending.ToList())
                {
                    var result = await engine.RunAsync(Actor, connectionId, SyncTrigger.Webhook, items, stoppingToken);
                    if (result.Outcome != OpsOutcome.Conflict)
                    {
                        pending.Remove(connectionId);
                    }
                    if (!result.Succeeded)
                    {
                        logger.LogInformation("A webhook run of connection {Connection}: {Reason}", connectionId, result.Describe());
                    }
                }
                if (pending.Count > 0)
                {
                    // A run is under way: look again in a moment (a new webhook also wakes the loop).
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    var next = webhooks.Queue.WaitToReadAsync(wait.Token).AsTask();
                    await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken));
                    await wait.CancelAsync();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The sync webhook runner failed; it goes on with the next webhook.");
                pending.Clear();
            }
        }
    }

    private static void Add(Dictionary<long, HashSet<string>> pending, SyncWebhookRun run)
    {
        if (!pending.TryGetValue(run.ConnectionId, out var items))
        {
            pending[run.ConnectionId] = items = new HashSet<string>(StringComparer.Ordinal);
        }
        items.UnionWith(run.SourceIds);
    }
}
