using Microsoft.Extensions.Logging.Abstractions;
using OpsConsole.Core.Shared.Events;

namespace OpsConsole.Tests.Core.Shared;

public sealed class OpsEventStreamTests
{
    private sealed record Ping(int N) : IOpsEvent
    {
        public string Topic => "ping";
    }

    private sealed record Pong(int N) : IOpsEvent
    {
        public string Topic => "pong";
    }

    [Fact]
    public async Task Subscriber_GetsOnlyItsEventType_InOrder()
    {
        var stream = new OpsEventStream(NullLogger<OpsEventStream>.Instance);
        var seen = new List<int>();
        var done = new TaskCompletionSource();
        using var _ = stream.Subscribe<Ping>(p =>
        {
            seen.Add(p.N);
            if (p.N == 99)
            {
                done.SetResult();
            }
            return Task.CompletedTask;
        });
        for (var i = 0; i < 100; i++)
        {
            stream.Publish(new Ping(i));
            stream.Publish(new Pong(i));
        }
        await done.Task.WaitAsync(TimeSpan.FromSeconds(5));
        seen.Should().Equal(Enumerable.Range(0, 100));
    }

    [Fact]
    public async Task Disposing_StopsDelivery_AndRemovesTheSubscriber()
    {
        var stream = new OpsEventStream(NullLogger<OpsEventStream>.Instance);
        var count = 0;
        var subscription = stream.Subscribe<Ping>(_ =>
        {
            Interlocked.Increment(ref count);
            return Task.CompletedTask;
        });
        stream.SubscriberCount.Should().Be(1);
        subscription.Dispose();
        stream.SubscriberCount.Should().Be(0);
        stream.Publish(new Ping(1));
        await Task.Delay(100);
        count.Should().Be(0);
    }

    [Fact]
    public async Task ASlowOrFailingSubscriber_DoesNotHoldUpThePublisherOrOthers()
    {
        var stream = new OpsEventStream(NullLogger<OpsEventStream>.Instance);
        var gate = new TaskCompletionSource();
        var fast = new TaskCompletionSource<int>();
        using var slow = stream.Subscribe<Ping>(_ => gate.Task);
        using var failing = stream.Subscribe<Ping>(_ => throw new InvalidOperationException("boom"));
        using var quick = stream.Subscribe<Ping>(p =>
        {
            if (p.N == 4999)
            {
                fast.TrySetResult(p.N);
            }
            return Task.CompletedTask;
        });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 5000; i++)
        {
            stream.Publish(new Ping(i));
        }
        watch.ElapsedMilliseconds.Should().BeLessThan(1000);
        (await fast.Task.WaitAsync(TimeSpan.FromSeconds(5))).Should().Be(4999);
        gate.SetResult();
    }

    [Theory]
    [InlineData("audit", true)]
    [InlineData("etl.jobs:42", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("<script>", false)]
    public void TopicNames_AreValidated(string topic, bool valid) => OpsTopics.IsValid(topic).Should().Be(valid);
}
