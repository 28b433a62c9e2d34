using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace OpsConsole.Core.Shared.Files;

/// <summary>
/// Files in an S3-compatible bucket (`Files:Store=S3`) under `{prefix}{area}/ab/cd/abcd…`. A put is spooled to a
/// temporary local file while it is hashed (the key is the hash, known only at the end; memory stays flat), then sent
/// in one PUT, which S3 makes visible whole or not at all; a key that exists already is not sent again.
/// </summary>
public sealed class S3FileStore(IAmazonS3 s3, string bucket, string prefix) : IFileStore
{
    public string Backend => "s3";

    public string KeyOf(string sha256)
    {
        FileAddress.Check(sha256);
        return $"{prefix}{sha256[..2]}/{sha256[2..4]}/{sha256}";
    }

    public async Task<StoredFile> PutAsync(Stream content, CancellationToken ct = default)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"opsconsole-s3-{Guid.NewGuid():N}");
        try
        {
            await using var spool = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
                FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            var sha = await FileHashing.CopyAndHashAsync(content, spool, ct);
            var length = spool.Length;
            if (!await ExistsAsync(sha, ct))
            {
                spool.Position = 0;
                await s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = bucket, Key = KeyOf(sha), InputStream = spool, AutoCloseStream = false, ContentType = "application/octet-stream",
                }, ct);
            }
            return new StoredFile(sha, length);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public async Task<Stream?> OpenReadAsync(string sha256, CancellationToken ct = default)
    {
        try
        {
            var response = await s3.GetObjectAsync(bucket, KeyOf(sha256), ct);
            return new ResponseStream(response);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<bool> ExistsAsync(string sha256, CancellationToken ct = default)
    {
        try
        {
            await s3.GetObjectMetadataAsync(bucket, KeyOf(sha256), ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public static IAmazonS3 Client(S3Settings settings) => new AmazonS3Client(
        new BasicAWSCredentials(settings.AccessKey, settings.SecretKey),
        new AmazonS3Config
        {
            ServiceURL = settings.ServiceUrl,
            AuthenticationRegion = settings.Region,
            ForcePathStyle = settings.ForcePathStyle,
            // S3-compatible servers (MinIO, Ceph, Garage) do not all know the newer default checksums.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    /// <summary>The object's body, disposing the response (and its connection) with it.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        private readonly Stream _body = response.ResponseStream;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.ContentLength;
        private long _position;

        public override long Position
        {
            get => _position;
            set
            {
                if (value != _position)
                {
                    throw new NotSupportedException("A stored file is read from start to end.");
                }
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => Advance(_body.Read(buffer));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Advance(await _body.ReadAsync(buffer, ct));

        private int Advance(int read)
        {
            _position += read;
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
