using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using OpsConsole.Core.Shared.Cluster;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Files;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Shared.Files;

/// <summary>
/// The file store's contract on every backend (ADR 0041): the local folder, the database on a real SQLite file and on
/// the test PostgreSQL, and an S3-compatible bucket when OPSCONSOLE_TEST_S3 names one. A file of many chunks comes back
/// byte for byte, a second put of the same bytes is a no-op, a put that breaks off leaves nothing, an unknown address
/// is "not there" and a malformed one is refused.
/// </summary>
public sealed class FileStoreContractTests
{
    public const string S3Variable = "OPSCONSOLE_TEST_S3";
    private const int Chunk = 64 * 1024;

    public static TheoryData<string> Backends => new("Local", "Sqlite", "PostgreSql", "S3");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Backend(IFileStore store, CoreHost? host, string? folder) : IAsyncDisposable
    {
        public IFileStore Store => store;

        /// <summary>What the backend holds besides complete files: chunk rows or files in the folder (S3: not counted).</summary>
        public async Task<(int Files, int Chunks)> CountAsync()
        {
            if (host is not null)
            {
                await using var db = await host.DbAsync();
                return (await db.Set<StoredFileRow>().CountAsync(Ct), await db.Set<StoredFileChunk>().CountAsync(Ct));
            }
            if (folder is not null)
            {
                return (Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Count() : 0, 0);
            }
            return (-1, -1);
        }

        public async Task<OpsDbContext> DbAsync() => await host!.DbAsync();

        public OpsDbContext Db() => host!.Get<IDbContextFactory<OpsDbContext>>().CreateDbContext();

        public async ValueTask DisposeAsync()
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static async Task<Backend> StartAsync(string backend)
    {
        switch (backend)
        {
            case "Local":
                var folder = Path.Combine(TestDatabases.NewTempFolder(), "files");
                return new Backend(new LocalFolderFileStore(folder), null, folder);
            case "S3":
                var settings = Environment.GetEnvironmentVariable(S3Variable);
                if (string.IsNullOrEmpty(settings))
                {
                    Assert.Skip($"{S3Variable} is not set (e.g. \"ServiceUrl=http://127.0.0.1:9000;Bucket=ops;AccessKey=…;SecretKey=…\"); no S3 server runs here.");
                }
                var s3 = S3Settings.Parse(settings);
                return new Backend(new S3FileStore(S3FileStore.Client(s3), s3.Bucket, $"tests/{Guid.NewGuid():N}/"), null, null);
            default:
                var host = await CoreHost.StartAsync(backend);
                return new Backend(new DatabaseFileStore(host.Get<IDbContextFactory<OpsDbContext>>(), "test", Chunk, TimeProvider.System), host, null);
        }
    }

    private static byte[] Bytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task AFileOfManyChunks_ComesBackByteForByte_UnderItsSha256(string backend)
    {
        await using var b = await StartAsync(backend);
        var bytes = Bytes(5 * Chunk + 123);

        var stored = await b.Store.PutAsync(new TrickleStream(bytes, 7_000), Ct);

        stored.Should().Be(new StoredFile(Sha(bytes), bytes.Length));
        (await b.Store.ExistsAsync(stored.Sha256, Ct)).Should().BeTrue();
        await using (var read = (await b.Store.OpenReadAsync(stored.Sha256, Ct))!)
        {
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy, 10_000, Ct);
            copy.ToArray().Should().Equal(bytes);
        }
        await using (var read = (await b.Store.OpenReadAsync(stored.Sha256, Ct))!)
        {
            // The ETL parser reads synchronously, and puts a stream that cannot seek back where it is.
            read.Position = read.Position;
            using var copy = new MemoryStream();
            read.CopyTo(copy, 3_000);
            Sha(copy.ToArray()).Should().Be(stored.Sha256);
        }
        if (backend is "Sqlite" or "PostgreSql")
        {
            (await b.CountAsync()).Should().Be((1, 6), "5 full chunks of 64 KiB and one of 123 bytes");
        }
        var empty = await b.Store.PutAsync(new MemoryStream(), Ct);
        empty.Should().Be(new StoredFile(Sha([]), 0));
        await using var none = (await b.Store.OpenReadAsync(empty.Sha256, Ct))!;
        (await none.ReadAsync(new byte[10], Ct)).Should().Be(0, "an empty file is stored and reads as empty");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ASecondPutOfTheSameBytes_IsANoOp(string backend)
    {
        await using var b = await StartAsync(backend);
        var bytes = Bytes(2 * Chunk + 5, seed: 2);
        var first = await b.Store.PutAsync(new MemoryStream(bytes), Ct);
        var before = await b.CountAsync();

        var second = await b.Store.PutAsync(new TrickleStream(bytes, 4_096), Ct);

        second.Should().Be(first);
        (await b.CountAsync()).Should().Be(before, "the same bytes are kept once");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task APutThatBreaksOffHalfWay_LeavesNothingReadable(string backend)
    {
        await using var b = await StartAsync(backend);
        var bytes = Bytes(3 * Chunk, seed: 3);

        var put = () => b.Store.PutAsync(new TrickleStream(bytes, 8_192, breakAfter: 2 * Chunk + 100), Ct);

        await put.Should().ThrowAsync<IOException>();
        (await b.Store.ExistsAsync(Sha(bytes), Ct)).Should().BeFalse();
        (await b.Store.ExistsAsync(Sha(bytes[..(2 * Chunk + 100)]), Ct)).Should().BeFalse("nor is the part that arrived");
        if (backend != "S3")
        {
            (await b.CountAsync()).Should().Be((0, 0), "no chunk and no temporary file stays behind");
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task AnUnknownAddress_IsNotThere_AndAMalformedOneIsRefused(string backend)
    {
        await using var b = await StartAsync(backend);
        var unknown = Sha(Bytes(10, seed: 4));

        (await b.Store.OpenReadAsync(unknown, Ct)).Should().BeNull();
        (await b.Store.ExistsAsync(unknown, Ct)).Should().BeFalse();
        foreach (var bad in new[] { "../../etc/passwd", unknown.ToUpperInvariant(), unknown[..63], "" })
        {
            var open = () => b.Store.OpenReadAsync(bad, Ct);
            await open.Should().ThrowAsync<ArgumentException>(bad);
        }
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task TheDatabaseStore_WritesChunksAsItReads_AndReadsThemOneAtATime(string provider)
    {
        await using var b = await StartAsync(provider);
        var bytes = Bytes(8 * Chunk, seed: 5);
        var chunksSeenMidway = -1;
        var input = new TrickleStream(bytes, Chunk / 2, onPosition: (position, _) =>
        {
            if (position == 6 * Chunk)
            {
                using var db = b.Db();
                chunksSeenMidway = db.Set<StoredFileChunk>().Count();
            }
        });

        var stored = await b.Store.PutAsync(input, Ct);

        chunksSeenMidway.Should().BeGreaterThanOrEqualTo(5, "the chunks before are in the database before the input has been read to its end");
        await using var read = (await b.Store.OpenReadAsync(stored.Sha256, Ct))!;
        var first = new byte[Chunk];
        await read.ReadExactlyAsync(first, Ct);
        await using (var db = await b.DbAsync())
        {
            // Not there when the reader gets to it: proof that it had not been read already.
            await db.Set<StoredFileChunk>().Where(c => c.Index >= 2).ExecuteDeleteAsync(Ct);
        }
        await read.ReadExactlyAsync(first, Ct);
        var past = async () => await read.ReadAsync(first, Ct);
        await past.Should().ThrowAsync<IOException>().WithMessage("*Chunk 2 *missing*");
    }

    [Fact]
    public async Task TwoInstancesPuttingTheSameBytesAtOnce_KeepOneCopy()
    {
        await using var b = await StartAsync("PostgreSql");
        var bytes = Bytes(3 * Chunk + 1, seed: 6);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => b.Store.PutAsync(new TrickleStream(bytes, 16_384), Ct), Ct)));

        results.Should().AllBeEquivalentTo(new StoredFile(Sha(bytes), bytes.Length));
        (await b.CountAsync()).Should().Be((1, 4), "one file row and its four chunks; the other puts' copies are gone");
    }

    [Fact]
    public async Task AbandonedChunks_OfAPutThatDiedWithItsProcess_AreSwept()
    {
        await using var b = await StartAsync("Sqlite");
        await using (var db = await b.DbAsync())
        {
            db.Add(new StoredFileChunk { ContentId = Guid.NewGuid(), Index = 0, Data = [1, 2, 3], WrittenAt = DateTime.UtcNow.AddDays(-1) });
            await db.SaveChangesAsync(Ct);
        }
        var kept = await b.Store.PutAsync(new MemoryStream(Bytes(100)), Ct);

        (await ((DatabaseFileStore)b.Store).DeleteAbandonedChunksAsync(TimeSpan.FromHours(1), Ct)).Should().Be(0, "the first put of the process swept it already");
        (await b.CountAsync()).Should().Be((1, 1));
        (await b.Store.ExistsAsync(kept.Sha256, Ct)).Should().BeTrue();
    }

    [Theory]
    [InlineData(null, false, FileStoreBackend.Local)]
    [InlineData(null, true, FileStoreBackend.Database)]
    [InlineData("database", false, FileStoreBackend.Database)]
    [InlineData("Database", true, FileStoreBackend.Database)]
    public void TheBackend_IsLocalAlone_AndTheDatabaseWhenClustered(string? setting, bool clustered, FileStoreBackend expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Files:Store"] = setting }).Build();
        FileStoreOptions.Read(configuration, new ClusterOptions { Enabled = clustered }).Store.Should().Be(expected);
    }

    [Theory]
    [InlineData("Local", true, "*Cluster:Enabled*another*")]
    [InlineData("Disk", false, "*Files:Store*Local, Database or S3*")]
    [InlineData("S3", false, "*Files:S3:ServiceUrl*")]
    public void AStoreThatCannotWork_IsRefusedAtStart_SayingWhy(string setting, bool clustered, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Files:Store"] = setting }).Build();
        var read = () => FileStoreOptions.Read(configuration, new ClusterOptions { Enabled = clustered });
        read.Should().Throw<InvalidOperationException>().WithMessage(message);
    }

    /// <summary>
    /// A network-like input: not seekable, a few KB per read, optionally failing part-way like a connection reset, and
    /// telling the test where it has got to.
    /// </summary>
    private sealed class TrickleStream(byte[] bytes, int perRead, int? breakAfter = null, Action<long, byte[]>? onPosition = null) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            onPosition?.Invoke(_position, bytes);
            if (breakAfter is { } at && _position >= at)
            {
                throw new IOException("The connection was reset.");
            }
            var n = Math.Min(Math.Min(buffer.Length, perRead), bytes.Length - _position);
            if (breakAfter is { } limit)
            {
                n = Math.Min(n, limit - _position);
            }
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => ValueTask.FromResult(Read(buffer.Span));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => Task.FromResult(Read(buffer.AsSpan(offset, count)));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
