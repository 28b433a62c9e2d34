using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Events;

/// <summary>Who may hear what on `/hubs/ops`, and connections that end when their sign-in does.</summary>
public sealed class HubAccessTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    private static HubConnection Connect(OpsAppFactory app, string token, string path = "hubs/ops") =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, path), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();

    private static Task ClosedAsync(HubConnection connection)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }

    [Fact]
    public async Task Connection_OfAUserWhoIsDisabled_IsClosed_AndHearsNothingMore()
    {
        await using var app = new OpsAppFactory(null, settings: new Dictionary<string, string?> { ["Auth:AccountCheckSeconds"] = "0.5" });
        await using var connection = Connect(app, await app.TokenAsync("viewer"));
        var closed = ClosedAsync(connection);
        await connection.StartAsync();
        (await connection.InvokeAsync<JsonElement>("Join", "audit")).GetProperty("joined").GetBoolean().Should().BeTrue();

        using var admin = await app.ClientAsAsync("admin");
        (await admin.PostAsync("/api/users/viewer/disable", null)).EnsureSuccessStatusCode();
        await closed.WaitAsync(Soon);
        connection.State.Should().Be(HubConnectionState.Disconnected);
        var reconnect = () => connection.StartAsync();
        await reconnect.Should().ThrowAsync<HttpRequestException>("the token of a disabled user no longer signs in");
    }

    [Fact]
    public async Task Connection_IsClosed_WhenItsTokenExpires()
    {
        await using var app = new OpsAppFactory(null, settings: new Dictionary<string, string?>
        {
            ["Auth:AccountCheckSeconds"] = "0.5",
            ["Auth:TokenHours"] = (3.0 / 3600).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await using var connection = Connect(app, await app.TokenAsync("viewer"));
        var closed = ClosedAsync(connection);
        await connection.StartAsync();
        await closed.WaitAsync(Soon);
    }

    [Fact]
    public async Task Topics_AreReadByTheRolesThatMayReadThem()
    {
        await using var app = new OpsAppFactory();
        async Task<bool> JoinsAsync(string user, string topic)
        {
            await using var connection = Connect(app, await app.TokenAsync(user));
            await connection.StartAsync();
            return (await connection.InvokeAsync<JsonElement>("Join", topic)).GetProperty("joined").GetBoolean();
        }
        (await JoinsAsync("viewer", "audit")).Should().BeTrue();
        (await JoinsAsync("viewer", "simulators")).Should().BeFalse();
        (await JoinsAsync("admin", "simulators")).Should().BeTrue();
        (await JoinsAsync("worker", "dispatch")).Should().BeTrue("workers hear about tasks");
        (await JoinsAsync("worker", "audit")).Should().BeFalse("the audit log is not a worker's to read");
        (await JoinsAsync("mlengine", "etl")).Should().BeFalse();
    }

    [Fact]
    public async Task TopicsInTheUrl_AreJoinedOnEveryConnect_SoAReconnectHearsThemAgain()
    {
        await using var app = new OpsAppFactory();
        await using var connection = Connect(app, await app.TokenAsync("viewer"), "hubs/ops?topics=audit,simulators");
        var heard = new List<string>();
        var warnings = new List<string>();
        connection.On<JsonElement>("event", e =>
        {
            lock (heard)
            {
                heard.Add(e.GetProperty("data").GetProperty("entity_id").GetString() ?? "");
            }
        });
        connection.On<JsonElement>("warning", w =>
        {
            lock (warnings)
            {
                warnings.Add(w.GetProperty("warning").GetString()!);
            }
        });
        using var admin = await app.ClientAsAsync("admin");
        async Task CreateUserAsync(string name) =>
            (await admin.PostAsJsonAsync("/api/users", new { user_name = name, roles = new[] { "viewer" }, password = name + "-pass-1" })).EnsureSuccessStatusCode();

        await connection.StartAsync();
        await CreateUserAsync("first-listener");
        await Until.TrueAsync(() => { lock (heard) { return heard.Contains("first-listener"); } }, "the audit event on the URL topic", Soon);
        warnings.Should().ContainSingle().Which.Should().Contain("simulators", "a viewer may not read the simulators topic, and is told");

        await connection.StopAsync();
        await connection.StartAsync(); // a new connection id: groups joined by Join would be gone
        await CreateUserAsync("second-listener");
        await Until.TrueAsync(() => { lock (heard) { return heard.Contains("second-listener"); } }, "the audit event after reconnecting", Soon);
    }
}
