using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using OpsConsole.Infrastructure.Http;

namespace OpsConsole.Infrastructure.Api;

/// <summary>A file sent to an import or test endpoint, read whole and bounded; dispose it when done (that frees its upload slot).</summary>
public sealed class Upload(Stream content, string? fileName, IDisposable slot) : IAsyncDisposable
{
    public Stream Content { get; } = content;
    public string? FileName { get; } = fileName;

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync();
        slot.Dispose();
    }
}

/// <summary>
/// What reading an upload gave: the file (and, from a multipart request, its other fields), or the answer to send
/// instead (400 naming the field; 413 too large or 429 too many waiting).
/// </summary>
public sealed record UploadRead(Upload? Upload, ValidationProblem? Invalid, UploadRefusedProblem? Refused, IFormCollection? Form = null);

/// <summary>
/// The one way the API takes a file: a multipart field named 'file' (with optional other fields), or the body itself
/// as text/csv, text/plain or application/octet-stream. Every upload waits for a slot (<see cref="UploadSlots"/>), is
/// buffered on disk past 64 KB rather than in memory, and is bounded whether or not the client sent a Content-Length:
/// a chunked body is cut at the limit.
/// </summary>
public static class UploadReader
{
    public const string Field = "file";
    public static readonly string[] BodyTypes = ["text/csv", "text/plain", "application/octet-stream"];
    private const int MemoryThreshold = 64 * 1024;

    public static async Task<UploadRead> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes)
        {
            return Refused(UploadRefusedProblem.TooLarge(maxBytes));
        }
        var slot = await request.HttpContext.RequestServices.GetRequiredService<UploadSlots>().TakeAsync(ct);
        if (!slot.IsAcquired)
        {
            slot.Dispose();
            return Refused(UploadRefusedProblem.TooMany(retryAfterSeconds: 5));
        }
        var read = await ReadInSlotAsync(request, maxBytes, slot, ct);
        if (read.Upload is null)
        {
            slot.Dispose();
        }
        return read;
    }

    private static async Task<UploadRead> ReadInSlotAsync(HttpRequest request, long maxBytes, RateLimitLease slot, CancellationToken ct)
    {
        var tooLarge = Refused(UploadRefusedProblem.TooLarge(maxBytes));
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // Kestrel stops reading a chunked body here, whatever the endpoint does with it (room for form fields and boundaries).
            limit.MaxRequestBodySize = maxBytes + 64 * 1024;
        }
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = maxBytes, MemoryBufferThreshold = MemoryThreshold }, ct);
            }
            catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return tooLarge;
            }
            if (form.Files.GetFile(Field) is not { } file)
            {
                return new UploadRead(null, ApiResults.Invalid(Field, $"Send the file as a multipart field named '{Field}'."), null);
            }
            if (file.Length > maxBytes)
            {
                return tooLarge;
            }
            return new UploadRead(new Upload(file.OpenReadStream(), file.FileName, slot), null, null, form);
        }
        if (!BodyTypes.Any(t => request.ContentType?.StartsWith(t, StringComparison.OrdinalIgnoreCase) == true))
        {
            return new UploadRead(null, ApiResults.Invalid("Content-Type", $"Send {string.Join(", ", BodyTypes)}, or multipart/form-data with a '{Field}' field."), null);
        }
        var buffered = new FileBufferingReadStream(request.Body, MemoryThreshold, maxBytes, Path.GetTempPath());
        try
        {
            await buffered.DrainAsync(ct);
        }
        catch (Exception ex) when (ex is IOException { InnerException: null } or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            await buffered.DisposeAsync();
            return tooLarge;
        }
        catch
        {
            await buffered.DisposeAsync();
            throw; // a client that stalls or breaks off is not "too large" (BadRequestHandler answers it)
        }
        buffered.Position = 0;
        return new UploadRead(new Upload(buffered, null, slot), null, null);
    }

    private static UploadRead Refused(UploadRefusedProblem problem) => new(null, null, problem);
}
