using OpsConsole.Core.Shared.Files;

namespace OpsConsole.Core.Maintenance;

/// <summary>
/// Ticket photos and thumbnails, kept by their SHA-256 in the file store (ADR 0025, 0041). Locally under
/// `Maintenance:PhotoStore` (ab/cd/abcd….jpg); clustered in the database or a bucket.
/// </summary>
public sealed class PhotoFileStore(FileStores stores, MaintenanceOptions options) : AreaFileStore(stores, new FileArea(AreaName, options.PhotoStore, ".jpg"))
{
    public const string AreaName = "photos";
}
