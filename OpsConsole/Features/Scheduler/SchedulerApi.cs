using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;
using OpsConsole.Infrastructure.Scheduling;

namespace OpsConsole.Features.Scheduler;

public sealed record ScheduleRequest(string? Cron);

/// <summary>The scheduled jobs: list (everyone), run now, pause, resume and reschedule (admins).</summary>
public static class SchedulerApi
{
    public static void MapSchedulerApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/scheduler/jobs").WithTags("Scheduler");
        group.MapGet("/", ListScheduledJobsAsync).AllowedFor(OpsPolicies.Read);
        group.MapPost("/{key}/run", RunScheduledJobAsync).AllowedFor(OpsPolicies.Administer).WithSummary("Run the job now (202; refused while it runs)");
        group.MapPost("/{key}/pause", PauseScheduledJobAsync).AllowedFor(OpsPolicies.Administer);
        group.MapPost("/{key}/resume", ResumeScheduledJobAsync).AllowedFor(OpsPolicies.Administer);
        group.MapPut("/{key}/schedule", RescheduleJobAsync).AllowedFor(OpsPolicies.Administer).WithSummary("Change the cron (Quartz syntax); empty restores the default");
        api.MapGet("/scheduler/instances", ListSchedulerInstancesAsync).WithTags("Scheduler").AllowedFor(OpsPolicies.Read)
            .WithSummary("The console instances that run the schedule, with their last check-in (one, in memory, on the embedded default)");
    }

    private static async Task<Ok<IReadOnlyList<SchedulerInstanceView>>> ListSchedulerInstancesAsync(SchedulerService scheduler, CancellationToken ct) =>
        TypedResults.Ok(await scheduler.InstancesAsync(ct));

    private static async Task<Ok<IReadOnlyList<ScheduledJobView>>> ListScheduledJobsAsync(SchedulerService scheduler, CancellationToken ct) =>
        TypedResults.Ok(await scheduler.ListAsync(ct));

    private static async Task<Results<Accepted<ScheduledJobView>, ValidationProblem, NotFoundProblem, ConflictProblem>> RunScheduledJobAsync(string key,
        SchedulerService scheduler, HttpContext http, CancellationToken ct) =>
        (await scheduler.RunNowAsync(http.User.ToActor(), key, ct)).ToHttp(v => TypedResults.Accepted($"/api/scheduler/jobs/{key}", v));

    private static async Task<Results<Ok<ScheduledJobView>, ValidationProblem, NotFoundProblem, ConflictProblem>> PauseScheduledJobAsync(string key,
        SchedulerService scheduler, HttpContext http, CancellationToken ct) =>
        (await scheduler.SetPausedAsync(http.User.ToActor(), key, true, ct)).ToHttp();

    private static async Task<Results<Ok<ScheduledJobView>, ValidationProblem, NotFoundProblem, ConflictProblem>> ResumeScheduledJobAsync(string key,
        SchedulerService scheduler, HttpContext http, CancellationToken ct) =>
        (await scheduler.SetPausedAsync(http.User.ToActor(), key, false, ct)).ToHttp();

    private static async Task<Results<Ok<ScheduledJobView>, ValidationProblem, NotFoundProblem, ConflictProblem>> RescheduleJobAsync(string key,
        ScheduleRequest request, SchedulerService scheduler, HttpContext http, CancellationToken ct) =>
        (await scheduler.RescheduleAsync(http.User.ToActor(), key, request.Cron, ct)).ToHttp();
}
