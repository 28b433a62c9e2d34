using System.Globalization;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Maintenance.Analytics;
using OpsConsole.Core.Shared.Csv;
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
        group.MapGet("/analytics/export", ExportAsync).AllowedFor(OpsPolicies.Read)
            .WithSummary("One table of the analytics page as CSV (table= machines, areas, daily, reasons, failure_codes, tickets_by_status, tickets_by_priority, tickets_by_machine, ticket_ages, parts, parts_by_machine)")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
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

    private static async Task<Results<EmptyHttpResult, ValidationProblem>> ExportAsync(MaintenanceReports reports, [AsParameters] AnalyticsQueryParameters query,
        [FromQuery(Name = "table")] string? table, HttpContext http, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var key = AnalyticsTables.Check(errors, "table", table);
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
        var view = await reports.ReportAsync(filter.Value!, ct);
        var rows = AnalyticsTables.Build(view, key!);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"analytics-{key}-{view.Filter.From:yyyyMMdd}-{view.Filter.To:yyyyMMdd}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, leaveOpen: true);
        await using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        foreach (var column in rows.Columns)
        {
            csv.WriteField(column);
        }
        await csv.NextRecordAsync();
        foreach (var row in rows.Rows)
        {
            foreach (var cell in row)
            {
                // Text through the formula rule (ADR 0014): machine, part and code names come from outside; numbers as they are.
                csv.WriteField(cell switch
                {
                    null => "",
                    string text => CsvCells.Neutralise(text),
                    IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
                    var other => CsvCells.Neutralise(other.ToString()),
                });
            }
            await csv.NextRecordAsync();
        }
        await writer.FlushAsync(ct);
        return TypedResults.Empty;
    }
}
