using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Maintenance;

/// <summary>/api/maintenance/machines/{id}/qr.svg: the QR code on a machine's label, which opens "report a problem" prefilled (ADR 0030).</summary>
public static partial class MaintenanceApi
{
    private static void MapLabelRoutes(RouteGroupBuilder group) =>
        group.MapGet("/machines/{id}/qr.svg", MachineQrCodeAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("The machine's QR code (SVG): the console's address of 'report a problem' for it")
            .Produces<string>(StatusCodes.Status200OK, MachineQrCodes.SvgContentType);

    private static async Task<Results<ContentHttpResult, NotFoundProblem>> MachineQrCodeAsync(long id, MachineDirectory machines, HttpContext http,
        CancellationToken ct)
    {
        var machine = await machines.GetAsync(id, ct);
        if (!machine.Succeeded)
        {
            return ApiResults.NotFound(machine.Describe());
        }
        var address = MachineQrCodes.ReportAddress(MachineQrCodes.ConsoleAddress(http.Request), machine.Value!.Machine.Id);
        return TypedResults.Content(MachineQrCodes.Svg(address), MachineQrCodes.SvgContentType);
    }
}
