using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace OpsConsole.Core.Etl;

/// <summary>
/// Raw files stored by their SHA-256 under `Etl:FileStore` (ab/cd/abcd…): the same bytes are kept once, a file is
/// written to a temporary name and moved into place, and nothing outside the store can be named.
/// </summary>
public sealed partial class EtlFileStore(EtlOptions options)
{
    private string Root => Path.GetFullPath(options.FileStore);

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex ShaPattern();

    public static bool IsSha256(string? value) => value is not null && ShaPattern().IsMatch(value);

    public string PathOf(string sha256)
    {
        if (!IsSha256(sha256))
        {
            throw new ArgumentException("Not a SHA-256 in lower-case hex.", nameof(sha256));
        }
        return Path.Combine(Root, sha256[..2], sha256[2..4], sha256);
    }

    public async Task<(string Sha256, long Size)> PutAsync(Stream content, CancellationToken ct)
    {
        Directory.CreateDirectory(Root);
        var temp = Path.Combine(Root, $".incoming-{Guid.NewGuid():N}");
        try
        {
            string sha;
            long size;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                size = file.Length;
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            var target = PathOf(sha);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!File.Exists(target))
            {
                File.Move(temp, target, overwrite: true);
            }
            return (sha, size);
        }
        finally
        {
            // A download that broke off (or was cancelled) leaves nothing behind; a moved file is no longer there to delete.
            File.Delete(temp);
        }
    }

    public Stream? OpenRead(string sha256)
    {
        var path = PathOf(sha256);
        return File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true) : null;
    }
}
