using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Telemetry;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Infrastructure.Mqtt;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Mqtt;

/// <summary>The console as `dotnet run` has it: the embedded broker, the machine simulator publishing over MQTT to it, the subscriber storing into the sink.</summary>
public sealed class MqttTelemetryAppTests
{
    [Fact]
    public async Task TheEmbeddedBrokerAndTheSimulator_DeliverStatesAndCountersIntoTheDatabase()
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
        app.Services.GetRequiredService<ITelemetrySink>().Should().BeOfType<MachineTelemetryStore>("the Maintenance module stores telemetry");
        var contexts = app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.MaintenanceAreas.Add(new Area { Name = "Shop" });
            await db.SaveChangesAsync();
            var area = await db.MaintenanceAreas.SingleAsync();
            db.Machines.AddRange(
                // In maintenance by hand: the simulator starts its machines running or idle, so its first report is a change.
                new Machine { Code = "CNC-01", Name = "Mill", AreaId = area.Id, Feed = StateFeed.Telemetry, State = MachineState.Maintenance, Version = 1 },
                new Machine { Code = "PRESS-01", Name = "Press", AreaId = area.Id, Feed = StateFeed.Manual, State = MachineState.Maintenance, Version = 1 });
            await db.SaveChangesAsync();
        }

        // WELD-01 is no machine of the console: its messages are dropped, the others' stored.
        await Until.TrueAsync(async () =>
        {
            await using var db = await contexts.CreateDbContextAsync();
            return await db.Machines.CountAsync(m => m.LastSeq != null) == 2 && await db.ProductionRecords.CountAsync(r => r.Good + r.Scrap + r.RunSeconds > 0) >= 1
                && await db.Machines.AnyAsync(m => m.Code == "CNC-01" && m.StateSource == StateSource.Telemetry);
        }, "both machines' telemetry and some counted production in the database", TimeSpan.FromSeconds(30));
        await using (var db = await contexts.CreateDbContextAsync())
        {
            (await db.Machines.SingleAsync(m => m.Code == "PRESS-01")).Should().Match<Machine>(m => m.StateSource == StateSource.Manual && m.State == MachineState.Maintenance,
                "it is set by hand: its reports are heartbeats");
            var mill = await db.Machines.SingleAsync(m => m.Code == "CNC-01");
            (await db.MachineEvents.AnyAsync(e => e.MachineId == mill.Id && e.Kind == MachineEventKind.State && e.Seq != null)).Should()
                .BeTrue("its first report changed its state, and the state event carries the message's seq");
        }
        app.Services.GetRequiredService<MachineTelemetryStore>().UnknownMachineMessages.Should().BePositive();
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

        options.Should().Match<MqttOptions>(o => o.Enabled && o.EmbeddedBroker && o.Simulator.Enabled && o.Simulator.MachineCodes.Count == 15);
    }
}
