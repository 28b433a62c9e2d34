using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Settings;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Settings;

/// <summary>The runtime settings of every module (ADR 0021): read by every reading role, changed by admins.</summary>
public static class SettingsApi
{
    public static void MapSettingsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/settings").WithTags("Settings");
        group.MapGet("/", ListRuntimeSettingsAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("Every module's runtime settings with their values, defaults and ranges");
        group.MapPut("/{module}", UpdateRuntimeSettingsAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Change some of a module's settings, e.g. {\"interval_seconds\": 10}; every bad value is named at once, nothing is saved unless all are good (audited with before and after)");
    }

    private static async Task<Ok<IReadOnlyList<SettingsSectionResponse>>> ListRuntimeSettingsAsync(RuntimeSettings settings, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<SettingsSectionResponse>>((await settings.ReadAllAsync(ct)).Select(SettingsSectionResponse.From).ToList());

    private static async Task<Results<Ok<SettingsSectionResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> UpdateRuntimeSettingsAsync(string module,
        Dictionary<string, JsonElement> request, RuntimeSettings settings, HttpContext http, CancellationToken ct) =>
        (await settings.SaveAsync(http.User.ToActor(), module, SettingsSectionResponse.Changes(request), ct: ct))
            .ToHttp(v => TypedResults.Ok(SettingsSectionResponse.From(v)));
}
