using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Web;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Upstreams;

namespace OpsConsole.Tests.TestSupport;

/// <summary>
/// A file host of the test's own making for Core's ETL (CoreHost): it lists the files given for any cell and serves
/// their content, or a download that breaks off halfway through. <see cref="Register"/> points the "etl" client at it.
/// </summary>
internal sealed class EtlFileHostStub : IUpstreamAddresses
{
    private static readonly Uri Address = new("http://files.test/");
    private readonly List<(RemoteFile File, byte[] Content, bool BreaksOff)> _files = [];

    public EtlFileHostStub Serve(string name, string type, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        _files.Add((new RemoteFile(name, type, bytes.Length), bytes, false));
        return this;
    }

    /// <summary>A file whose download sends half its bytes and then fails (a connection reset mid-body).</summary>
    public EtlFileHostStub ServeBrokenDownload(string name, string type, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        _files.Add((new RemoteFile(name, type, bytes.Length), bytes, true));
        return this;
    }

    public Uri? BaseAddress(string upstream) => Address;

    public void Register(IServiceCollection services)
    {
        services.AddSingleton<IUpstreamAddresses>(this);
        services.AddHttpClient(EtlModule.FileHost).ConfigurePrimaryHttpMessageHandler(() => new Handler(this));
    }

    private sealed class Handler(EtlFileHostStub host) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var path = request.RequestUri!.AbsolutePath.TrimStart('/');
            if (path == "fetch_list2.php")
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(host._files.Select(f => f.File).ToList()) });
            }
            var name = HttpUtility.ParseQueryString(request.RequestUri.Query)["file"];
            if (path != "download.php" || host._files.FirstOrDefault(f => f.File.Name == name) is not { File: not null } file)
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
            }
            HttpContent content = file.BreaksOff
                ? new StreamContent(new BreaksOffStream(file.Content[..(file.Content.Length / 2)]))
                : new ByteArrayContent(file.Content);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }

    /// <summary>Gives its bytes, then fails the next read as a dropped connection does.</summary>
    private sealed class BreaksOffStream(byte[] first) : MemoryStream(first)
    {
        public override int Read(byte[] buffer, int offset, int count) => Position < Length ? base.Read(buffer, offset, count) : throw Dropped();

        public override int Read(Span<byte> buffer) => Position < Length ? base.Read(buffer) : throw Dropped();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            Position < Length ? base.ReadAsync(buffer, ct) : ValueTask.FromException<int>(Dropped());

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            Position < Length ? base.ReadAsync(buffer, offset, count, ct) : Task.FromException<int>(Dropped());

        private static IOException Dropped() => new("The connection was reset by the file host.");
    }
}
