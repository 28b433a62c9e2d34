using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Maintenance;

/// <summary>/api/maintenance/calendars (issue 18 item 11, ADR 0035): everyone reads the shift calendars, admins create and edit them.</summary>
public static partial class MaintenanceApi
{
    private static void MapCalendarRoutes(RouteGroupBuilder group)
    {
        group.MapGet("/calendars", ListCalendarsAsync).AllowedFor(OpsPolicies.Read).WithSummary("Shift calendars with their shifts, by name");
        group.MapGet("/calendars/{id}", GetCalendarAsync).AllowedFor(OpsPolicies.Read).WithSummary("One shift calendar");
        group.MapPost("/calendars", CreateCalendarAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Create a shift calendar: name, IANA time_zone, shifts (name, days, start HH:mm, duration_minutes); no overlaps (admins)");
        group.MapPut("/calendars/{id}", EditCalendarAsync).AllowedFor(OpsPolicies.Administer)
            .WithSummary("Replace a calendar's name, zone and shifts based on its version; 409 on a stale one; applies from now on (admins)");
    }

    private static async Task<Ok<List<CalendarResponse>>> ListCalendarsAsync(MachineDirectory machines, CancellationToken ct) =>
        TypedResults.Ok((await machines.CalendarsAsync(ct)).Select(CalendarResponse.From).ToList());

    private static async Task<Results<Ok<CalendarResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> GetCalendarAsync(long id,
        ShiftCalendars calendars, CancellationToken ct) =>
        (await calendars.GetAsync(id, ct)).ToHttp(c => TypedResults.Ok(CalendarResponse.From(c)));

    private static async Task<Results<Created<CalendarResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> CreateCalendarAsync(
        CalendarRequest request, ShiftCalendars calendars, HttpContext http, CancellationToken ct) =>
        (await calendars.CreateAsync(http.User.ToActor(), request.ToInput(), ct))
            .ToHttp(c => TypedResults.Created($"/api/maintenance/calendars/{c.Id}", CalendarResponse.From(c)));

    private static async Task<Results<Ok<CalendarResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> EditCalendarAsync(long id,
        CalendarRequest request, ShiftCalendars calendars, HttpContext http, CancellationToken ct) =>
        (await calendars.EditAsync(http.User.ToActor(), id, request.ToInput(), ct)).ToHttp(c => TypedResults.Ok(CalendarResponse.From(c)));
}
