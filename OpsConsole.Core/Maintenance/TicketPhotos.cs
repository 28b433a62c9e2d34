using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;

namespace OpsConsole.Core.Maintenance;

/// <summary>
/// Photos of tickets (ADR 0025): processed by <see cref="PhotoProcessor"/>, kept by their SHA-256 in the
/// <see cref="PhotoFileStore"/> (the same bytes once, ADR 0041), and recorded on the ticket with a history line.
/// </summary>
public sealed class TicketPhotos(IDbContextFactory<OpsDbContext> contexts, TicketService tickets, PhotoFileStore store, MaintenanceMetrics metrics,
    AccountGate gate)
{

    /// <summary>Attaches a photo to a ticket, or to one of its comments (operators and up).</summary>
    public async Task<OpsResult<TicketPhoto>> AttachAsync(Actor actor, long ticketId, long? commentId, string? fileName, byte[] bytes, CancellationToken ct = default)
    {
        await gate.EnsureAsync(actor, OpsPolicies.Operate, ct);
        var (processed, refusal) = PhotoProcessor.Process(bytes);
        if (processed is null)
        {
            metrics.Photos.Add(1, new KeyValuePair<string, object?>("outcome", "refused"));
            return OpsResult<TicketPhoto>.Invalid("file", refusal!);
        }
        if (commentId is { } cid)
        {
            await using var check = await contexts.CreateDbContextAsync(ct);
            if (!await check.TicketComments.AnyAsync(c => c.Id == cid && c.TicketId == ticketId, ct))
            {
                return OpsResult<TicketPhoto>.Invalid("comment_id", $"comment_id {cid} is not a comment of ticket #{ticketId}.");
            }
        }
        var sha = processed.Sha256;
        var thumbSha = processed.ThumbnailSha256;
        await WriteAsync(sha, processed.Image, ct);
        await WriteAsync(thumbSha, processed.Thumbnail, ct);
        var name = fileName is null ? null : Path.GetFileName(fileName);
        name = name is { Length: > 255 } ? name[..255] : name;
        TicketPhoto? photo = null;
        var result = await tickets.ChangeAsync(actor, ticketId, null, async (db, ticket, now) =>
        {
            photo = new TicketPhoto
            {
                TicketId = ticket.Id, CommentId = commentId, FileName = name, Sha256 = sha, ThumbnailSha256 = thumbSha, ContentType = processed.ContentType,
                Width = processed.Width, Height = processed.Height, SizeBytes = processed.Image.Length, UploadedBy = actor.Name, UploadedAt = now,
            };
            db.TicketPhotos.Add(photo);
            ticket.Version++;
            db.Record(ticket, actor.Name, now, "photo", after: $"{name ?? "photo"} ({processed.Width} × {processed.Height})");
            db.Audit(actor, now, MaintenanceModule.Name, "ticket.photo", "Ticket", ticket.Id.ToString(), null,
                new { FileName = name, Sha256 = sha, processed.Width, processed.Height, CommentId = commentId });
            await Task.CompletedTask;
            return OpsResult<TicketTouch>.Ok(new TicketTouch(TicketChange.Photo));
        }, ct, OpsPolicies.Operate);
        metrics.Photos.Add(1, new KeyValuePair<string, object?>("outcome", result.Succeeded ? "stored" : "refused"));
        return result.Map(_ => photo!);
    }

    /// <summary>A stored photo's bytes (or its thumbnail's) as a stream the caller disposes, or not found.</summary>
    public async Task<OpsResult<(Stream Content, string ContentType, string? FileName)>> ReadAsync(long ticketId, long photoId, bool thumbnail, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var photo = await db.TicketPhotos.AsNoTracking().SingleOrDefaultAsync(p => p.Id == photoId && p.TicketId == ticketId, ct);
        if (photo is null)
        {
            return OpsResult<(Stream, string, string?)>.NotFound($"No photo {photoId} on ticket #{ticketId}.");
        }
        if (await store.OpenReadAsync(thumbnail ? photo.ThumbnailSha256 : photo.Sha256, ct) is not { } content)
        {
            return OpsResult<(Stream, string, string?)>.NotFound($"Photo {photoId}'s file is missing from the photo store.");
        }
        return OpsResult<(Stream, string, string?)>.Ok((content, photo.ContentType, photo.FileName));
    }

    private async Task WriteAsync(string sha, byte[] bytes, CancellationToken ct)
    {
        if (await store.ExistsAsync(sha, ct))
        {
            return;
        }
        using var content = new MemoryStream(bytes, writable: false);
        var stored = await store.PutAsync(content, ct);
        if (stored.Sha256 != sha)
        {
            throw new InvalidOperationException($"The photo store kept {stored.Sha256} for a photo whose SHA-256 is {sha}.");
        }
    }
}
