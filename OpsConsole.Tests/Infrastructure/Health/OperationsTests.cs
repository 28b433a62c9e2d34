using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Health;

public sealed class OperationsTests(SharedApp app) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task Live_And_Ready_Answer200_WithEachReadinessCheck()
    {
        using var client = app.CreateClient();
        (await client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        var ready = await client.GetAsync("/health/ready");
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("checks").EnumerateObject().Select(c => c.Name).Should().BeEquivalentTo(["database", "scheduler", "upstreams"]);
        body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().Should().Be("Healthy");
        body.GetProperty("checks").GetProperty("scheduler").GetProperty("status").GetString().Should().Be("Healthy");
    }

    [Fact]
    public async Task Metrics_ArePrometheusText_WithHttpRuntimeAndOurOwnMeters()
    {
        using var client = await app.ClientAsAsync("admin");
        await client.GetAsync("/api/me");
        await client.PostAsync("/api/scheduler/jobs/shared.upstream-probe/run", null);
        using var anonymous = app.CreateClient();
        // The probe runs in the background and the exporter caches a scrape briefly: wait for the run to show.
        var text = "";
        await Until.TrueAsync(async () =>
        {
            text = await anonymous.GetStringAsync("/metrics");
            return text.Contains("opsconsole_scheduler_job_runs_total") && text.Contains("http_client_request_duration_seconds");
        }, "the probe's run and its HTTP calls on /metrics", TimeSpan.FromSeconds(30), pollMs: 250);
        text.Should().Contain("http_server_request_duration_seconds");
        text.Should().Contain("dotnet_gc_");
        text.Should().Contain("opsconsole_audit_entries_total").And.Subject.Should().Contain("opsconsole_scheduler_job_runs_total");
        text.Should().Contain("http_client_request_duration_seconds");
    }

    [Fact]
    public async Task Metrics_CarryTheEtlAndYardMeters_AndAMissingCellsGaugePerBranch()
    {
        // A console of its own with two branches on the file host simulator (EtlApiTests' set-up).
        await using var own = await OpsConsole.Tests.Features.Etl.EtlApiTests.StartAsync();
        using var admin = await own.ClientAsAsync("admin");
        // A recent day the simulated host has files for (it leaves about one day in twenty empty, as a real one does).
        var day = Enumerable.Range(1, 20).Select(n => DateOnly.FromDateTime(DateTime.UtcNow.Date.AddDays(-n)))
            .First(d => OpsConsole.Simulators.Etl.EtlFileHostSimulator.List(42, "B001", 1, d, 0).Count > 0);
        (await admin.PostAsJsonAsync("/api/jobs/fetch", new { branch = "B001", pos = 1, date = day.ToString("yyyy-MM-dd"), force = true }))
            .IsSuccessStatusCode.Should().BeTrue();
        (await admin.PostAsync("/api/yard/poll", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.PostAsync("/api/scheduler/jobs/etl.missing-gauge/run", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var branches = (await admin.GetFromJsonAsync<JsonElement>("/api/branches")).EnumerateArray().Select(b => b.GetProperty("id").GetString()!).ToList();
        branches.Should().NotBeEmpty();

        using var anonymous = own.CreateClient();
        var text = "";
        await Until.TrueAsync(async () =>
        {
            text = await anonymous.GetStringAsync("/metrics");
            return text.Contains("opsconsole_etl_jobs_total") && text.Contains("opsconsole_yard_cycles_total") && text.Contains("opsconsole_etl_missing_cells");
        }, "the ETL job, the yard cycle and the missing gauge on /metrics", TimeSpan.FromSeconds(60), pollMs: 250);
        text.Should().Contain("opsconsole_etl_rows_total").And.Contain("opsconsole_etl_job_duration_seconds_bucket")
            .And.Contain("opsconsole_yard_cycle_duration_seconds_bucket");
        var gauge = text.Split('\n').Where(l => l.StartsWith("opsconsole_etl_missing_cells{")).ToList();
        foreach (var branch in branches)
        {
            gauge.Should().ContainSingle(l => l.Contains($"branch=\"{branch}\""), $"every branch has its own count, zero included ({branch})")
                .Which.Split(' ')[1].Should().MatchRegex("^[0-9]+$");
        }
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheApi_AndTheReferencePageServes()
    {
        using var client = app.CreateClient();
        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        paths.Should().Contain(["/api/auth/login", "/api/audit", "/api/users", "/api/scheduler/jobs"]);
        paths.Should().NotContain(p => p.StartsWith("/sim/") || p.StartsWith("/account/"));
        var page = await client.GetAsync("/api-docs");
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).Should().Contain("OpsConsole API");
    }

    [Fact]
    public async Task AuditExport_StreamsTheFilteredRowsAsCsv()
    {
        using var admin = await app.ClientAsAsync("admin");
        var response = await admin.GetAsync("/api/audit/export?module=shared&entity=User&text=mlengine");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Trim().Should().Be("Id,OccurredAt,Actor,Module,Action,EntityType,EntityId,Before,After");
        lines.Skip(1).Should().ContainSingle().Which.Should().Contain("user.create").And.Contain("mlengine");
    }

    [Fact]
    public async Task JsonLogs_AreOnWhenLoggingJsonIsTrue()
    {
        await using var json = new OpsAppFactory(null, new Dictionary<string, string?> { ["Logging:Json"] = "true" });
        _ = json.Services;
        json.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName.Should().Be(ConsoleFormatterNames.Json);
        app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName.Should().NotBe(ConsoleFormatterNames.Json);
    }

    [Theory]
    [InlineData("/api/audit?module=nonsense", "module")]
    [InlineData("/api/audit?page_size=100000", "page_size")]
    [InlineData("/api/audit?from=2026-02-01&to=2026-01-01", "from")]
    [InlineData("/api/audit?from=yesterday", "from")]
    public async Task AuditQuery_WithBadFilters_Is400NamingTheField(string url, string field)
    {
        using var viewer = await app.ClientAsAsync("viewer");
        await (await viewer.GetAsync(url)).ShouldBeValidationProblemAsync(field);
    }
}
