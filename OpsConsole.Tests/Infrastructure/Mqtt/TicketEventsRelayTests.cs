using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Mqtt;

/// <summary>A ticket reported through the API reaches `{prefix}/events/tickets` on the real broker, through the outbox.</summary>
public sealed class TicketEventsRelayTests
{
    [Fact]
    public async Task ATicketReportedThroughTheApi_IsPublishedOnTheTicketEventsTopic()
    {
        var (host, port) = MqttBrokers.Shared();
        var prefix = MqttBrokers.NewPrefix();
        var received = new ConcurrentQueue<JsonElement>();
        using var listener = new MqttClientFactory().CreateMqttClient();
        listener.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(JsonDocument.Parse(Encoding.UTF8.GetString(e.ApplicationMessage.Payload)).RootElement.Clone());
            return Task.CompletedTask;
        };
        await listener.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId("listen-" + Guid.NewGuid().ToString("N")[..8]).Build());
        await listener.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(prefix + "/events/tickets", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await using var app = new OpsAppFactory(settings: new Dictionary<string, string?>
        {
            ["Mqtt:Enabled"] = "true",
            ["Mqtt:EmbeddedBroker"] = "false",
            ["Mqtt:Host"] = host,
            ["Mqtt:Port"] = port.ToString(),
            ["Mqtt:TopicPrefix"] = prefix,
            ["Mqtt:ClientId"] = "console-" + Guid.NewGuid().ToString("N")[..8],
            ["Mqtt:Simulator:Enabled"] = "false",
        });
        var baseUrl = app.StartKestrel();
        int machine;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync())
        {
            machine = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        }
        using var api = await ApiClients.SignedInAsync(baseUrl, "operator");

        var created = await api.PostAsJsonAsync("/api/maintenance/tickets", new { title = "Guard door sticks", machine_id = machine, priority = "medium" });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        await Until.TrueAsync(() => received.Any(e => e.GetProperty("ticket_id").GetInt64() == id), "the ticket's event on the broker", TimeSpan.FromSeconds(20));
        var evt = received.First(e => e.GetProperty("ticket_id").GetInt64() == id);
        evt.GetProperty("action").GetString().Should().Be("created");
        evt.GetProperty("ticket").GetProperty("status").GetString().Should().Be("open");
        evt.GetProperty("actor").GetString().Should().Be("operator");
        await Until.TrueAsync(async () => (await app.Services.GetRequiredService<TicketEvents>().PendingAsync()).Count == 0, "the outbox marked published");
    }
}
