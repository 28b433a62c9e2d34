using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>/api/maintenance/analytics: the issue's fixture through the API in hours, "no failures", the drill-down, and bad input.</summary>
public sealed class MaintenanceAnalyticsApiTests(SharedApp app) : IClassFixture<SharedApp>
{
    private static readonly string Window = $"from={AnalyticsTestData.From:yyyy-MM-ddTHH:mm:ssZ}&to={AnalyticsTestData.To:yyyy-MM-ddTHH:mm:ssZ}";

    private async Task<AnalyticsTestData.Fixture> SeedAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        return await AnalyticsTestData.SeedAsync(db);
    }

    [Fact]
    public async Task TheIssuesFixture_ReadByAViewer_IsInHours()
    {
        var fixture = await SeedAsync();
        using var viewer = await app.ClientAsAsync("viewer");

        var body = await viewer.GetFromJsonAsync<JsonElement>($"/api/maintenance/analytics?{Window}&machine_id={fixture.Machine}");

        body.GetProperty("scope").GetProperty("kind").GetString().Should().Be("machine");
        body.GetProperty("expected_basis").GetString().Should().Be("calendar");
        body.GetProperty("expected_hours").GetDouble().Should().Be(80);
        body.GetProperty("planned_downtime_hours").GetDouble().Should().Be(1);
        body.GetProperty("uptime_hours").GetDouble().Should().Be(74);
        body.GetProperty("failures").GetInt32().Should().Be(2);
        body.GetProperty("mttr_hours").GetDouble().Should().Be(2.5);
        body.GetProperty("mtbf_hours").GetDouble().Should().Be(37);
        body.GetProperty("availability").GetDouble().Should().BeApproximately(0.9367, 0.0001);
        body.GetProperty("oee").ValueKind.Should().Be(JsonValueKind.Null, "no production records");
        body.GetProperty("machines").GetArrayLength().Should().Be(1);
        body.GetProperty("reason_pareto").EnumerateArray().Select(l => l.GetProperty("key").GetString()).Should().Equal("breakdown", "jam");
        body.GetProperty("daily").GetArrayLength().Should().Be(5);
    }

    [Fact]
    public async Task AMachineWithoutFailures_HasNullMtbfAndZeroFailures_On247()
    {
        var fixture = await SeedAsync();
        using var viewer = await app.ClientAsAsync("viewer");

        var body = await viewer.GetFromJsonAsync<JsonElement>($"/api/maintenance/analytics?{Window}&machine_id={fixture.IdleMachine}");

        body.GetProperty("failures").GetInt32().Should().Be(0);
        body.GetProperty("mtbf_hours").ValueKind.Should().Be(JsonValueKind.Null);
        body.GetProperty("mttr_hours").ValueKind.Should().Be(JsonValueKind.Null);
        body.GetProperty("expected_basis").GetString().Should().Be("all_day");
        body.GetProperty("expected_hours").GetDouble().Should().Be(100);
        body.GetProperty("availability").GetDouble().Should().Be(1);
    }

    [Fact]
    public async Task TheDrillDownOfMttr_ListsTheTwoFailures_AndOfAnAreaEveryMachinesExpectedTime()
    {
        var fixture = await SeedAsync();
        using var viewer = await app.ClientAsAsync("viewer");

        var mttr = await viewer.GetFromJsonAsync<JsonElement>($"/api/maintenance/analytics/drill-down?{Window}&machine_id={fixture.Machine}&kpi=mttr");
        var area = await viewer.GetFromJsonAsync<JsonElement>($"/api/maintenance/analytics/drill-down?{Window}&area={fixture.AreaId}");

        mttr.GetProperty("kpi").GetString().Should().Be("mttr");
        mttr.GetProperty("periods").EnumerateArray().Select(p => p.GetProperty("period_id").GetInt64()).Should().Equal(fixture.FirstFailure, fixture.SecondFailure);
        mttr.GetProperty("periods").EnumerateArray().Select(p => p.GetProperty("counted_hours").GetDouble()).Should().Equal(2, 3);
        mttr.GetProperty("failures_total").GetInt32().Should().Be(2);
        mttr.GetProperty("kpis").GetProperty("mttr_hours").GetDouble().Should().Be(2.5);
        area.GetProperty("scope").GetProperty("kind").GetString().Should().Be("area");
        area.GetProperty("expected").EnumerateArray().Select(e => e.GetProperty("basis").GetString()).Should().BeEquivalentTo(["calendar", "all_day"]);
        area.GetProperty("kpis").GetProperty("expected_basis").GetString().Should().Be("mixed");
    }

    [Theory]
    [InlineData("from=2026-01-10&to=2026-01-05", "to")]
    [InlineData("from=2025-01-01&to=2026-03-01", "to")]
    [InlineData("from=2026-13-45", "from")]
    [InlineData("to=soon", "to")]
    [InlineData("machine_id=999999", "machine_id")]
    [InlineData("machine_id=abc", "machine_id")]
    [InlineData("area=999999", "area")]
    public async Task BadInput_IsAProblemNamingTheField(string query, string field)
    {
        using var viewer = await app.ClientAsAsync("viewer");

        await (await viewer.GetAsync($"/api/maintenance/analytics?{query}")).ShouldBeValidationProblemAsync(field);
        await (await viewer.GetAsync($"/api/maintenance/analytics/drill-down?{query}")).ShouldBeValidationProblemAsync(field);
    }

    [Fact]
    public async Task ADrillDownIntoAnUnknownKpi_OrWithABadLimit_IsAProblem()
    {
        using var viewer = await app.ClientAsAsync("viewer");

        await (await viewer.GetAsync("/api/maintenance/analytics/drill-down?kpi=speed")).ShouldBeValidationProblemAsync("kpi");
        await (await viewer.GetAsync("/api/maintenance/analytics/drill-down?limit=0")).ShouldBeValidationProblemAsync("limit");
    }

    [Fact]
    public async Task WithoutSigningIn_TheAnalyticsAre401()
    {
        using var anonymous = app.CreateClient();

        (await anonymous.GetAsync($"/api/maintenance/analytics?{Window}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ATableExportsAsCsv_WithAFormulaLikeNameMadeInert()
    {
        var fixture = await SeedAsync();
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync())
        {
            await db.Machines.Where(m => m.Id == fixture.Machine).ExecuteUpdateAsync(s => s.SetProperty(m => m.Name, "=HYPERLINK(\"http://x\")"));
        }
        using var viewer = await app.ClientAsAsync("viewer");

        var response = await viewer.GetAsync($"/api/maintenance/analytics/export?{Window}&machine_id={fixture.Machine}&table=machines");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().StartWith("Machine,Machines,Expected from,Expected h");
        lines[1].Should().StartWith("\"'=HYPERLINK(\"\"http://x\"\")\",1,shift calendars,80,1,5,74,2,2.5,37,");
        await (await viewer.GetAsync($"/api/maintenance/analytics/export?{Window}&table=nonsense")).ShouldBeValidationProblemAsync("table");
    }
}
