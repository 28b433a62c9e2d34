using QRCoder;

namespace OpsConsole.Features.Maintenance;

/// <summary>
/// The QR code of a machine's label: the absolute address of "report a problem" with the machine chosen, drawn black on
/// white whatever the theme (scanners need the contrast), scalable for print (a viewBox, no fixed size).
/// </summary>
public static class MachineQrCodes
{
    public const string SvgContentType = "image/svg+xml";

    /// <summary>The console's address as the caller reached it (behind a known proxy, the forwarded scheme and host).</summary>
    public static Uri ConsoleAddress(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}/");

    public static string ReportAddress(Uri console, int machineId) => new Uri(console, $"maintenance/report?machine_id={machineId}").AbsoluteUri;

    public static string Svg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(8, "#000000", "#ffffff", drawQuietZones: true, sizingMode: SvgQRCode.SizingMode.ViewBoxAttribute);
    }
}
