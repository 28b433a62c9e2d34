using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Monitoring;
using OpsConsole.Core.Shared.Upstreams;

namespace OpsConsole.Tests.Core.Maintenance.Monitoring;

/// <summary>
/// The client's checks of the upstream's answers and the shared snapshot, over a stub upstream (the real simulator
/// over real HTTP is <c>MachineMonitoringApiTests</c>).
/// </summary>
public sealed class MachineMonitoringTests : IDisposable
{
    private readonly StubUpstream _upstream = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;

    public MachineMonitoringTests()
    {
        var services = new ServiceCollection().AddLogging().AddMetrics();
        services.AddHttpClient(MaintenanceModule.MonitoringUpstream).ConfigurePrimaryHttpMessageHandler(() => _upstream);
        services.AddOptions<UpstreamOptions>(MaintenanceModule.MonitoringUpstream);
        services.AddHybridCache();
        services.AddSingleton<IUpstreamAddresses>(new FixedAddress());
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(new MaintenanceOptions { MonitoringCacheSeconds = 10 });
        services.AddSingleton<MaintenanceMetrics>();
        services.AddSingleton<MachineMonitoringClient>();
        services.AddSingleton<MachineMonitoring>();
        _services = services.BuildServiceProvider();
    }

    public void Dispose() => _services.Dispose();

    private MachineMonitoringClient Client => _services.GetRequiredService<MachineMonitoringClient>();
    private MachineMonitoring Monitoring => _services.GetRequiredService<MachineMonitoring>();

    [Fact]
    public async Task AMachineWithoutItsState_IsAnErrorNamingTheCallTheMachineAndTheField()
    {
        _upstream.Body = """{"machines":[{"machine_id":"PR-01","status":"IDLE","status_since":"2026-12-07T09:00:00Z"},{"machine_id":"PR-02","status_since":"2026-12-07T09:00:00Z"}]}""";

        var read = () => Client.MachinesAsync(TestContext.Current.CancellationToken);

        var failure = (await read.Should().ThrowAsync<MachineMonitoringException>()).Which;
        failure.Message.Should().Be("GET api/v1/machines: machine 1 has no 'status'.");
        failure.Failure.Should().Be(MonitoringFailure.BadAnswer);
        failure.Call.Should().Be("GET api/v1/machines");
    }

    [Fact]
    public async Task AnAnswerWithoutTheMachinesArray_SaysSo()
    {
        _upstream.Body = """{"items":[]}""";

        var read = () => Client.MachinesAsync(TestContext.Current.CancellationToken);

        (await read.Should().ThrowAsync<MachineMonitoringException>()).Which.Message.Should().Be("GET api/v1/machines: the answer has no 'machines' array.");
    }

    [Fact]
    public async Task AWrongTypedField_IsNamedByItsJsonPath()
    {
        _upstream.Body = """{"machines":[{"machine_id":"PR-01","status":"IDLE","status_since":42}]}""";

        var read = () => Client.MachinesAsync(TestContext.Current.CancellationToken);

        (await read.Should().ThrowAsync<MachineMonitoringException>()).Which.Message.Should()
            .StartWith("GET api/v1/machines: the answer is not the expected JSON at $.machines[0].status_since");
    }

    [Fact]
    public async Task TwentyTilesAtOnce_MakeOneUpstreamCall_UntilTheSnapshotExpires()
    {
        _upstream.Body = """{"machines":[{"machine_id":"PR-01","status":"PRODUCING","status_since":"2026-12-07T09:00:00Z"}]}""";
        _upstream.Hold = new TaskCompletionSource();

        var tiles = Enumerable.Range(0, 20).Select(_ => Monitoring.SnapshotAsync(TestContext.Current.CancellationToken)).ToList();
        _upstream.Hold.SetResult();
        var snapshots = await Task.WhenAll(tiles);

        _upstream.Calls.Should().Be(1);
        snapshots.Should().AllSatisfy(s => s.For("pr-01")!.Status.Should().Be("PRODUCING"));
        (await Monitoring.SnapshotAsync(TestContext.Current.CancellationToken)).Should().BeSameAs(snapshots[0]);
        _upstream.Calls.Should().Be(1);
    }

    [Fact]
    public async Task AFailedRead_IsAnUnavailableSnapshot_NotAnException_AndUnknownStatesDoNotBreakARead()
    {
        _upstream.Status = HttpStatusCode.InternalServerError;
        _upstream.Body = """{"title":"boom","detail":"Simulated error"}""";

        var down = await Monitoring.SnapshotAsync(TestContext.Current.CancellationToken);

        down.Available.Should().BeFalse();
        down.Failure.Should().Be(MonitoringFailure.Refused);
        down.Error.Should().Be("GET api/v1/machines answered HTTP 500 Internal Server Error: Simulated error");

        await Monitoring.ForgetAsync(TestContext.Current.CancellationToken);
        _upstream.Status = HttpStatusCode.OK;
        _upstream.Body = """{"machines":[{"machine_id":"PR-01","status":"WARMING_UP","status_since":"2026-12-07T09:00:00Z"}]}""";

        var up = await Monitoring.SnapshotAsync(TestContext.Current.CancellationToken);
        up.Available.Should().BeTrue();
        MonitoringStateMap.Map(up.For("PR-01")!.Status).Match.Should().Be(MonitoringMatch.Unknown);
    }

    private sealed class FixedAddress : IUpstreamAddresses
    {
        public Uri? BaseAddress(string upstream) => new("http://monitoring.test/");
    }

    private sealed class StubUpstream : HttpMessageHandler
    {
        private int _calls;

        public string Body { get; set; } = "{}";
        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;
        public TaskCompletionSource? Hold { get; set; }
        public int Calls => _calls;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            request.RequestUri!.AbsolutePath.Should().Be("/api/v1/machines");
            if (Hold is { } hold)
            {
                await hold.Task;
            }
            return new HttpResponseMessage(Status) { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        }
    }
}
