using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Monitoring;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Upstreams;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>
/// The machine-monitoring upstream end to end (ADR 0032): the typed client through its resilient HttpClient to the
/// built-in simulator over a real socket, the proxy's shapes and roles, and its ProblemDetails when the simulator's
/// fault switches are on.
/// </summary>
public sealed class MachineMonitoringApiTests : IAsyncLifetime
{
    private readonly OpsAppFactory _app = new(null, settings: new Dictionary<string, string?>
    {
        ["Resilience:AttemptTimeoutSeconds"] = "10", ["Resilience:TotalTimeoutSeconds"] = "20", ["Resilience:BaseDelayMilliseconds"] = "10",
    });
    private string _base = "";

    public async ValueTask InitializeAsync()
    {
        _base = _app.StartKestrel();
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        var area = new Area { Name = "Press shop" };
        db.MaintenanceAreas.Add(area);
        await db.SaveChangesAsync();
        db.Machines.Add(new Machine
        {
            Code = "PR-01", Name = "Press 1", AreaId = area.Id, Feed = StateFeed.Telemetry, State = MachineState.Running, StateSource = StateSource.Telemetry,
            StateSince = DateTime.UtcNow.AddDays(-1), Version = 1,
        });
        await db.SaveChangesAsync();
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task FaultsAsync(object faults)
    {
        using var admin = await ApiClients.SignedInAsync(_base, "admin");
        (await admin.PutAsJsonAsync($"/api/simulators/{MaintenanceModule.MonitoringUpstream}/faults", faults)).EnsureSuccessStatusCode();
        await _app.Services.GetRequiredService<MachineMonitoring>().ForgetAsync();
        // Each step starts with a closed breaker: the failures of the step before (and the probe job's) may have opened it.
        await _app.Services.GetRequiredService<UpstreamBreakers>().For(MaintenanceModule.MonitoringUpstream).CloseAsync();
    }

    private static readonly object NoFaults = new { error_rate = 0, latency_ms = 0, malformed = false, outage = false };

    [Fact]
    public async Task TheClient_ReadsTheSimulatorsPlant_OverRealHttp()
    {
        var client = _app.Services.GetRequiredService<MachineMonitoringClient>();
        var ct = TestContext.Current.CancellationToken;

        var machines = await client.MachinesAsync(ct);

        machines.Select(m => m.MachineId).Should().HaveCount(20).And.Contain(["PR-01", "CNC-08", "AS-05"]);
        machines.Where(m => m.MachineId.StartsWith("AS-", StringComparison.Ordinal)).Should().AllSatisfy(m => m.Status.Should().Be("NOT_MONITORED"));
        machines.Where(m => !m.MachineId.StartsWith("AS-", StringComparison.Ordinal))
            .Should().AllSatisfy(m => MonitoringStateMap.Map(m.Status).Match.Should().Be(MonitoringMatch.Mapped));
        (await client.MachineAsync("CNC-03", ct))!.Status.Should().Be(machines.Single(m => m.MachineId == "CNC-03").Status);
        (await client.MachineAsync("NOPE-1", ct)).Should().BeNull();

        var to = DateTime.UtcNow;
        var history = (await client.HistoryAsync("CNC-03", to.AddHours(-6), to, ct))!;
        history.Periods.Should().NotBeEmpty();
        history.Periods[0].Start.Should().BeCloseTo(to.AddHours(-6), TimeSpan.FromMilliseconds(1));
        history.Periods.Zip(history.Periods.Skip(1)).Should().AllSatisfy(p => p.First.End.Should().Be(p.Second.Start), "the periods cover the window");
        history.Utilisation.Should().BeInRange(0, 1);
        // CNC-03's sensor misreads: some quarter hours start with four minutes of IDLE while it produces.
        history.Periods.Should().Contain(p => p.Status == "IDLE" && p.Start.Minute % 15 == 0 && p.End - p.Start <= TimeSpan.FromMinutes(4));
    }

    [Fact]
    public async Task AViewer_ReadsTheProxy_InOurShapes_AndAnonymousIsRefused()
    {
        using var viewer = await ApiClients.SignedInAsync(_base, "viewer");

        var list = await viewer.GetFromJsonAsync<JsonElement>("/api/maintenance/monitoring/machines", TestContext.Current.CancellationToken);

        var machines = list.GetProperty("machines").EnumerateArray().ToList();
        machines.Should().HaveCount(20);
        var press = machines.Single(m => m.GetProperty("machine_id").GetString() == "PR-01");
        var upstream = press.GetProperty("upstream_state").GetString()!;
        press.GetProperty("mapping").GetString().Should().Be("mapped");
        press.GetProperty("state").GetString().Should().Be(MonitoringStateMap.Map(upstream).State!.Value.ToString().ToLowerInvariant());
        press.GetProperty("console_state").GetString().Should().Be("running");
        // Not producing: a difference, flagged unless the upstream's state began within the grace period (its slot just turned).
        press.GetProperty("agreement").GetString().Should().BeOneOf(upstream == "PRODUCING" ? ["agrees"] : ["disagrees", "settling"]);
        var cell = machines.Single(m => m.GetProperty("machine_id").GetString() == "AS-01");
        cell.GetProperty("mapping").GetString().Should().Be("not_monitored");
        cell.GetProperty("state").ValueKind.Should().Be(JsonValueKind.Null);
        cell.GetProperty("console_machine_id").ValueKind.Should().Be(JsonValueKind.Null);

        var one = await viewer.GetFromJsonAsync<JsonElement>("/api/maintenance/monitoring/machines/PR-01", TestContext.Current.CancellationToken);
        one.GetProperty("upstream_state").GetString().Should().NotBeNullOrEmpty();
        var history = await viewer.GetFromJsonAsync<JsonElement>("/api/maintenance/monitoring/machines/PR-01/history", TestContext.Current.CancellationToken);
        history.GetProperty("periods")[0].GetProperty("upstream_state").GetString().Should().NotBeNullOrEmpty();
        history.GetProperty("periods")[0].GetProperty("mapping").GetString().Should().Be("mapped");
        (await viewer.GetAsync("/api/maintenance/monitoring/machines/NOPE-1", TestContext.Current.CancellationToken)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        await (await viewer.GetAsync("/api/maintenance/monitoring/machines/PR-01/history?from=yesterday", TestContext.Current.CancellationToken))
            .ShouldBeValidationProblemAsync("from");
        await (await viewer.GetAsync($"/api/maintenance/monitoring/machines/{new string('M', 65)}", TestContext.Current.CancellationToken))
            .ShouldBeValidationProblemAsync("id");

        using var anonymous = new HttpClient { BaseAddress = new Uri(_base) };
        (await anonymous.GetAsync("/api/maintenance/monitoring/machines", TestContext.Current.CancellationToken)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/api/maintenance/monitoring/machines/PR-01/history", TestContext.Current.CancellationToken)).StatusCode
            .Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task UpstreamFaults_AreProblemDetails_NamingTheUpstreamAndTheCall_NeverA500()
    {
        using var viewer = await ApiClients.SignedInAsync(_base, "viewer");
        var ct = TestContext.Current.CancellationToken;
        try
        {
            await FaultsAsync(new { error_rate = 1, latency_ms = 0, malformed = false, outage = false });
            var error = await ProblemAsync(await viewer.GetAsync("/api/maintenance/monitoring/machines/PR-01", ct), HttpStatusCode.BadGateway);
            error.GetProperty("upstream").GetString().Should().Be("machine-monitoring");
            error.GetProperty("call").GetString().Should().Be("GET api/v1/machines/PR-01");
            error.GetProperty("detail").GetString().Should().Contain("answered HTTP 500").And.Contain("Simulated error from the machine-monitoring simulator");

            await FaultsAsync(new { error_rate = 0, latency_ms = 0, malformed = true, outage = false });
            var malformed = await ProblemAsync(await viewer.GetAsync("/api/maintenance/monitoring/machines", ct), HttpStatusCode.BadGateway);
            malformed.GetProperty("call").GetString().Should().Be("GET api/v1/machines");
            malformed.GetProperty("detail").GetString().Should().Contain("GET api/v1/machines: the answer is not the expected JSON");

            await FaultsAsync(new { error_rate = 0, latency_ms = 0, malformed = false, outage = true });
            var outage = await ProblemAsync(await viewer.GetAsync("/api/maintenance/monitoring/machines", ct), HttpStatusCode.ServiceUnavailable);
            outage.GetProperty("title").GetString().Should().Be("Machine monitoring unavailable");
            // 503 from the simulator, or the breaker that opened after the retried failures: both "cannot be reached".
            outage.GetProperty("detail").GetString().Should().MatchRegex("HTTP 503|circuit breaker is open");
            // The pages read the same snapshot: unavailable, not an exception.
            var snapshot = await _app.Services.GetRequiredService<MachineMonitoring>().SnapshotAsync(ct);
            snapshot.Available.Should().BeFalse();
        }
        finally
        {
            await FaultsAsync(NoFaults);
        }
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
