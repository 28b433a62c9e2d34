using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Telemetry;
using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Infrastructure.Mqtt;

/// <summary>
/// Relays the ticket events outbox to `{prefix}/events/tickets` (QoS 1, in order; ADR 0031): woken by every ticket
/// change and every few seconds, it publishes what waits; while the broker is away the events wait in the database and
/// it retries with backoff and jitter. With `Mqtt:Enabled` false it only prunes (published events after a day, any after
/// a week), so the outbox never grows without bound.
/// </summary>
public sealed class TicketEventsRelay(TicketEvents outbox, MqttPublisher publisher, MqttOptions options, TelemetryTopics topics, IOpsEventStream events,
    TimeProvider time, ILogger<TicketEventsRelay> logger) : BackgroundService
{
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan KeepPublished = TimeSpan.FromDays(1);
    public static readonly TimeSpan KeepUnpublished = TimeSpan.FromDays(7);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var wake = new SemaphoreSlim(0);
        using var subscription = events.Subscribe<TicketsChanged>(_ =>
        {
            if (wake.CurrentCount == 0)
            {
                wake.Release();
            }
            return Task.CompletedTask;
        });
        var backoff = new MqttBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random());
        var failures = 0;
        var nextPrune = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (options.Enabled)
                {
                    var published = await outbox.PublishPendingAsync((payload, ct) => publisher.PublishAsync(topics.TicketEvents, payload, ct), stoppingToken);
                    if (failures > 0)
                    {
                        logger.LogInformation("Ticket events are published again ({Count} that waited)", published);
                        failures = 0;
                    }
                }
                if (time.GetUtcNow() >= nextPrune)
                {
                    await outbox.PruneAsync(KeepPublished, KeepUnpublished, stoppingToken);
                    nextPrune = time.GetUtcNow() + PruneEvery;
                }
                await wake.WaitAsync(Poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                if (failures++ == 0)
                {
                    logger.LogWarning("Ticket events cannot be published ({Error}); they wait in the outbox and are retried", ex.GetBaseException().Message);
                }
                try
                {
                    await Task.Delay(backoff.Delay(failures), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
