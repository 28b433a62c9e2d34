using System.Text.RegularExpressions;

namespace OpsConsole.Core.Shared.Files;

/// <summary>
/// A content-addressed store of files (ADR 0041): a file is put as a stream and known from then on by the SHA-256 of
/// its bytes, so the same bytes are kept once and a file never changes under its address. Puts are idempotent and
/// atomic: a second put of the same content changes nothing, and a put that fails half-way leaves nothing readable.
/// Backends: a local folder (the embedded default), the console's database (clustered), an S3-compatible bucket.
/// </summary>
public interface IFileStore
{
    /// <summary>Which backend holds the files, for logs (`local`, `database`, `s3`).</summary>
    string Backend { get; }

    /// <summary>Reads <paramref name="content"/> to its end, streaming, and keeps it under its SHA-256.</summary>
    Task<StoredFile> PutAsync(Stream content, CancellationToken ct = default);

    /// <summary>
    /// A stream of the file's bytes from start to end (the caller disposes it; sync and async reads; not seekable on every
    /// backend), or null when nothing is stored under the address.
    /// </summary>
    Task<Stream?> OpenReadAsync(string sha256, CancellationToken ct = default);

    Task<bool> ExistsAsync(string sha256, CancellationToken ct = default);
}

/// <summary>What a put stored: the address (SHA-256, lower-case hex) and the length in bytes.</summary>
public sealed record StoredFile(string Sha256, long Length);

public static partial class FileAddress
{
    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex ShaPattern();

    public static bool IsSha256(string? value) => value is not null && ShaPattern().IsMatch(value);

    /// <summary>Refuses anything but a SHA-256 in lower-case hex, so that no address can name a path or key outside the store.</summary>
    public static string Check(string sha256) =>
        IsSha256(sha256) ? sha256 : throw new ArgumentException("Not a SHA-256 in lower-case hex.", nameof(sha256));
}

/// <summary>
/// One kind of file kept in the store: its name (the database's and the bucket's namespace), the folder it has on the
/// local backend and the suffix its files have there (existing folders keep working unchanged).
/// </summary>
public sealed record FileArea(string Name, string LocalFolder, string LocalSuffix = "");
