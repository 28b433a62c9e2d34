using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using OpsConsole.Core.Dispatch;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Components.Layout;
using OpsConsole.Infrastructure.Auth;
using OpsConsole.Infrastructure.Database;
using OpsConsole.Infrastructure.Scheduling;
using OpsConsole.Infrastructure.Upstreams;
using Quartz;

namespace OpsConsole.Simulators.Dispatch;

/// <summary>
/// The living first run: a simulated ML engine posts suggestions now and then, and a small crew of simulated
/// workers claims and completes tasks, all through the console's real HTTP API with service-account bearer tokens,
/// exactly as the real engine and phones do. On in Development (with the simulators); an admin switches either
/// half off on the Simulators page (it pauses the job, which is stored and audited).
/// </summary>
public sealed class DispatchSimulation(
    IHttpClientFactory clients,
    SelfUpstreamAddresses self,
    SimulatedServiceAccounts accounts,
    DispatchService dispatch,
    StationDirectory stations,
    TimeProvider time,
    ILogger<DispatchSimulation> logger)
{
    public const string ClientName = "dispatch-simulation";
    public const string EngineAccount = "sim-ml-engine";
    public const string WorkerAccount = "sim-worker";
    public const int PendingCeiling = 25;
    public static readonly string[] Crew = ["crew-ana", "crew-ben", "crew-cruz", "crew-dana"];

    private readonly ConcurrentDictionary<string, Holding> _holding = new();
    private bool _adopted;

    /// <summary>How long a simulated worker spends on a task; tests set it to zero.</summary>
    public (int Min, int Max) TaskSeconds { get; set; } = (20, 75);

    private sealed record Holding(long TaskId, DateTimeOffset DoneAt);

    /// <summary>The engine's turn: 1–3 suggestions between known stations, unless plenty are already waiting.</summary>
    public async Task<int> PostSuggestionsAsync(CancellationToken ct)
    {
        var board = await dispatch.BoardAsync(listLimit: 0, ct);
        if (board.PendingSuggestions >= PendingCeiling)
        {
            return 0;
        }
        var ids = (await stations.NamesAsync(ct)).Keys.ToArray();
        if (ids.Length < 2)
        {
            ids = Enumerable.Range(1, 24).ToArray();
        }
        var batch = Enumerable.Range(0, Random.Shared.Next(1, 4)).Select(_ =>
        {
            var from = ids[Random.Shared.Next(ids.Length)];
            var to = ids.Where(i => i != from).ElementAt(Random.Shared.Next(ids.Length - 1));
            var qty = Random.Shared.Next(2, 13);
            var reason = Random.Shared.Next(3) switch
            {
                0 => $"#{from} forecast full within 40 min; #{to} forecast empty",
                1 => $"Commute peak: #{to} drains by {time.GetUtcNow().AddHours(1):HH:mm} UTC",
                _ => $"#{from} at {Random.Shared.Next(85, 100)}% of docks",
            };
            return new { from_station_id = from, to_station_id = to, qty, reason };
        }).ToList();
        using var response = await SendAsync(EngineAccount, OpsRoles.MlEngine, HttpMethod.Post, "api/suggestions", batch, ct);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogWarning("Simulated ML engine: POST /api/suggestions answered {Status}", (int)response.StatusCode);
            return 0;
        }
        return batch.Count;
    }

    /// <summary>The crew's turn: each worker finishes a task whose time is up, or asks for the next one.</summary>
    public async Task<int> WorkAsync(CancellationToken ct)
    {
        await AdoptAssignedAsync(ct);
        var moves = 0;
        foreach (var worker in Crew)
        {
            var now = time.GetUtcNow();
            if (_holding.TryGetValue(worker, out var holding))
            {
                if (now < holding.DoneAt)
                {
                    continue;
                }
                using var done = await SendAsync(WorkerAccount, OpsRoles.Worker, HttpMethod.Post, $"api/task/{holding.TaskId}/complete", new { worker_id = worker }, ct);
                // 409/404: a supervisor unassigned it or the lease took it back; either way the worker is free again.
                _holding.TryRemove(worker, out _);
                moves += done.IsSuccessStatusCode ? 1 : 0;
                continue;
            }
            using var next = await SendAsync(WorkerAccount, OpsRoles.Worker, HttpMethod.Post, "api/dispatch/next", new { worker_id = worker }, ct);
            if (next.StatusCode == HttpStatusCode.OK && await next.Content.ReadFromJsonAsync<TaskId>(ct) is { } task)
            {
                _holding[worker] = new Holding(task.id, now.AddSeconds(Random.Shared.Next(TaskSeconds.Min, TaskSeconds.Max + 1)));
                moves++;
            }
            else if (next.StatusCode != HttpStatusCode.NotFound)
            {
                logger.LogWarning("Simulated worker {Worker}: POST /api/dispatch/next answered {Status}", worker, (int)next.StatusCode);
            }
        }
        return moves;
    }

    private sealed record TaskId(long id);

    /// <summary>After a restart the crew's phones still know their tasks: pick them up again rather than strand them.</summary>
    private async Task AdoptAssignedAsync(CancellationToken ct)
    {
        if (_adopted)
        {
            return;
        }
        foreach (var worker in Crew)
        {
            var held = await dispatch.TasksAsync(DispatchTaskStatus.Assigned, worker, new PageRequest(1, 1), ct);
            if (held.Items.FirstOrDefault() is { } task)
            {
                _holding[worker] = new Holding(task.Id, time.GetUtcNow().AddSeconds(TaskSeconds.Min));
            }
        }
        _adopted = true;
    }

    private async Task<HttpResponseMessage> SendAsync(string account, string role, HttpMethod method, string path, object body, CancellationToken ct)
    {
        var client = clients.CreateClient(ClientName);
        using var request = new HttpRequestMessage(method, new Uri(self.SelfAddress(), path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await accounts.TokenAsync(account, role, ct));
        return await client.SendAsync(request, ct);
    }
}

