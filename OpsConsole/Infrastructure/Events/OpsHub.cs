using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Events;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Infrastructure.Events;

/// <summary>What <c>Join</c> answers: whether the connection now hears the topic, and if not, why.</summary>
public sealed record TopicJoin(string Topic, bool Joined, string? Warning);

/// <summary>
/// `/hubs/ops` for outside clients: join topics (audit, upstreams, scheduler, simulators and the modules' topics) and
/// receive "event" messages with {topic, type, data}. Each topic names the roles that may read it. Topics given in
/// the URL (`?topics=audit,etl`) are joined on every connect, so a client that reconnects hears them again; a topic
/// that cannot be joined is answered with a warning (a "warning" message for URL topics), never an error.
/// Connections end when their user is disabled or changed and when their sign-in expires (<see cref="HubSessions"/>).
/// Blazor components use the in-process stream instead.
/// </summary>
[Authorize(Policy = OpsPolicies.SignedIn)]
public sealed class OpsHub(OpsTopicCatalog topics, AccountGate gate, HubSessions sessions, ILogger<OpsHub> logger) : Hub
{
    public const string Path = "/hubs/ops";
    public const string EventMethod = "event";
    public const string WarningMethod = "warning";
    public const int MaxTopicsInUrl = 20;

    public override async Task OnConnectedAsync()
    {
        sessions.Add(Context);
        var requested = Context.GetHttpContext()?.Request.Query["topics"].ToString() ?? "";
        foreach (var topic in requested.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().Take(MaxTopicsInUrl))
        {
            if (await Join(topic) is { Joined: false, Warning: { } warning })
            {
                await Clients.Caller.SendAsync(WarningMethod, new TopicJoin(topic, false, warning));
            }
        }
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        sessions.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    public async Task<TopicJoin> Join(string topic)
    {
        var refusal = await RefusalAsync(topic);
        if (refusal is not null)
        {
            logger.LogWarning("{User} could not join hub topic {Topic}: {Reason}", Context.User?.Identity?.Name, Clip(topic), refusal);
            return new TopicJoin(Clip(topic), false, refusal);
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, topic);
        return new TopicJoin(topic, true, null);
    }

    public async Task<TopicJoin> Leave(string topic)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, topic);
        return new TopicJoin(Clip(topic), false, null);
    }

    private async Task<string?> RefusalAsync(string topic)
    {
        if (!OpsTopics.IsValid(topic))
        {
            return "A topic is 1-100 letters, digits, '.', '-', '_' or ':'.";
        }
        if (topics.Find(topic) is not { } known)
        {
            return $"There is no topic '{topic}'. Topics: {string.Join(", ", topics.All.Select(t => t.Name).Order())}.";
        }
        var actor = (Context.User ?? new()).ToActor();
        foreach (var policy in known.ReadPolicies)
        {
            if (await gate.RefusalAsync(actor, policy) is null)
            {
                return null;
            }
        }
        return $"Your role may not read the topic '{topic}'.";
    }

    private static string Clip(string topic) => topic.Length <= 100 ? topic : topic[..100] + "…";
}

/// <summary>What a hub client receives: the event's topic, its type's name, and the event itself (the API's JSON style).</summary>
public sealed record OpsEventMessage(string Topic, string Type, object Data);

/// <summary>
/// Relays every event of the in-process stream to the hub group of its topic. When clustered, an event another
/// instance published (it came through the event bridge) is left alone: that instance's relay sent it, and the
/// SignalR Redis backplane, always on with the cluster, brought it to this instance's clients (ADR 0039).
/// </summary>
public sealed class OpsHubRelay(IOpsEventStream events, IHubContext<OpsHub> hub, BridgedEvents bridged) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = events.Subscribe<IOpsEvent>(evt => bridged.Contains(evt)
            ? Task.CompletedTask
            : hub.Clients.Group(evt.Topic).SendAsync(OpsHub.EventMethod, new OpsEventMessage(evt.Topic, evt.GetType().Name, evt), CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// The open hub connections with the account and sign-in each was made with. Every `Auth:AccountCheckSeconds` each is
/// checked: a connection whose sign-in (token or cookie) has expired, or whose account was disabled or changed since,
/// is closed. A client then has to sign in again to reconnect.
/// </summary>
public sealed class HubSessions(AccountGate gate, TimeProvider time, ILogger<HubSessions> logger) : BackgroundService
{
    private sealed record Session(HubCallerContext Context, Actor Actor, DateTimeOffset? ExpiresAt);

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    public void Add(HubCallerContext context)
    {
        var expires = context.GetHttpContext()?.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Properties?.ExpiresUtc;
        _sessions[context.ConnectionId] = new Session(context, (context.User ?? new()).ToActor(), expires);
    }

    public void Remove(string connectionId) => _sessions.TryRemove(connectionId, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = gate.CheckEvery > TimeSpan.FromMilliseconds(100) ? gate.CheckEvery : TimeSpan.FromMilliseconds(100);
        using var timer = new PeriodicTimer(every, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Checking the hub connections failed; trying again at the next tick");
            }
        }
    }

    /// <summary>Closes every connection whose sign-in expired or whose account no longer holds.</summary>
    public async Task CheckAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var (id, session) in _sessions)
        {
            var expired = session.ExpiresAt is { } at && at <= now;
            if (expired || !await IsCurrentAsync(session.Actor, ct))
            {
                logger.LogInformation("Closing the hub connection of {User}: {Reason}", session.Actor.Name,
                    expired ? "its sign-in expired" : "the account was disabled or changed");
                session.Context.Abort();
                _sessions.TryRemove(id, out _);
            }
        }
    }

    private async Task<bool> IsCurrentAsync(Actor actor, CancellationToken ct) =>
        actor.IsInternal || await gate.IsCurrentAsync(actor.AccountId!, actor.SecurityStamp, ct);
}
