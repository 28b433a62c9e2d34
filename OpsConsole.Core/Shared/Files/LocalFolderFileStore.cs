using System.Security.Cryptography;

namespace OpsConsole.Core.Shared.Files;

/// <summary>
/// Files in a local folder as ab/cd/abcd…{suffix}: written to a temporary name while hashed, then moved into place, so a
/// reader sees a whole file or none. The embedded default; one console only (another instance has another disk).
/// </summary>
public sealed class LocalFolderFileStore(string folder, string suffix = "") : IFileStore
{
    private const int BufferBytes = 64 * 1024;

    public string Backend => "local";

    public string Root { get; } = Path.GetFullPath(folder);

    public string PathOf(string sha256)
    {
        FileAddress.Check(sha256);
        return Path.Combine(Root, sha256[..2], sha256[2..4], sha256 + suffix);
    }

    public async Task<StoredFile> PutAsync(Stream content, CancellationToken ct = default)
    {
        Directory.CreateDirectory(Root);
        var temp = Path.Combine(Root, $".incoming-{Guid.NewGuid():N}");
        try
        {
            string sha;
            long size;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferBytes, useAsync: true))
            {
                sha = await FileHashing.CopyAndHashAsync(content, file, ct);
                size = file.Length;
            }
            var target = PathOf(sha);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!File.Exists(target))
            {
                File.Move(temp, target, overwrite: true);
            }
            return new StoredFile(sha, size);
        }
        finally
        {
            // A put that broke off (or was cancelled) leaves nothing behind; a moved file is no longer there to delete.
            File.Delete(temp);
        }
    }

    public Task<Stream?> OpenReadAsync(string sha256, CancellationToken ct = default)
    {
        var path = PathOf(sha256);
        return Task.FromResult<Stream?>(File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferBytes, useAsync: true) : null);
    }

    public Task<bool> ExistsAsync(string sha256, CancellationToken ct = default) => Task.FromResult(File.Exists(PathOf(sha256)));
}

internal static class FileHashing
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> and answers the SHA-256 of what went through.</summary>
    public static async Task<string> CopyAndHashAsync(Stream source, Stream target, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
