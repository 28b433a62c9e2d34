using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Maintenance;

/// <summary>/api/maintenance/production and production/import: roles, the report in snake_case, ProblemDetails for bad files.</summary>
public sealed class ProductionApiTests(SharedApp app) : IClassFixture<SharedApp>
{
    private const string Header = "machine,date,shift,good,scrap,run_minutes,planned_minutes";

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    /// <summary>A machine without a calendar (any shift name), its id and code.</summary>
    private async Task<(int Id, string Code)> MachineAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        var id = (await MaintenanceTestData.MachinesAsync(db, 1))[0];
        return (id, await db.Machines.Where(m => m.Id == id).Select(m => m.Code).SingleAsync());
    }

    [Fact]
    public async Task AnOperator_DryRunsThenImports_AndTheListShowsTheRecordsPerMachineAndShift()
    {
        var (id, code) = await MachineAsync();
        using var op = await app.ClientAsAsync("operator");
        var csv = $"{Header}\n{code},2026-11-30,A,950,12,420,480\n{code},2026-11-30,B,800,8,400,480\n";

        var dry = await op.PostAsync("/api/maintenance/production/import?dry_run=true", Csv(csv));
        dry.StatusCode.Should().Be(HttpStatusCode.OK, await dry.Content.ReadAsStringAsync());
        var dryReport = await dry.Content.ReadFromJsonAsync<JsonElement>();
        (dryReport.GetProperty("dry_run").GetBoolean(), dryReport.GetProperty("inserted").GetInt32(), dryReport.GetProperty("stored").GetBoolean())
            .Should().Be((true, 2, false));
        (await op.GetFromJsonAsync<JsonElement>($"/api/maintenance/production?machine_id={id}")).GetProperty("total").GetInt32().Should().Be(0);

        using var multipart = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "shift.csv" } };
        var imported = await op.PostAsync("/api/maintenance/production/import?dry_run=false", multipart);
        imported.StatusCode.Should().Be(HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());
        (await imported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("inserted").GetInt32().Should().Be(2);
        var again = await (await op.PostAsync("/api/maintenance/production/import", Csv(csv))).Content.ReadFromJsonAsync<JsonElement>();
        (again.GetProperty("inserted").GetInt32(), again.GetProperty("updated").GetInt32(), again.GetProperty("unchanged").GetInt32()).Should().Be((0, 0, 2));

        var list = await op.GetFromJsonAsync<JsonElement>($"/api/maintenance/production?machine_id={id}&from=2026-11-30&to=2026-11-30&page_size=1");
        (list.GetProperty("total").GetInt32(), list.GetProperty("page_size").GetInt32(), list.GetProperty("items").GetArrayLength()).Should().Be((2, 1, 1));
        var row = list.GetProperty("items")[0];
        (row.GetProperty("machine_code").GetString(), row.GetProperty("shift").GetString(), row.GetProperty("run_seconds").GetInt32(), row.GetProperty("source").GetString())
            .Should().Be((code, "A", 420 * 60, "import"));
        await (await op.GetAsync("/api/maintenance/production?from=2026-12-02&to=2026-12-01")).ShouldBeValidationProblemAsync("from");
        await (await op.GetAsync("/api/maintenance/production?machine_id=x")).ShouldBeValidationProblemAsync("machine_id");
    }

    [Fact]
    public async Task AViewer_MayListButNotImport()
    {
        var (_, code) = await MachineAsync();
        using var viewer = await app.ClientAsAsync("viewer");

        (await viewer.GetAsync("/api/maintenance/production")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await viewer.PostAsync("/api/maintenance/production/import?dry_run=true", Csv($"{Header}\n{code},2026-11-30,A,1,0,1,1\n")))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task BadRowsWithoutTheChoice_AreAValidationProblemWithTheReport_AndValidRowsOnlyStoresTheRest()
    {
        var (id, code) = await MachineAsync();
        using var op = await app.ClientAsAsync("operator");
        var csv = $"{Header}\n{code},2026-11-30,A,950,12,420,480\n{code},30.11.2026,B,1,0,1,480\nNOPE,2026-11-30,A,1,0,1,480\n{code},2026-11-29,A,-1,0,1,480\n";

        var refused = await (await op.PostAsync("/api/maintenance/production/import", Csv(csv))).ShouldBeValidationProblemAsync("line 3: date");
        refused.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().Equal("line 3: date", "line 4: machine", "line 5: good");
        var problems = refused.GetProperty("report").GetProperty("problems");
        (problems[0].GetProperty("line").GetInt32(), problems[0].GetProperty("column").GetString(), problems[0].GetProperty("value").GetString())
            .Should().Be((3, "date", "30.11.2026"));
        (await op.GetFromJsonAsync<JsonElement>($"/api/maintenance/production?machine_id={id}")).GetProperty("total").GetInt32().Should().Be(0);

        var partial = await op.PostAsync("/api/maintenance/production/import?valid_rows_only=true", Csv(csv));
        partial.StatusCode.Should().Be(HttpStatusCode.OK);
        var report = await partial.Content.ReadFromJsonAsync<JsonElement>();
        (report.GetProperty("inserted").GetInt32(), report.GetProperty("invalid_rows").GetInt32(), report.GetProperty("problems").GetArrayLength()).Should().Be((1, 3, 3));
        (await op.GetFromJsonAsync<JsonElement>($"/api/maintenance/production?machine_id={id}")).GetProperty("total").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task AMissingFile_AnEmptyFile_AWrongContentType_AFileWithoutItsHeader_AndATooLargeOne_AreProblemDetails()
    {
        using var op = await app.ClientAsAsync("operator");

        using var noFile = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        await (await op.PostAsync("/api/maintenance/production/import", noFile)).ShouldBeValidationProblemAsync("file");
        await (await op.PostAsync("/api/maintenance/production/import", Csv(""))).ShouldBeValidationProblemAsync("line 1: header");
        await (await op.PostAsync("/api/maintenance/production/import", new StringContent("{}", Encoding.UTF8, "application/json")))
            .ShouldBeValidationProblemAsync("Content-Type");
        var noHeader = await (await op.PostAsync("/api/maintenance/production/import", Csv("M1,2026-11-30,A,1,0,1,480\n"))).ShouldBeValidationProblemAsync("line 1: header");
        noHeader.GetProperty("title").GetString().Should().Contain("cannot be read");
        await (await op.PostAsync("/api/maintenance/production/import?dry_run=maybe", Csv(Header))).ShouldBeValidationProblemAsync("dry_run");

        var tooLarge = await op.PostAsync("/api/maintenance/production/import", Csv(Header + "\n" + new string('x', 3 * 1024 * 1024)));
        tooLarge.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        tooLarge.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }
}
