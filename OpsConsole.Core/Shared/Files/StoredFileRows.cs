using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpsConsole.Core.Shared.Files;

/// <summary>
/// A file complete in the database store (`stored_files`): written after the last of its chunks, so a file is readable
/// only once all of it is there (ADR 0041). Its chunks are found by <see cref="ContentId"/>, the id of the put that wrote
/// them (the address is known only when the last byte has been hashed).
/// </summary>
public sealed class StoredFileRow
{
    public const int MaxAreaLength = 32;

    /// <summary>The kind of file (`etl-raw`, `photos`): one namespace per kind.</summary>
    public string Area { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public Guid ContentId { get; set; }
    public long Length { get; set; }
    public int ChunkCount { get; set; }
    public DateTime StoredAt { get; set; }
}

/// <summary>One piece of a file's bytes (`stored_file_chunks`, at most `Files:ChunkBytes` each), in order by <see cref="Index"/>.</summary>
public sealed class StoredFileChunk
{
    public Guid ContentId { get; set; }
    public int Index { get; set; }
    public byte[] Data { get; set; } = [];
    public DateTime WrittenAt { get; set; }
}

internal sealed class StoredFileRowConfiguration : IEntityTypeConfiguration<StoredFileRow>
{
    public void Configure(EntityTypeBuilder<StoredFileRow> builder)
    {
        builder.ToTable("stored_files");
        builder.HasKey(f => new { f.Area, f.Sha256 });
        builder.Property(f => f.Area).HasMaxLength(StoredFileRow.MaxAreaLength);
        builder.Property(f => f.Sha256).HasMaxLength(64).IsFixedLength();
        builder.HasIndex(f => f.ContentId).IsUnique();
    }
}

internal sealed class StoredFileChunkConfiguration : IEntityTypeConfiguration<StoredFileChunk>
{
    public void Configure(EntityTypeBuilder<StoredFileChunk> builder)
    {
        builder.ToTable("stored_file_chunks");
        builder.HasKey(c => new { c.ContentId, c.Index });
        // byte[] without a length: bytea on PostgreSQL, varbinary(max) on SQL Server, a BLOB on SQLite.
        builder.Property(c => c.Data).IsRequired();
        builder.HasIndex(c => c.WrittenAt);
    }
}
