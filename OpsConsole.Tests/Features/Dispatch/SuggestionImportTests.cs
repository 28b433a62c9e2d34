using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Dispatch;

public sealed class SuggestionImportTests
{
    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    [Fact]
    public async Task GoodCsv_ImportsEveryRow_WithQuotedReasonsAndABom()
    {
        await using var app = new OpsAppFactory();
        using var supervisor = await app.ClientAsAsync("supervisor");
        var csv = "\uFEFFfrom_station_id,to_station_id,qty,reason\r\n1,2,3,plain\r\n4,5,6,\"full, really\"\r\n7,8,9,\"two\nlines\"\r\n";
        var response = await supervisor.PostAsync("/api/suggestions/import", Csv(csv));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32().Should().Be(3);
        var pending = await supervisor.GetFromJsonAsync<JsonElement>("/api/suggestions");
        pending.EnumerateArray().Select(s => s.GetProperty("reason").GetString()).Should().Equal("plain", "full, really", "two\nlines");
    }

    [Fact]
    public async Task BadRows_AreReportedWithTheirLineAndField_AndNothingIsStored()
    {
        await using var app = new OpsAppFactory();
        using var supervisor = await app.ClientAsAsync("supervisor");
        var csv = "from_station_id,to_station_id,qty,reason\n1,2,3,ok\n5,5,1,same station\nx,2,1,bad number\n1,2,0,zero\n";
        var response = await supervisor.PostAsync("/api/suggestions/import", Csv(csv));
        var problem = await response.ShouldBeValidationProblemAsync("line 3: to_station_id");
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["line 3: to_station_id", "line 4: from_station_id", "line 5: qty"]);
        problem.GetProperty("report").GetArrayLength().Should().Be(3);
        (await supervisor.GetFromJsonAsync<JsonElement>("/api/suggestions")).GetArrayLength().Should().Be(0);
    }

    [Theory]
    [InlineData("", "line 1: header")]
    [InlineData("from,to,qty\n1,2,3\n", "line 1: header")]
    [InlineData("from_station_id,to_station_id,qty\n", "line 2: file")]
    public async Task EmptyFileOrWrongHeader_IsRefusedClearly(string csv, string field)
    {
        await using var app = new OpsAppFactory();
        using var supervisor = await app.ClientAsAsync("supervisor");
        await (await supervisor.PostAsync("/api/suggestions/import", Csv(csv))).ShouldBeValidationProblemAsync(field);
    }

    [Fact]
    public async Task WrongContentType_IsRefused()
    {
        await using var app = new OpsAppFactory();
        using var supervisor = await app.ClientAsAsync("supervisor");
        await (await supervisor.PostAsync("/api/suggestions/import", new StringContent("{}", Encoding.UTF8, "application/json")))
            .ShouldBeValidationProblemAsync("Content-Type");
    }

    [Fact]
    public async Task AQuoteThatNeverCloses_ImportsNothing_AndNamesTheLineItOpenedOn()
    {
        await using var app = new OpsAppFactory();
        using var supervisor = await app.ClientAsAsync("supervisor");
        var csv = "from_station_id,to_station_id,qty,reason\n1,2,3,ok\n4,5,6,\"never closed\n7,8,9,swallowed\n";
        var problem = await (await supervisor.PostAsync("/api/suggestions/import", Csv(csv))).ShouldBeValidationProblemAsync("line 3: quote");
        problem.GetProperty("errors").GetProperty("line 3: quote")[0].GetString()
            .Should().Be("A quote opened on line 3 is never closed, so lines 3–4 were read as one cell, not as rows.");
        (await supervisor.GetFromJsonAsync<JsonElement>("/api/suggestions")).GetArrayLength().Should().Be(0, "not 2 of 3 rows");

        // In a column the import does not read, too.
        var extra = "from_station_id,to_station_id,qty,reason,note\n1,2,3,ok,\"open\n4,5,6,fine,x\n";
        await (await supervisor.PostAsync("/api/suggestions/import", Csv(extra))).ShouldBeValidationProblemAsync("line 2: quote");
    }

    [Fact]
    public async Task LineNumbers_AreTheFilesOwn_BlankLinesCount_AndARecordSpanningLinesIsAtItsFirst()
    {
        await using var app = new OpsAppFactory();
        using var supervisor = await app.ClientAsAsync("supervisor");
        var csv = "\nfrom_station_id,to_station_id,qty,reason\n\n5,5,1,same station\n1,2,3,\"two\nlines\"\n\nx,2,1,bad number\n";
        var problem = await (await supervisor.PostAsync("/api/suggestions/import", Csv(csv))).ShouldBeValidationProblemAsync("line 4: to_station_id");
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["line 4: to_station_id", "line 8: from_station_id"]);
        await (await supervisor.PostAsync("/api/suggestions/import", Csv("\n\nfrom,to,qty\n1,2,3\n"))).ShouldBeValidationProblemAsync("line 3: header");
    }

    [Fact]
    public async Task UnknownStations_AreRefusedAtTheirLine_WhenTheDirectoryKnowsStations()
    {
        await using var app = new OpsAppFactory();
        using var supervisor = await app.ClientAsAsync("supervisor");
        (await supervisor.PutAsJsonAsync("/api/stations", new[] { new { id = 1, name = "Market St" }, new { id = 2, name = "Ferry Building" } }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        var csv = "from_station_id,to_station_id,qty,reason\n1,2,3,known\n1,77,2,typo\n88,2,1,typo too\n";
        var problem = await (await supervisor.PostAsync("/api/suggestions/import", Csv(csv))).ShouldBeValidationProblemAsync("line 3: to_station_id");
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["line 3: to_station_id", "line 4: from_station_id"]);
        problem.GetProperty("errors").GetProperty("line 3: to_station_id")[0].GetString().Should().Be("to_station_id 77 is not a known station.");
        (await supervisor.GetFromJsonAsync<JsonElement>("/api/suggestions")).GetArrayLength().Should().Be(0, "one bad row means nothing is stored");
    }
}
