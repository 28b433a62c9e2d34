using System.Data.Common;
using Microsoft.Extensions.Configuration;
using OpsConsole.Core.Shared.Cluster;

namespace OpsConsole.Core.Shared.Files;

public enum FileStoreBackend
{
    Local,
    Database,
    S3,
}

/// <summary>
/// `Files:*`: where raw ETL downloads and ticket photos are kept (ADR 0041). `Files:Store` is `Local` (the folders named by
/// `Etl:FileStore` and `Maintenance:PhotoStore`), `Database` or `S3`; unset, it is `Database` when `Cluster:Enabled`
/// and `Local` otherwise. A clustered console refuses `Local`: another instance could not serve what this one stored.
/// </summary>
public sealed record FileStoreOptions
{
    public const int DefaultChunkBytes = 1024 * 1024;

    public FileStoreBackend Store { get; init; } = FileStoreBackend.Local;

    /// <summary>`Files:ChunkBytes`: the size of one row of the database store (64 KiB to 16 MiB).</summary>
    public int ChunkBytes { get; init; } = DefaultChunkBytes;

    public S3Settings? S3 { get; init; }

    public static FileStoreOptions Read(IConfiguration configuration, ClusterOptions cluster)
    {
        var text = configuration["Files:Store"];
        FileStoreBackend store;
        if (string.IsNullOrWhiteSpace(text))
        {
            store = cluster.Enabled ? FileStoreBackend.Database : FileStoreBackend.Local;
        }
        else if (!Enum.TryParse(text, ignoreCase: true, out store) || !Enum.IsDefined(store))
        {
            throw new InvalidOperationException($"Files:Store is '{text}'; it must be Local, Database or S3.");
        }
        if (cluster.Enabled && store == FileStoreBackend.Local)
        {
            throw new InvalidOperationException(
                "Files:Store=Local cannot be used with Cluster:Enabled: a file one instance stored in its folder could not be served by another. " +
                "Use Database (the default when clustered) or S3.");
        }
        var chunk = configuration.GetValue("Files:ChunkBytes", DefaultChunkBytes);
        if (chunk is < 64 * 1024 or > 16 * 1024 * 1024)
        {
            throw new InvalidOperationException($"Files:ChunkBytes is {chunk}; it must be between 65536 (64 KiB) and 16777216 (16 MiB).");
        }
        return new FileStoreOptions
        {
            Store = store,
            ChunkBytes = chunk,
            S3 = store == FileStoreBackend.S3 ? S3Settings.Read(configuration.GetSection("Files:S3")) : null,
        };
    }
}

/// <summary>`Files:S3:*`: an S3-compatible endpoint (AWS, MinIO, Ceph, Garage…), its bucket and keys.</summary>
public sealed record S3Settings(string ServiceUrl, string Bucket, string AccessKey, string SecretKey, string Region = "us-east-1",
    bool ForcePathStyle = true, string Prefix = "")
{
    public static S3Settings Read(IConfiguration section)
    {
        string Required(string key) => section[key] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Files:S3:{key} is required with Files:Store=S3.");
        return new S3Settings(Required("ServiceUrl"), Required("Bucket"), Required("AccessKey"), Required("SecretKey"),
            section["Region"] is { Length: > 0 } region ? region : "us-east-1", section.GetValue("ForcePathStyle", true), section["Prefix"] ?? "");
    }

    /// <summary>The same settings from one `Key=value;…` text (OPSCONSOLE_TEST_S3 in the tests).</summary>
    public static S3Settings Parse(string text)
    {
        var parts = new DbConnectionStringBuilder { ConnectionString = text };
        var values = parts.Keys.Cast<string>().ToDictionary(k => k, k => (string?)parts[k]!.ToString(), StringComparer.OrdinalIgnoreCase);
        return Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }
}
