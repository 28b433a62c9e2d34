using Microsoft.AspNetCore.Http.HttpResults;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Analytics;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Results;
using OpsConsole.Infrastructure.Api;
using OpsConsole.Infrastructure.Auth;

namespace OpsConsole.Features.Maintenance;

/// <summary>/api/maintenance/analytics (issue 18 items 9 and 11, ADR 0028): the KPIs of a window and the drill-down behind them; every role may read.</summary>
public static class MaintenanceAnalyticsApi
{
    public const int DefaultDrillDownLimit = 1_000;
    public const int MaxDrillDownLimit = 20_000;

    public static void MapMaintenanceAnalyticsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/maintenance").WithTags("Maintenance");
        group.MapGet("/analytics", ReportAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("MTTR, MTBF, MTTA, availability and OEE of a window (from, to: dates in plant time or instants; machine_id or area), with Paretos, ticket breakdowns and parts consumption");
        group.MapGet("/analytics/drill-down", DrillDownAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("How the window's KPIs were computed: the periods, failures, tickets and production records behind them (kpi= one of uptime, availability, mttr, mtbf, mtta, oee)");
    }

    private static async Task<Results<Ok<AnalyticsResponse>, ValidationProblem>> ReportAsync(MaintenanceReports reports,
        [AsParameters] AnalyticsQueryParameters query, CancellationToken ct)
    {
        var filter = await reports.ReadFilterAsync(query.ToInput(), ct);
        if (!filter.Succeeded)
        {
            return ApiResults.Invalid(filter.Errors);
        }
        return TypedResults.Ok(AnalyticsResponse.Of(await reports.ReportAsync(filter.Value!, ct)));
    }

    private static async Task<Results<Ok<DrillDownResponse>, ValidationProblem>> DrillDownAsync(MaintenanceReports reports,
        [AsParameters] AnalyticsQueryParameters query, [AsParameters] DrillDownParameters drill, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var kpi = AnalyticsDrillDownLines.Read(errors, "kpi", drill.Kpi);
        var limit = errors.OptionalInt("limit", drill.Limit, 1, MaxDrillDownLimit) ?? DefaultDrillDownLimit;
        var filter = await reports.ReadFilterAsync(query.ToInput(), ct);
        foreach (var (field, messages) in filter.Errors)
        {
            foreach (var message in messages)
            {
                errors.Add(field, message);
            }
        }
        if (errors.Any)
        {
            return errors.ToHttp();
        }
        return TypedResults.Ok(DrillDownResponse.From(await reports.DrillDownAsync(filter.Value!, ct), kpi, limit));
    }
}
