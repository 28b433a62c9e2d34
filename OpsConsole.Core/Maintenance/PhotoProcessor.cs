using System.Security.Cryptography;
using SkiaSharp;

namespace OpsConsole.Core.Maintenance;

/// <summary>A photo ready to store: the image re-encoded upright without metadata, its thumbnail, and their sizes.</summary>
public sealed record ProcessedPhoto(byte[] Image, byte[] Thumbnail, int Width, int Height, string ContentType)
{
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Image));
    public string ThumbnailSha256 => Convert.ToHexStringLower(SHA256.HashData(Thumbnail));
}

/// <summary>
/// Turns an uploaded photo into what the console stores (ADR 0025): decoded by SkiaSharp whatever its name says (a
/// renamed non-image is refused), refused past <see cref="MaxBytes"/> or <see cref="MaxPixels"/> before its pixels are
/// decoded, turned upright by its EXIF orientation, and re-encoded as JPEG, which writes no metadata at all: the GPS
/// position, the camera and its serial number do not leave the tablet's file. A thumbnail for lists and pages.
/// </summary>
public static class PhotoProcessor
{
    public const long MaxBytes = 10L * 1024 * 1024;
    public const long MaxPixels = 40_000_000;
    public const int ThumbnailSide = 320;
    public const int Quality = 85;

    /// <summary>The stored photo, or why it is refused (a sentence for the person who sent it).</summary>
    public static (ProcessedPhoto? Photo, string? Refusal) Process(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return (null, "The file is empty.");
        }
        if (bytes.Length > MaxBytes)
        {
            return (null, $"The photo is larger than {MaxBytes / 1024 / 1024} MB.");
        }
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return (null, "The file is not an image the console can read (JPEG, PNG, WebP, GIF or BMP).");
        }
        var info = codec.Info;
        if ((long)info.Width * info.Height > MaxPixels)
        {
            return (null, $"The photo has {info.Width} × {info.Height} pixels; at most {MaxPixels / 1_000_000} megapixels are taken.");
        }
        using var decoded = SKBitmap.Decode(codec, info.WithColorType(SKColorType.Rgba8888).WithAlphaType(SKAlphaType.Premul));
        if (decoded is null)
        {
            return (null, "The image could not be decoded (the file may be cut short).");
        }
        using var upright = Orient(decoded, codec.EncodedOrigin);
        var image = Encode(upright);
        var scale = Math.Min(1.0, (double)ThumbnailSide / Math.Max(upright.Width, upright.Height));
        var size = new SKSizeI(Math.Max(1, (int)Math.Round(upright.Width * scale)), Math.Max(1, (int)Math.Round(upright.Height * scale)));
        using var thumb = upright.Resize(size, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        return (new ProcessedPhoto(image, Encode(thumb), upright.Width, upright.Height, "image/jpeg"), null);
    }

    private static byte[] Encode(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, Quality);
        return jpeg.ToArray();
    }

    /// <summary>The bitmap as it should be seen: EXIF's eight origins as one matrix each, on a white page (JPEG has no alpha).</summary>
    internal static SKBitmap Orient(SKBitmap source, SKEncodedOrigin origin)
    {
        float w = source.Width, h = source.Height;
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        // x' = a·x + b·y + c, y' = d·x + e·y + f
        var matrix = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
            _ => SKMatrix.Identity,
        };
        var result = new SKBitmap(swap ? source.Height : source.Width, swap ? source.Width : source.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var canvas = new SKCanvas(result);
        canvas.Clear(SKColors.White);
        canvas.SetMatrix(matrix);
        canvas.DrawBitmap(source, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        canvas.Flush();
        return result;
    }
}
