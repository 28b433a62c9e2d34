using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OpsConsole.Infrastructure.Api;

/// <summary>A file sent to an import or test endpoint, read whole and bounded; dispose it when done.</summary>
public sealed class Upload(Stream content, string? fileName) : IAsyncDisposable
{
    public Stream Content { get; } = content;
    public string? FileName { get; } = fileName;

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>
/// What reading an upload gave: the file (and, from a multipart request, its other fields), or the answer to send
/// instead (400 naming the field, or 413).
/// </summary>
public sealed record UploadRead(Upload? Upload, ValidationProblem? Invalid, TooLargeProblem? TooLarge, IFormCollection? Form = null);

/// <summary>
/// The one way the API takes a file: a multipart field named 'file' (with optional other fields), or the body itself
/// as text/csv, text/plain or application/octet-stream. The size is bounded whether or not the client sent a
/// Content-Length: a chunked body is cut at the limit.
/// </summary>
public static class UploadReader
{
    public const string Field = "file";
    public static readonly string[] BodyTypes = ["text/csv", "text/plain", "application/octet-stream"];

    public static async Task<UploadRead> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        var tooLarge = new UploadRead(null, null, new TooLargeProblem($"The file is larger than {maxBytes / 1024 / 1024} MB."));
        if (request.ContentLength > maxBytes)
        {
            return tooLarge;
        }
        if (request.HasFormContentType)
        {
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                // The file plus room for the other fields and the multipart boundaries.
                limit.MaxRequestBodySize = maxBytes + 64 * 1024;
            }
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = maxBytes }, ct);
            }
            catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
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
            return new UploadRead(new Upload(file.OpenReadStream(), file.FileName), null, null, form);
        }
        if (!BodyTypes.Any(t => request.ContentType?.StartsWith(t, StringComparison.OrdinalIgnoreCase) == true))
        {
            return new UploadRead(null, ApiResults.Invalid("Content-Type", $"Send {string.Join(", ", BodyTypes)}, or multipart/form-data with a '{Field}' field."), null);
        }
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                await buffer.DisposeAsync();
                return tooLarge;
            }
            buffer.Write(chunk, 0, read);
        }
        buffer.Position = 0;
        return new UploadRead(new Upload(buffer, null), null, null);
    }
}
