using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Shared.Upstreams;
using OpsConsole.Core.Yard;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Yard;

/// <summary>
/// What the poller does when the yard system goes away and comes back (ADR 0019), against a yard system faked at the
/// HTTP handler under the real resilient client: "last polled" stays the last good poll, the next try is one interval
/// on, and once the circuit breaker is open a poll costs one probe past it, which closes it when the yard answers.
/// </summary>
public sealed class YardPollerRecoveryTests : IAsyncLifetime
{
    private readonly FakeYardSystem _yard = new();
    private CoreHost _host = default!;

    private YardPoller Poller => _host.Get<YardPoller>();
    private UpstreamBreaker Breaker => _host.Get<UpstreamBreakers>().For(YardModule.Upstream);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await CoreHost.StartAsync(
        settings: new Dictionary<string, string?>
        {
            ["Resilience:MaxRetryAttempts"] = "1",
            ["Resilience:BaseDelayMilliseconds"] = "1",
            ["Resilience:BreakerMinimumThroughput"] = "2",
            // Longer than the test: the breaker opens once and only the poller's probe can close it.
            ["Resilience:BreakerBreakSeconds"] = "600",
        },
        services: s =>
        {
            s.AddSingleton<IUpstreamAddresses>(_yard);
            s.AddHttpClient(YardModule.Upstream).ConfigurePrimaryHttpMessageHandler(() => new FakeYardHandler(_yard, probe: false));
            s.AddHttpClient(UpstreamBreakers.ProbeClient(YardModule.Upstream)).ConfigurePrimaryHttpMessageHandler(() => new FakeYardHandler(_yard, probe: true));
        });

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task AnOutage_KeepsLastPolledAtTheLastGoodPoll_RetriesEachInterval_AndThePollAfterTheYardReturnsRecovers()
    {
        var good = await Poller.PollAsync("test", ct: Ct);
        good.Succeeded.Should().BeTrue();

        _yard.Down = true;
        var failed = await Poller.PollAsync("test", ct: Ct);

        failed.Succeeded.Should().BeFalse();
        var status = Poller.Status;
        status.LastSuccessAt.Should().Be(good.StartedAt, "'last polled' is the last good poll");
        status.LastAttemptAt.Should().Be(failed.StartedAt);
        status.LastAttemptFailed.Should().BeTrue();
        // The two first reads run side by side: one answers 503, the other may already find the breaker open.
        status.LastError.Should().MatchRegex("503|circuit breaker is open");
        status.NextPollAt.Should().Be(failed.StartedAt.AddSeconds(status.Settings.IntervalSeconds), "the next try is one interval on, not a backoff");
        Breaker.IsOpen.Should().BeTrue("two reads failed twice each, over the breaker's threshold");

        _yard.Down = false;
        var recovered = await Poller.PollAsync("test", ct: Ct);

        recovered.Succeeded.Should().BeTrue("the probe past the open breaker found the yard system answering, and the breaker was closed");
        Breaker.IsOpen.Should().BeFalse();
        Poller.Status.Should().Match<YardStatus>(s => s.Health == YardPollerHealth.Healthy && !s.LastAttemptFailed && s.LastSuccessAt == recovered.StartedAt);
    }

    [Fact]
    public async Task WhileTheBreakerIsOpen_APollSendsOneProbe_AndSaysTheBreakerIsOpen()
    {
        _yard.Down = true;
        await Poller.PollAsync("test", ct: Ct);
        Breaker.IsOpen.Should().BeTrue();
        var (calls, probes) = (_yard.Calls, _yard.Probes);

        var refused = await Poller.PollAsync("operator", ct: Ct);

        refused.Succeeded.Should().BeFalse();
        refused.Error.Should().Contain("Circuit breaker open").And.Contain("probe").And.Contain("503");
        (_yard.Calls - calls).Should().Be(0, "nothing goes through the open breaker");
        (_yard.Probes - probes).Should().Be(1, "one probe per poll while the yard system is down");
        Breaker.IsOpen.Should().BeTrue();
    }

    private sealed class FakeYardSystem : IUpstreamAddresses
    {
        private int _calls, _probes;

        public volatile bool Down;
        public int Calls => Volatile.Read(ref _calls);
        public int Probes => Volatile.Read(ref _probes);

        public Uri? BaseAddress(string upstream) => new("http://yard.test/");

        public HttpResponseMessage Answer(HttpRequestMessage request, bool probe)
        {
            if (probe)
            {
                Interlocked.Increment(ref _probes);
            }
            else
            {
                Interlocked.Increment(ref _calls);
            }
            if (Down)
            {
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("down for maintenance") };
            }
            var body = request.RequestUri!.AbsolutePath.EndsWith("/hostlers", StringComparison.Ordinal) ? """{"hostlers": []}""" : """{"tasks": []}""";
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }

    private sealed class FakeYardHandler(FakeYardSystem yard, bool probe) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(yard.Answer(request, probe));
    }
}
