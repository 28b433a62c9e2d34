using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;
using OpsConsole.Infrastructure.Mqtt;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Mqtt;

public sealed class MqttPublisherTests
{
    [Fact]
    public async Task APublish_ReachesASubscriberAtQos1_AndReconnectsAfterTheConnectionDropped()
    {
        var (host, port) = MqttBrokers.Shared();
        var topic = MqttBrokers.NewPrefix() + "/events/tickets";
        var received = new ConcurrentQueue<(string Payload, MqttQualityOfServiceLevel Qos)>();
        using var listener = new MqttClientFactory().CreateMqttClient();
        listener.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue((Encoding.UTF8.GetString(e.ApplicationMessage.Payload), e.ApplicationMessage.QualityOfServiceLevel));
            return Task.CompletedTask;
        };
        await listener.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId("listen-" + Guid.NewGuid().ToString("N")[..8]).Build());
        await listener.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var options = new MqttOptions { Host = host, Port = port };
        await using var publisher = new MqttPublisher(options, "pub-" + Guid.NewGuid().ToString("N")[..8], NullLogger<MqttPublisher>.Instance);
        await publisher.PublishAsync(topic, """{"ticket_id":1,"status":"open"}""", CancellationToken.None);
        publisher.IsConnected.Should().BeTrue();

        // The same client id connecting elsewhere takes the session over and drops ours: the next publish reconnects.
        using (var usurper = new MqttClientFactory().CreateMqttClient())
        {
            await usurper.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId(publisher.ClientId).Build());
            await Until.TrueAsync(() => !publisher.IsConnected, "the publisher's connection to drop", TimeSpan.FromSeconds(10));
            await usurper.DisconnectAsync();
        }
        await publisher.PublishAsync(topic, """{"ticket_id":1,"status":"in_progress"}""", CancellationToken.None);

        await Until.TrueAsync(() => received.Count == 2, "both events received", TimeSpan.FromSeconds(10));
        received.Select(r => r.Payload).Should().Equal("""{"ticket_id":1,"status":"open"}""", """{"ticket_id":1,"status":"in_progress"}""");
        received.Should().OnlyContain(r => r.Qos == MqttQualityOfServiceLevel.AtLeastOnce);
    }

    [Fact]
    public async Task APublishWithNoBroker_Throws_SoAnOutboxKeepsItsRow()
    {
        var options = new MqttOptions { Host = "127.0.0.1", Port = MqttBrokers.FreePort(), ConnectTimeoutSeconds = 2 };
        await using var publisher = new MqttPublisher(options, "pub-nobroker", NullLogger<MqttPublisher>.Instance);

        var publishing = () => publisher.PublishAsync("x/events/tickets", "{}", CancellationToken.None);

        await publishing.Should().ThrowAsync<Exception>();
    }
}
