using MQTTnet;
using MQTTnet.Formatter;

namespace OpsConsole.Infrastructure.Mqtt;

/// <summary>The connection settings every MQTT client of the console shares; each passes its own client id and session.</summary>
public static class MqttClientOptionsFactory
{
    public static MqttClientOptions Create(MqttOptions options, string clientId, bool persistentSession, ushort receiveMaximum = 0)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(options.ConnectTimeoutSeconds))
            // MQTT 5: CleanStart false resumes the session the broker kept; the expiry says how long it keeps it.
            .WithCleanStart(!persistentSession)
            .WithSessionExpiryInterval(persistentSession ? (uint)Math.Min(options.SessionExpirySeconds, uint.MaxValue) : 0);
        if (receiveMaximum > 0)
        {
            builder.WithReceiveMaximum(receiveMaximum);
        }
        if (!string.IsNullOrEmpty(options.Username))
        {
            builder.WithCredentials(options.Username, options.Password);
        }
        return builder.Build();
    }
}
