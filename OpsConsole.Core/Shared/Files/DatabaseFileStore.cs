using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Core.Shared.Files;

/// <summary>
/// Files in the console's own database, so that every instance reads what any instance stored (issue 20, ADR 0041).
/// Streamed both ways: a put reads its input one chunk at a time and writes each chunk as a row of its own
/// (`stored_file_chunks`, keyed by the put's id and the chunk's index), then writes the file's row (`stored_files`,
/// keyed by area and SHA-256) last, so nothing is readable before all of it is there. A reader fetches one chunk at a
/// time. Memory stays at about one chunk per put or reader whatever the file's size.
/// </summary>
public sealed class DatabaseFileStore(IDbContextFactory<OpsDbContext> contexts, string area, int chunkBytes, TimeProvider time) : IFileStore
{
    /// <summary>Chunks of a put that died with its process are deleted once they are this old (no put runs this long).</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(6);

    private long _nextSweepTicks;

    public string Backend => "database";

    public async Task<StoredFile> PutAsync(Stream content, CancellationToken ct = default)
    {
        await SweepAbandonedChunksIfDueAsync(ct);
        var contentId = Guid.CreateVersion7();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        var count = 0;
        try
        {
            while (true)
            {
                var chunk = new byte[chunkBytes];
                var filled = await FillAsync(content, chunk, ct);
                if (filled == 0)
                {
                    break;
                }
                hash.AppendData(chunk, 0, filled);
                length += filled;
                await using (var db = await contexts.CreateDbContextAsync(ct))
                {
                    db.Add(new StoredFileChunk { ContentId = contentId, Index = count++, Data = filled == chunk.Length ? chunk : chunk[..filled], WrittenAt = Now() });
                    await db.SaveChangesAsync(ct);
                }
                if (filled < chunk.Length)
                {
                    break;
                }
            }
            var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (await ExistsAsync(sha, ct) || !await TryCompleteAsync(new StoredFileRow
                {
                    Area = area, Sha256 = sha, ContentId = contentId, Length = length, ChunkCount = count, StoredAt = Now(),
                }, ct))
            {
                // The same bytes are there already (maybe stored a moment ago by another instance): this put's copy goes.
                await DeleteChunksAsync(contentId, CancellationToken.None);
            }
            return new StoredFile(sha, length);
        }
        catch
        {
            await DeleteChunksAsync(contentId, CancellationToken.None);
            throw;
        }
    }

    public async Task<Stream?> OpenReadAsync(string sha256, CancellationToken ct = default)
    {
        FileAddress.Check(sha256);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Set<StoredFileRow>().AsNoTracking().SingleOrDefaultAsync(f => f.Area == area && f.Sha256 == sha256, ct);
        return row is null ? null : new DatabaseChunkStream(contexts, row);
    }

    public async Task<bool> ExistsAsync(string sha256, CancellationToken ct = default)
    {
        FileAddress.Check(sha256);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<StoredFileRow>().AnyAsync(f => f.Area == area && f.Sha256 == sha256, ct);
    }

    /// <summary>Deletes the chunks of puts that never completed (a process that died half-way); answers how many went.</summary>
    public async Task<int> DeleteAbandonedChunksAsync(TimeSpan olderThan, CancellationToken ct = default)
    {
        var cutoff = Now() - olderThan;
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<StoredFileChunk>()
            .Where(c => c.WrittenAt < cutoff && !db.Set<StoredFileRow>().Any(f => f.ContentId == c.ContentId))
            .ExecuteDeleteAsync(ct);
    }

    private async Task<bool> TryCompleteAsync(StoredFileRow row, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // Two puts of the same bytes raced and the other wrote its row first: the same outcome.
            if (await ExistsAsync(row.Sha256, ct))
            {
                return false;
            }
            throw;
        }
    }

    private async Task DeleteChunksAsync(Guid contentId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<StoredFileChunk>().Where(c => c.ContentId == contentId).ExecuteDeleteAsync(ct);
    }

    private async Task SweepAbandonedChunksIfDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcTicks;
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now < due || Interlocked.CompareExchange(ref _nextSweepTicks, now + TimeSpan.TicksPerHour, due) != due)
        {
            return;
        }
        await DeleteAbandonedChunksAsync(AbandonedAfter, ct);
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends (a network stream hands out a few KB per read).</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken ct)
    {
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await content.ReadAsync(buffer.AsMemory(filled), ct)) > 0)
        {
            filled += read;
        }
        return filled;
    }
}

/// <summary>A stored file's bytes, fetched one chunk row at a time as the reader gets to them (sync and async reads).</summary>
internal sealed class DatabaseChunkStream(IDbContextFactory<OpsDbContext> contexts, StoredFileRow file) : Stream
{
    private byte[] _chunk = [];
    private int _offset;
    private int _next;
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => file.Length;

    /// <summary>Where the reader is; setting it to where it is already is allowed (the ETL parser rewinds only what can seek).</summary>
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

    public override int Read(Span<byte> buffer)
    {
        if (_offset == _chunk.Length)
        {
            if (_next == file.ChunkCount)
            {
                return 0;
            }
            using var db = contexts.CreateDbContext();
            Take(Chunk(db).SingleOrDefault());
        }
        return Copy(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_offset == _chunk.Length)
        {
            if (_next == file.ChunkCount)
            {
                return 0;
            }
            await using var db = await contexts.CreateDbContextAsync(ct);
            Take(await Chunk(db).SingleOrDefaultAsync(ct));
        }
        return Copy(buffer.Span);
    }

    private IQueryable<byte[]> Chunk(OpsDbContext db)
    {
        var (id, index) = (file.ContentId, _next);
        return db.Set<StoredFileChunk>().Where(c => c.ContentId == id && c.Index == index).Select(c => c.Data);
    }

    private void Take(byte[]? data)
    {
        _chunk = data ?? throw new IOException($"Chunk {_next} of stored file {file.Sha256} is missing.");
        _offset = 0;
        _next++;
    }

    private int Copy(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _chunk.Length - _offset);
        _chunk.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