/// <summary>
/// Service accounts for the simulation, created on first use with a random password nobody knows (they sign in only
/// through tokens issued here). An admin can disable them on the Users page like any account.
/// </summary>
public sealed class SimulatedServiceAccounts(IServiceScopeFactory scopes, UserAdministration users, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> _tokens = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<string> TokenAsync(string account, string role, CancellationToken ct)
    {
        if (_tokens.TryGetValue(account, out var cached) && time.GetUtcNow() < cached.RenewAt)
        {
            return cached.Token;
        }
        await _gate.WaitAsync(ct);
        try
        {
            var created = await users.EnsureUserAsync(Actor.System, account, role, "Sim-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)) + "-x", ct);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException($"The simulation's service account {account} could not be created: {created.Describe()}");
            }
            await using var scope = scopes.CreateAsyncScope();
            var user = await scope.ServiceProvider.GetRequiredService<UserManager<OpsUser>>().FindByNameAsync(account)
                ?? throw new InvalidOperationException($"The service account {account} is missing.");
            var (token, expires) = await scope.ServiceProvider.GetRequiredService<ApiTokenIssuer>().IssueAsync(user);
            _tokens[account] = (token, expires - TimeSpan.FromMinutes(10));
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Station names for the demo (Bay Wheels-style), filled once when the table is empty.</summary>
public sealed class DispatchDemoStations(StationDirectory stations) : IDemoData
{
    public static readonly IReadOnlyList<string> Names =
    [
        "Market St at 10th St", "Powell St BART", "Ferry Building", "Townsend St at 4th St", "Valencia St at 16th St",
        "Embarcadero at Sansome St", "Civic Center BART", "Mission Dolores Park", "Howard St at Beale St", "Caltrain 4th & King",
        "Golden Gate Ave at Polk St", "Duboce Park", "Harrison St at 20th St", "Grand Ave at Webster St", "Lake Merritt BART",
        "Church St at Market St", "Union Square", "Oracle Park", "Salesforce Transit Center", "Hayes St at Gough St",
        "Fell St at Stanyan St", "Broadway at Kearny St", "Folsom St at 9th St", "Mission Bay Kids Park",
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        if ((await stations.NamesAsync(ct)).Count == 0)
        {
            await stations.UpsertAsync(Actor.System, Names.Select((n, i) => new Station { Id = i + 1, Name = n }).ToList(), ct);
        }
    }
}

[DisallowConcurrentExecution]
public sealed class SimulatedMlEngineJob(DispatchSimulation simulation) : IJob
{
    public const string Name = "simulated-ml-engine";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => await simulation.PostSuggestionsAsync(ct) > 0, cancellationToken);
}

[DisallowConcurrentExecution]
public sealed class SimulatedWorkersJob(DispatchSimulation simulation) : IJob
{
    public const string Name = "simulated-workers";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        ScheduledWork.RunAsync(context, async ct => { await simulation.WorkAsync(ct); return true; }, cancellationToken);
}

public static class DispatchSimulator
{
    public static readonly string[] JobKeys = [$"{DispatchModule.Name}.{SimulatedMlEngineJob.Name}", $"{DispatchModule.Name}.{SimulatedWorkersJob.Name}"];

    /// <summary>
    /// `Dispatch:Simulation:Enabled`, by default on where the simulators are on in Development: the demo stations, the
    /// simulated engine and workers, and their switches on the Simulators page.
    /// </summary>
    public static IServiceCollection AddDispatchSimulator(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddShellPart<DispatchSimulationSwitches>(ShellPlace.SimulatorControls, 10);
        var defaultOn = configuration.GetValue("Simulators:Enabled", environment.IsDevelopment()) && environment.IsDevelopment();
        if (!configuration.GetValue("Dispatch:Simulation:Enabled", defaultOn))
        {
            return services;
        }
        services.AddDemoData<DispatchDemoStations>();
        services.AddHttpClient(DispatchSimulation.ClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<SimulatedServiceAccounts>();
        services.AddSingleton<DispatchSimulation>();
        services.AddOpsJob<SimulatedMlEngineJob>(DispatchModule.Name, SimulatedMlEngineJob.Name,
            "Development: a simulated ML engine posts suggestions through the API (pause to switch off)", "0/20 * * * * ?");
        services.AddOpsJob<SimulatedWorkersJob>(DispatchModule.Name, SimulatedWorkersJob.Name,
            "Development: simulated workers claim and complete tasks through the API (pause to switch off)", "0/5 * * * * ?");
        return services;
    }
}
