using Amazon.S3;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Shared.Files;

/// <summary>Opens the configured backend (`Files:Store`) for each kind of file; one S3 client for all of them.</summary>
public sealed class FileStores(FileStoreOptions options, IDbContextFactory<OpsDbContext> contexts, TimeProvider time) : IDisposable
{
    private readonly Lazy<IAmazonS3> _s3 = new(() => S3FileStore.Client(options.S3!));

    public FileStoreBackend Backend => options.Store;

    public IFileStore Open(FileArea area) => options.Store switch
    {
        FileStoreBackend.Database => new DatabaseFileStore(contexts, area.Name, options.ChunkBytes, time),
        FileStoreBackend.S3 => new S3FileStore(_s3.Value, options.S3!.Bucket, $"{options.S3.Prefix}{area.Name}/"),
        _ => new LocalFolderFileStore(area.LocalFolder, area.LocalSuffix),
    };

    public void Dispose()
    {
        if (_s3.IsValueCreated)
        {
            _s3.Value.Dispose();
        }
    }
}

/// <summary>
/// A module's own file store (one subclass per kind of file, registered as a singleton), so that its services ask for
/// the store of their kind by type and the backend stays one setting.
/// </summary>
public abstract class AreaFileStore(FileStores stores, FileArea area) : IFileStore
{
    private readonly IFileStore _inner = stores.Open(area);

    public FileArea Area => area;
    public string Backend => _inner.Backend;
    public Task<StoredFile> PutAsync(Stream content, CancellationToken ct = default) => _inner.PutAsync(content, ct);
    public Task<Stream?> OpenReadAsync(string sha256, CancellationToken ct = default) => _inner.OpenReadAsync(sha256, ct);
    public Task<bool> ExistsAsync(string sha256, CancellationToken ct = default) => _inner.ExistsAsync(sha256, ct);
}
