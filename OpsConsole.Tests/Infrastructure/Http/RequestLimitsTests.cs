using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Infrastructure.Http;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Http;

/// <summary>
/// Calls that make the console reach an upstream are limited per user (40 rapid polls ran 40 full polls), and uploads
/// are bounded in size without a Content-Length and read a few at a time.
/// </summary>
public sealed class RequestLimitsTests
{
    [Fact]
    public async Task RapidPolls_PastTheAllowance_Are429WithRetryAfter_PerUser()
    {
        await using var app = new OpsAppFactory(null, new Dictionary<string, string?>
        {
            ["RateLimits:UpstreamCallBurst"] = "3", ["RateLimits:UpstreamCallsPerMinute"] = "1",
        });
        using var op = await app.ClientAsAsync("operator");
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 40; i++)
        {
            answers.Add(await op.PostAsync("/api/yard/poll", null));
        }
        answers.Count(a => a.StatusCode != HttpStatusCode.TooManyRequests).Should().Be(3, "the burst, then one a minute");
        var refused = answers.Last();
        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        int.Parse(refused.Headers.GetValues("Retry-After").Single()).Should().BeInRange(1, 60);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("Try again in");

        using var supervisor = await app.ClientAsAsync("supervisor");
        (await supervisor.PostAsync("/api/yard/poll", null)).StatusCode.Should().NotBe(HttpStatusCode.TooManyRequests, "each user has an allowance");
        var fetch = await op.PostAsJsonAsync("/api/jobs/fetch", new { branch = "B001", pos = 1, date = "2026-11-01" });
        fetch.StatusCode.Should().NotBe(HttpStatusCode.TooManyRequests, "each kind of call has its own");
    }

    [Fact]
    public async Task AChunkedUpload_PastTheLimit_Is413()
    {
        await using var app = new OpsAppFactory();
        app.StartKestrel();
        using var supervisor = await app.ClientAsAsync("supervisor");
        var content = new StreamContent(new EndlessCsv(megabytes: 12));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/suggestions/import") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        HttpResponseMessage? response = null;
        try
        {
            response = await supervisor.SendAsync(request);
        }
        catch (HttpRequestException)
        {
            // Kestrel may close the connection while the client is still sending: the body was cut either way.
        }
        if (response is not null)
        {
            response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        }
        (await supervisor.GetFromJsonAsync<JsonElement>("/api/suggestions")).GetArrayLength().Should().Be(0, "nothing of a refused upload is imported");
    }

    [Fact]
    public async Task Uploads_PastTheSlotsAndTheQueue_Are429_AndTheOneReadingFinishes()
    {
        await using var app = new OpsAppFactory(null, new Dictionary<string, string?>
        {
            ["RateLimits:ConcurrentUploads"] = "1", ["RateLimits:QueuedUploads"] = "0",
        });
        app.StartKestrel();
        using var supervisor = await app.ClientAsAsync("supervisor");
        var held = new HeldCsv("from_station_id,to_station_id,qty,reason\n1,2,3,held\n");
        var first = supervisor.PostAsync("/api/suggestions/import", held.Content());
        var slots = app.Services.GetRequiredService<UploadSlots>();
        await Until.TrueAsync(() => slots.Free == 0, "the first upload to take the only slot", TimeSpan.FromSeconds(30));
        var second = await supervisor.PostAsync("/api/suggestions/import", new StringContent("from_station_id,to_station_id,qty\n1,2,3\n",
            Encoding.UTF8, "text/csv"));
        second.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        second.Headers.Contains("Retry-After").Should().BeTrue();
        second.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        held.Release();
        (await first).StatusCode.Should().Be(HttpStatusCode.Created);
        var third = await supervisor.PostAsync("/api/suggestions/import", new StringContent("from_station_id,to_station_id,qty,reason\n1,2,3,again\n",
            Encoding.UTF8, "text/csv"));
        third.StatusCode.Should().Be(HttpStatusCode.Created, "the slot is given back when the first upload is done");
    }

    /// <summary>A CSV body of the given size, sent without a length.</summary>
    private sealed class EndlessCsv(int megabytes) : Stream
    {
        private long _left = megabytes * 1024L * 1024L;
        private static readonly byte[] Row = Encoding.ASCII.GetBytes("1,2,3,filler filler filler filler filler\n");
        private int _at;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _left);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = Row[_at++ % Row.Length];
            }
            _left -= n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A CSV upload that sends its first bytes, then waits to be released before it ends.</summary>
    private sealed class HeldCsv(string csv)
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        public HttpContent Content()
        {
            var content = new PushContent(async stream =>
            {
                var bytes = Encoding.UTF8.GetBytes(csv);
                await stream.WriteAsync(bytes.AsMemory(0, 10));
                await stream.FlushAsync();
                await _release.Task;
                await stream.WriteAsync(bytes.AsMemory(10));
            });
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            return content;
        }
    }

    private sealed class PushContent(Func<Stream, Task> write) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => write(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
