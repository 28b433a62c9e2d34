using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Events;

public sealed class LiveUpdatesTests(SharedApp app) : IClassFixture<SharedApp>
{
    private HubConnection Connect(Func<Task<string?>> token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "hubs/ops"), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                o.AccessTokenProvider = token;
            })
            .Build();

    [Fact]
    public async Task Hub_RefusesAnonymousClients()
    {
        await using var connection = Connect(() => Task.FromResult<string?>(null));
        var act = () => connection.StartAsync();
        (await act.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Hub_RelaysAnAuditEvent_ToClientsThatJoinedItsTopic_Only()
    {
        var token = await app.TokenAsync("viewer");
        await using var audit = Connect(() => Task.FromResult<string?>(token));
        await using var other = Connect(() => Task.FromResult<string?>(token));
        var heard = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var otherHeard = 0;
        audit.On<JsonElement>("event", e =>
        {
            if (e.GetProperty("type").GetString() == "AuditRecorded" && e.GetProperty("data").GetProperty("entity_id").GetString() == "hub-watcher")
            {
                heard.TrySetResult(e);
            }
        });
        // The scheduler topic has its own traffic (the yard poller's runs, one per interval): only an audit event is wrong here.
        other.On<JsonElement>("event", e =>
        {
            if (e.GetProperty("topic").GetString() == "audit")
            {
                Interlocked.Increment(ref otherHeard);
            }
        });
        await audit.StartAsync();
        await other.StartAsync();
        await audit.InvokeAsync<JsonElement>("Join", "audit");
        await other.InvokeAsync<JsonElement>("Join", "scheduler");

        using var admin = await app.ClientAsAsync("admin");
        (await admin.PostAsJsonAsync("/api/users", new { user_name = "hub-watcher", roles = new[] { "viewer" }, password = "hub-watcher-1" })).EnsureSuccessStatusCode();

        var evt = await heard.Task.WaitAsync(TimeSpan.FromSeconds(10));
        evt.GetProperty("topic").GetString().Should().Be("audit");
        evt.GetProperty("data").GetProperty("action").GetString().Should().Be("user.create");
        await Task.Delay(300);
        otherHeard.Should().Be(0);
    }

    [Theory]
    [InlineData("bad topic with spaces", "letters, digits")]
    [InlineData("no-such-topic", "There is no topic 'no-such-topic'")]
    [InlineData("simulators", "Your role may not read the topic 'simulators'")]
    public async Task Hub_AnswersATopicItCannotJoin_WithAWarning_NotAnError(string topic, string warning)
    {
        var token = await app.TokenAsync("viewer");
        await using var connection = Connect(() => Task.FromResult<string?>(token));
        await connection.StartAsync();
        var join = await connection.InvokeAsync<JsonElement>("Join", topic);
        join.GetProperty("joined").GetBoolean().Should().BeFalse();
        join.GetProperty("warning").GetString().Should().Contain(warning);
        (await connection.InvokeAsync<JsonElement>("Join", "audit")).GetProperty("joined").GetBoolean().Should().BeTrue("the connection goes on");
    }
}
