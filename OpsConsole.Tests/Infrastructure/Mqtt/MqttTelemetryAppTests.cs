using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using OpsConsole.Core.Maintenance.Telemetry;
using OpsConsole.Infrastructure.Mqtt;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Mqtt;

/// <summary>The console as `dotnet run` has it: the embedded broker, the machine simulator publishing over MQTT to it, the subscriber storing into the sink.</summary>
public sealed class MqttTelemetryAppTests
{
    [Fact]
    public async Task TheEmbeddedBrokerAndTheSimulator_DeliverEveryMachinesStateAndCountersToTheSink()
    {
        await using var app = new OpsAppFactory(settings: new Dictionary<string, string?>
        {
            ["Mqtt:Enabled"] = "true",
            ["Mqtt:EmbeddedBroker"] = "true",
            ["Mqtt:Port"] = MqttBrokers.FreePort().ToString(),
            ["Mqtt:ClientId"] = "console-" + Guid.NewGuid().ToString("N")[..8],
            ["Mqtt:Simulator:Machines:0"] = "CNC-01",
            ["Mqtt:Simulator:Machines:1"] = "PRESS-01",
            ["Mqtt:Simulator:Machines:2"] = "WELD-01",
            ["Mqtt:Simulator:ProductionIntervalMilliseconds"] = "100",
        });
        var sink = app.Services.GetRequiredService<LatestTelemetrySink>();
        app.Services.GetRequiredService<ITelemetrySink>().Should().BeSameAs(sink, "no other sink is registered yet");

        await Until.TrueAsync(() => sink.Snapshot().Count(m => m.Status is not null && m.Production is not null) == 3,
            "state and counters of the three simulated machines", TimeSpan.FromSeconds(30));
        sink.Snapshot().Select(m => m.MachineCode).Should().Equal("CNC-01", "PRESS-01", "WELD-01");
        await Until.TrueAsync(() => sink.Snapshot().All(m => m.Production!.Counters!.Value.RunSeconds > 0 || m.Status!.State != ReportedState.Running),
            "running machines to count run time");
        var feeds = app.Services.GetRequiredService<MachineFeedTracker>();
        feeds.Snapshot().Should().HaveCount(3).And.OnlyContain(f => !f.IsStale && f.SequenceGaps == 0);
        app.Services.GetRequiredService<TelemetryFeedStatus>().Snapshot().Connection.Should().Be(TelemetryConnectionState.Connected);

        using var client = app.CreateClient();
        var health = await client.GetFromJsonAsync<JsonElement>("/health/ready");
        health.GetProperty("checks").GetProperty("mqtt").GetProperty("status").GetString().Should().Be("Healthy");
    }

    [Fact]
    public void OutsideDevelopment_NoClientBrokerOrSimulatorIsRegistered_ButThePublisherAndThePipelineAre()
    {
        var services = new ServiceCollection();
        services.AddMqttTelemetry(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Simulators:Enabled"] = "true" }).Build(),
            new HostingEnvironment { EnvironmentName = "Testing" });

        services.Should().NotContain(d => d.ServiceType == typeof(MqttTelemetryClient) || d.ImplementationType == typeof(EmbeddedMqttBroker)
            || d.ImplementationType == typeof(MachineSimulator) || d.ImplementationType == typeof(MqttTelemetryService));
        services.Should().Contain(d => d.ServiceType == typeof(MqttPublisher)).And.Contain(d => d.ServiceType == typeof(TelemetryPipeline));
    }

    [Fact]
    public void InDevelopment_MqttTheEmbeddedBrokerAndTheSimulatorAreOnByDefault()
    {
        var options = MqttOptions.Read(new ConfigurationBuilder().Build(), new HostingEnvironment { EnvironmentName = "Development" });

        options.Should().Match<MqttOptions>(o => o.Enabled && o.EmbeddedBroker && o.Simulator.Enabled && o.Simulator.MachineCodes.Count == 20);
    }
}
