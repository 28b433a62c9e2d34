using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;

namespace OpsConsole.Infrastructure.Events;

/// <summary>
/// `/hubs/ops` for outside clients: join a topic group (audit, upstreams, scheduler, and the modules' topics) and
/// receive "event" messages with {topic, type, data}. Blazor components use the in-process stream instead.
/// </summary>
[Authorize(Policy = OpsPolicies.Read)]
public sealed class OpsHub : Hub
{
    public const string Path = "/hubs/ops";
    public const string EventMethod = "event";

    public async Task Join(string topic)
    {
        if (!OpsTopics.IsValid(topic))
        {
            throw new HubException("topic must be 1-100 letters, digits, '.', '-', '_' or ':'.");
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, topic);
    }

    public Task Leave(string topic) => Groups.RemoveFromGroupAsync(Context.ConnectionId, topic);
}

/// <summary>What a hub client receives: the event's topic, its type's name, and the event itself (the API's JSON style).</summary>
public sealed record OpsEventMessage(string Topic, string Type, object Data);

/// <summary>Relays every event of the in-process stream to the hub group of its topic.</summary>
public sealed class OpsHubRelay(IOpsEventStream events, IHubContext<OpsHub> hub) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = events.Subscribe<IOpsEvent>(evt =>
            hub.Clients.Group(evt.Topic).SendAsync(OpsHub.EventMethod, new OpsEventMessage(evt.Topic, evt.GetType().Name, evt), CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
