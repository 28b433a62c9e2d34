using OpsConsole.Core.Shared.Files;

namespace OpsConsole.Core.Etl;

/// <summary>
/// Raw files downloaded from the file host, kept by their SHA-256 in the file store (ADR 0041): the same bytes once, a
/// file whole or not at all. Locally under `Etl:FileStore` (ab/cd/abcd…); clustered in the database or a bucket.
/// </summary>
public sealed class EtlFileStore(FileStores stores, EtlOptions options) : AreaFileStore(stores, new FileArea(AreaName, options.FileStore))
{
    public const string AreaName = "etl-raw";
}
