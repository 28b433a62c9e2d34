using System.Buffers.Binary;
using System.Text;
using OpsConsole.Core.Maintenance;
using SkiaSharp;

namespace OpsConsole.Tests.Core.Maintenance;

/// <summary>Photos are decoded whatever their name, bounded, turned upright and stored without their metadata.</summary>
public sealed class PhotoProcessorTests
{
    /// <summary>A 40 × 20 JPEG, left half red, right half blue.</summary>
    private static byte[] RedBlueJpeg()
    {
        using var bitmap = new SKBitmap(40, 20);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Blue);
            using var red = new SKPaint { Color = SKColors.Red };
            canvas.DrawRect(0, 0, 20, 20, red);
        }
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Jpeg, 95).ToArray();
    }

    /// <summary>The JPEG with an EXIF segment right after its start: orientation 6 (turn 90° clockwise) and a GPS latitude.</summary>
    private static byte[] WithExif(byte[] jpeg, ushort orientation)
    {
        var tiff = new List<byte>();
        void U16(int v) { var b = new byte[2]; BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)v); tiff.AddRange(b); }
        void U32(int v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, (uint)v); tiff.AddRange(b); }
        tiff.AddRange("MM"u8.ToArray()); U16(42); U32(8);
        U16(2); // IFD0: orientation, GPS pointer
        U16(0x0112); U16(3); U32(1); U16(orientation); U16(0);
        U16(0x8825); U16(4); U32(1); U32(38);
        U32(0);
        U16(1); // GPS IFD: latitude ref "N" and a marker string we look for
        U16(0x0001); U16(2); U32(2); tiff.AddRange("N\0\0\0"u8.ToArray());
        U32(0);
        tiff.AddRange(Encoding.ASCII.GetBytes("GPS-SECRET-52.5200N"));
        var app1 = new List<byte> { 0xFF, 0xE1 };
        var length = 2 + 6 + tiff.Count;
        app1.Add((byte)(length >> 8));
        app1.Add((byte)length);
        app1.AddRange("Exif\0\0"u8.ToArray());
        app1.AddRange(tiff);
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    [Fact]
    public void AnExifPhoto_IsTurnedUpright_AndStoredWithoutItsMetadata()
    {
        var upload = WithExif(RedBlueJpeg(), orientation: 6);
        Encoding.ASCII.GetString(upload).Should().Contain("GPS-SECRET");
        using (var codec = SKCodec.Create(new MemoryStream(upload)))
        {
            codec.EncodedOrigin.Should().Be(SKEncodedOrigin.RightTop, "the test file carries the orientation");
        }

        var (photo, refusal) = PhotoProcessor.Process(upload);

        refusal.Should().BeNull();
        (photo!.Width, photo.Height).Should().Be((20, 40), "turned a quarter clockwise");
        var stored = Encoding.ASCII.GetString(photo.Image);
        stored.Should().NotContain("GPS-SECRET").And.NotContain("Exif");
        using var decoded = SKBitmap.Decode(photo.Image);
        decoded.GetPixel(10, 5).Red.Should().BeGreaterThan(200, "the left (red) half is on top after a clockwise turn");
        decoded.GetPixel(10, 35).Blue.Should().BeGreaterThan(200);
        using var codecAfter = SKCodec.Create(new MemoryStream(photo.Image));
        codecAfter.EncodedOrigin.Should().Be(SKEncodedOrigin.TopLeft);
        using var thumb = SKBitmap.Decode(photo.Thumbnail);
        (thumb.Width, thumb.Height).Should().Be((20, 40), "a small photo is not enlarged");
    }

    [Fact]
    public void ARenamedNonImage_IsRefused()
    {
        var (photo, refusal) = PhotoProcessor.Process(Encoding.UTF8.GetBytes("%PDF-1.7 this is not a photo, whatever the .jpg says"));
        photo.Should().BeNull();
        refusal.Should().Contain("not an image");
    }

    [Fact]
    public void APhotoOverTenMegabytes_IsRefusedBeforeDecoding()
    {
        var (photo, refusal) = PhotoProcessor.Process(new byte[PhotoProcessor.MaxBytes + 1]);
        photo.Should().BeNull();
        refusal.Should().Contain("larger than 10 MB");
    }

    [Fact]
    public void APhotoOverFortyMegapixels_IsRefusedFromItsHeader()
    {
        // A real 1 × 1 PNG whose header then claims 8000 × 6000 (48 MP), its CRC fixed: the pixels are never decoded.
        using var bitmap = new SKBitmap(1, 1);
        var png = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100).ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 8000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 6000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));

        var (photo, refusal) = PhotoProcessor.Process(png);

        photo.Should().BeNull();
        refusal.Should().Be("The photo has 8000 × 6000 pixels; at most 40 megapixels are taken.");
    }

    [Fact]
    public void ABigPhoto_GetsAThumbnailOfAtMost320Pixels()
    {
        using var bitmap = new SKBitmap(1600, 900);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Green);
        }
        var png = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100).ToArray();
        var (photo, _) = PhotoProcessor.Process(png);
        using var thumb = SKBitmap.Decode(photo!.Thumbnail);
        (thumb.Width, thumb.Height).Should().Be((320, 180));
        photo.ContentType.Should().Be("image/jpeg");
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }
}
