using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Maintenance;

/// <summary>/api/maintenance/schedules (issue 18 items 8 and 11, ADR 0030): everyone reads them, admins create, edit and run them.</summary>
public static partial class MaintenanceApi
{
    private static void MapScheduleRoutes(RouteGroupBuilder group)
    {
        group.MapGet("/schedules", ListSchedulesAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("Preventive schedules with their progress towards the next planned ticket");
        group.MapPost("/schedules", CreateScheduleAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Create a preventive schedule: every N days, cycles or run_hours (admins)");
        group.MapGet("/schedules/{id}", GetScheduleAsync).AllowedFor(OpsPolicies.Read).WithSummary("One preventive schedule");
        group.MapPut("/schedules/{id}", EditScheduleAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Edit, disable or enable a schedule based on its version; 409 on a stale one (admins)");
        group.MapPost("/schedules/{id}/run", RunScheduleAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Open the schedule's planned ticket now, due or not; 409 while its last one is open (admins)");
    }

    private static async Task<Results<Ok<List<ScheduleResponse>>, ValidationProblem>> ListSchedulesAsync(MaintenanceSchedules schedules,
        [AsParameters] SchedulesQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var machine = errors.OptionalInt("machine_id", query.MachineId, 1, int.MaxValue);
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok((await schedules.ListAsync(machine, ct)).Select(ScheduleResponse.From).ToList());
    }

    private static async Task<Results<Ok<ScheduleResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> GetScheduleAsync(long id,
        MaintenanceSchedules schedules, CancellationToken ct) =>
        (await schedules.GetAsync(id, ct)).ToHttp(r => TypedResults.Ok(ScheduleResponse.From(r)));

    private static async Task<Results<Created<ScheduleResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> CreateScheduleAsync(
        NewScheduleRequest request, MaintenanceSchedules schedules, HttpContext http, CancellationToken ct)
    {
        var created = await schedules.CreateAsync(http.User.ToActor(), request.ToInput(), ct);
        var row = created.Succeeded ? await schedules.GetAsync(created.Value!.Id, ct) : created.Map(_ => (ScheduleRow)null!);
        return row.ToHttp(r => TypedResults.Created($"/api/maintenance/schedules/{r.Schedule.Id}", ScheduleResponse.From(r)));
    }

    private static async Task<Results<Ok<ScheduleResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> EditScheduleAsync(long id,
        ScheduleEditRequest request, MaintenanceSchedules schedules, HttpContext http, CancellationToken ct)
    {
        var edited = await schedules.EditAsync(http.User.ToActor(), id, request.ToInput(), ct);
        var row = edited.Succeeded ? await schedules.GetAsync(id, ct) : edited.Map(_ => (ScheduleRow)null!);
        return row.ToHttp(r => TypedResults.Ok(ScheduleResponse.From(r)));
    }

    private static async Task<Results<Created<TicketResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> RunScheduleAsync(long id,
        MaintenanceSchedules schedules, HttpContext http, CancellationToken ct) =>
        (await schedules.RunNowAsync(http.User.ToActor(), id, ct)).ToHttp(t => TypedResults.Created($"/api/maintenance/tickets/{t.Id}", TicketResponse.From(t)));
}
