using OpsConsole.Core.Shared.Identity;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;
using OpsConsole.Infrastructure.Scheduling;

namespace OpsConsole.Features.Scheduler;

public sealed record ScheduleRequest(string? Cron);

public static class SchedulerApi
{
    public static void MapSchedulerApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/scheduler/jobs").WithTags("Scheduler");
        group.MapGet("/", async (SchedulerService scheduler, CancellationToken ct) => TypedResults.Ok(await scheduler.ListAsync(ct)))
            .RequireAuthorization(OpsPolicies.Read);
        group.MapPost("/{key}/run", async (string key, SchedulerService scheduler, HttpContext http, CancellationToken ct) =>
            (await scheduler.RunNowAsync(http.User.ToActor(), key, ct)).ToHttp(v => TypedResults.Accepted($"/api/scheduler/jobs/{key}", v)))
            .RequireAuthorization(OpsPolicies.Administer);
        group.MapPost("/{key}/pause", async (string key, SchedulerService scheduler, HttpContext http, CancellationToken ct) =>
            (await scheduler.SetPausedAsync(http.User.ToActor(), key, true, ct)).ToHttp()).RequireAuthorization(OpsPolicies.Administer);
        group.MapPost("/{key}/resume", async (string key, SchedulerService scheduler, HttpContext http, CancellationToken ct) =>
            (await scheduler.SetPausedAsync(http.User.ToActor(), key, false, ct)).ToHttp()).RequireAuthorization(OpsPolicies.Administer);
        group.MapPut("/{key}/schedule", async (string key, ScheduleRequest request, SchedulerService scheduler, HttpContext http, CancellationToken ct) =>
            (await scheduler.RescheduleAsync(http.User.ToActor(), key, request.Cron, ct)).ToHttp()).RequireAuthorization(OpsPolicies.Administer);
    }
}
