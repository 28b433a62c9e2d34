using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Simulators.Etl;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Features.Etl;

/// <summary>Seed 3's API end to end: real HTTP to the file-host simulator, the real runners, a real database.</summary>
public sealed class EtlApiTests
{
    public static TheoryData<string> Providers => new("Sqlite", "PostgreSql");

    private static readonly DateOnly Day = DayWithFiles("B004", 1);

    /// <summary>A recent day for which the simulator lists files (some days it has none, on purpose).</summary>
    internal static DateOnly DayWithFiles(string branch, int pos)
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3);
        while (EtlFileHostSimulator.List(42, branch, pos, day, 0).Count == 0)
        {
            day = day.AddDays(-1);
        }
        return day;
    }

    internal static async Task<OpsAppFactory> StartAsync(string provider = "Sqlite", Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["Etl:FileStore"] = Path.Combine(TestDatabases.NewTempFolder(), "files"), ["Etl:LeaseSeconds"] = "6" };
        foreach (var (k, v) in settings ?? [])
        {
            all[k] = v;
        }
        var app = new OpsAppFactory(TestDatabases.For(provider), all);
        app.StartKestrel();
        using var admin = await app.ClientAsAsync("admin");
        foreach (var id in new[] { "B001", "B004" })
        {
            var created = await admin.PostAsJsonAsync("/api/branches", new
            {
                id, name = $"Shop {id}", pos_count = 2, is_active = true, active_from = Day.AddDays(-30).ToString("yyyy-MM-dd"),
                parser_config = JsonDocument.Parse(EtlFileHostSimulator.ParserFor(id).ToJson()).RootElement,
            });
            created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }
        return app;
    }

    internal static async Task<JsonElement> WaitForAsync(HttpClient client, string jobId, params string[] states)
    {
        for (var i = 0; i < 900; i++)
        {
            var detail = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}");
            if (states.Contains(detail.GetProperty("job").GetProperty("status").GetString()))
            {
                return detail;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Job {jobId} did not reach {string.Join("/", states)}: {await client.GetStringAsync($"/api/jobs/{jobId}")}");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Fetch_RunsTheWholePipeline_AndIsIdempotent(string provider)
    {
        await using var app = await StartAsync(provider);
        using var op = await app.ClientAsAsync("operator");
        var fetch = await op.PostAsJsonAsync("/api/jobs/fetch", new { branch = "B004", pos = 1, date = Day.ToString("yyyy-MM-dd") });
        fetch.StatusCode.Should().Be(HttpStatusCode.Accepted, await fetch.Content.ReadAsStringAsync());
        var jobId = (await fetch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetString()!;

        var detail = await WaitForAsync(op, jobId, "succeeded", "failed");
        var job = detail.GetProperty("job");
        job.GetProperty("status").GetString().Should().Be("succeeded", detail.ToString());
        var listed = EtlFileHostSimulator.List(42, "B004", 1, Day, 0);
        detail.GetProperty("files").GetArrayLength().Should().Be(listed.Count);
        detail.GetProperty("chosen_files").GetArrayLength().Should().Be(listed.Select(f => f.Type).Distinct().Count());
        detail.GetProperty("chosen_files").EnumerateArray().Should().OnlyContain(c => c.GetProperty("reason").GetString()!.Length > 0);
        detail.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("kind").GetString()).Should().ContainInOrder("queued", "started", "listed", "chosen", "succeeded");
        var count = job.GetProperty("record_count").GetInt32();
        count.Should().BePositive();

        var records = await op.GetFromJsonAsync<JsonElement>($"/api/records?branch=B004&pos=1&start={Day:yyyy-MM-dd}&end={Day:yyyy-MM-dd}&page_size=5");
        records.GetProperty("total").GetInt32().Should().Be(count);
        var csv = await op.GetStringAsync($"/api/records/export?branch=B004&start={Day:yyyy-MM-dd}");
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(count + 1);
        csv.Should().StartWith("branch,pos,work_date,sold_at,tnsc,item_code");

        var again = await op.PostAsJsonAsync("/api/jobs/fetch", new { branch = "B004", pos = 1, date = Day.ToString("yyyy-MM-dd") });
        again.StatusCode.Should().Be(HttpStatusCode.OK, "a cell that succeeded is returned, not fetched again");
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetString().Should().Be(jobId);
        (await op.PostAsJsonAsync("/api/jobs/fetch", new { branch = "B004", pos = 1, date = Day.ToString("yyyy-MM-dd"), force = true }))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden, "only an admin forces a rerun");

        using var admin = await app.ClientAsAsync("admin");
        var forced = await admin.PostAsJsonAsync("/api/jobs/fetch", new { branch = "B004", pos = 1, date = Day.ToString("yyyy-MM-dd"), force = true });
        forced.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await WaitForAsync(admin, jobId, "succeeded");
        (await op.GetFromJsonAsync<JsonElement>($"/api/records?branch=B004&pos=1&page_size=1")).GetProperty("total").GetInt32()
            .Should().Be(count, "a rerun replaces the job's records: the same set, not a second copy");

        var file = detail.GetProperty("files")[0];
        var download = await op.GetAsync($"/api/files/{file.GetProperty("id").GetString()}/download");
        download.StatusCode.Should().Be(HttpStatusCode.OK);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)).Should().Be(file.GetProperty("checksum").GetString());
        var preview = await op.GetFromJsonAsync<JsonElement>($"/api/files/{file.GetProperty("id").GetString()}/preview");
        preview.GetProperty("rows").GetArrayLength().Should().BeInRange(1, 50);
    }

    [Theory]
    [InlineData("""{"branch": "NOPE", "pos": 1, "date": "2026-11-01"}""", "branch")]
    [InlineData("""{"branch": "../etc", "pos": 1, "date": "2026-11-01"}""", "branch")]
    [InlineData("""{"branch": "B001", "pos": 3, "date": "2026-11-01"}""", "pos")]
    [InlineData("""{"branch": "B001", "pos": 1, "date": "2099-01-01"}""", "date")]
    [InlineData("""{"branch": "B001", "pos": 1, "date": "1999-12-31"}""", "date")]
    [InlineData("""{"branch": "B001", "pos": 1, "date": "20/11/2026"}""", "date")]
    [InlineData("""{"branch": "B001", "pos": "one", "date": "2026-11-01"}""", "pos")]
    public async Task Fetch_RefusesBadInput_NamingTheField(string json, string field)
    {
        await using var app = await StartAsync();
        using var op = await app.ClientAsAsync("operator");
        await (await op.PostAsync("/api/jobs/fetch", new StringContent(json, Encoding.UTF8, "application/json"))).ShouldBeValidationProblemAsync(field);
        (await op.GetFromJsonAsync<JsonElement>("/api/jobs")).GetProperty("total").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task MissingRun_TwoAdminsAtOnce_MakeOneJobPerCell_AndMissingShrinks()
    {
        await using var app = await StartAsync(settings: new() { ["Etl:Runners"] = "1" });
        using var admin = await app.ClientAsAsync("admin");
        var range = $"start={Day.AddDays(-4):yyyy-MM-dd}&end={Day:yyyy-MM-dd}";
        var before = await admin.GetFromJsonAsync<Dictionary<string, Dictionary<string, List<string>>>>($"/api/missing?{range}");
        before!.Keys.Should().BeEquivalentTo(["B001", "B004"]);
        before["B001"]["1"].Should().HaveCount(5);

        var body = new { branches_missing = new Dictionary<string, Dictionary<string, string[]>> { ["B001"] = new() { ["1"] = Enumerable.Range(0, 5).Select(d => Day.AddDays(-d).ToString("yyyy-MM-dd")).ToArray() } } };
        using var second = await app.ClientAsAsync("admin");
        var runs = await Task.WhenAll(admin.PostAsJsonAsync("/api/missing/run", body), second.PostAsJsonAsync("/api/missing/run", body));
        runs.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Accepted);
        var queued = await Task.WhenAll(runs.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queued").GetInt32()));
        queued.Sum().Should().Be(5, "each cell is queued once, whoever wins");

        await using (var db = OpsDatabase.Create(app.Database))
        {
            (await db.EtlJobs.CountAsync(j => j.BranchId == "B001" && j.Pos == 1)).Should().Be(5);
        }
        var filter = await admin.PostAsJsonAsync("/api/missing/run", new { filter = new { start = Day.AddDays(-4).ToString("yyyy-MM-dd"), end = Day.ToString("yyyy-MM-dd"), branch = "B004" }, mode = "missing" });
        filter.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await filter.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queued").GetInt32().Should().Be(10);

        await (await admin.PostAsJsonAsync("/api/missing/run", new { branches_missing = new Dictionary<string, object> { ["ZZZ"] = new Dictionary<string, string[]> { ["1"] = ["2026-11-01"] } } }))
            .ShouldBeValidationProblemAsync("branches_missing.ZZZ");
        await (await admin.PostAsJsonAsync("/api/missing/run", new { filter = new { start = "2026-01-01", end = "2025-01-01" } })).ShouldBeValidationProblemAsync("filter.end");
        await (await admin.PostAsJsonAsync("/api/missing/run", new { filter = new { start = "2026-01-01" }, mode = "everything" })).ShouldBeValidationProblemAsync("mode");
        await (await admin.GetAsync("/api/missing?start=2020-01-01&end=2026-01-01")).ShouldBeValidationProblemAsync("end");
        using var op = await app.ClientAsAsync("operator");
        (await op.PostAsJsonAsync("/api/missing/run", body)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task BulkCancelAndRetry_ByFilterOrIds_DecideOnTheServer_AndLeaveTheOthersAsTheyWere()
    {
        await using var app = await StartAsync();
        using var admin = await app.ClientAsAsync("admin");
        // Paused runners keep the queue still, so what the bulk calls find is what the test queued.
        (await admin.PostAsync("/api/scheduler/jobs/etl.runners/pause", null)).EnsureSuccessStatusCode();
        var days = Enumerable.Range(0, 4).Select(d => Day.AddDays(-d).ToString("yyyy-MM-dd")).ToArray();
        var run = await admin.PostAsJsonAsync("/api/missing/run", new
        {
            branches_missing = new Dictionary<string, Dictionary<string, string[]>> { ["B001"] = new() { ["1"] = days }, ["B004"] = new() { ["1"] = days } },
        });
        (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queued").GetInt32().Should().Be(8);

        var cancel = await admin.PostAsJsonAsync("/api/jobs/bulk-cancel", new { filter = new { branch = "B004", status = "queued" } });
        cancel.StatusCode.Should().Be(HttpStatusCode.OK, await cancel.Content.ReadAsStringAsync());
        var cancelled = (await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_ids").EnumerateArray().Select(i => i.GetGuid()).ToList();
        cancelled.Should().HaveCount(4);
        (await admin.GetFromJsonAsync<JsonElement>("/api/jobs?status=cancelled&branch=B004")).GetProperty("total").GetInt32().Should().Be(4);
        (await admin.GetFromJsonAsync<JsonElement>("/api/jobs?status=queued")).GetProperty("total").GetInt32().Should().Be(4, "B001's jobs were not in the filter");

        var byIds = await admin.PostAsJsonAsync("/api/jobs/bulk-retry", new { ids = cancelled.Take(2).ToArray() });
        byIds.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await byIds.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queued").GetInt32().Should().Be(2);
        var byFilter = await admin.PostAsJsonAsync("/api/jobs/bulk-retry", new { filter = new { branch = "B004" } });
        (await byFilter.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queued").GetInt32().Should().Be(2, "only the two still cancelled are retried; queued ones are left alone");
        (await admin.GetFromJsonAsync<JsonElement>("/api/jobs?status=queued")).GetProperty("total").GetInt32().Should().Be(8);
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/jobs/{cancelled[0]}");
        detail.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("kind").GetString()).Should().ContainInOrder("queued", "cancelled", "queued");

        await (await admin.PostAsJsonAsync("/api/jobs/bulk-retry", new { ids = cancelled, filter = new { branch = "B004" } })).ShouldBeValidationProblemAsync("ids");
        await (await admin.PostAsJsonAsync("/api/jobs/bulk-cancel", new { ids = Array.Empty<Guid>() })).ShouldBeValidationProblemAsync("ids");
        await (await admin.PostAsJsonAsync("/api/jobs/bulk-cancel", new { filter = new { status = "stuck" } })).ShouldBeValidationProblemAsync("filter.status");
        await (await admin.PostAsJsonAsync("/api/jobs/bulk-retry", new { filter = new { from = "yesterday" } })).ShouldBeValidationProblemAsync("filter.from");
        using var op = await app.ClientAsAsync("operator");
        (await op.PostAsJsonAsync("/api/jobs/bulk-cancel", new { filter = new { branch = "B001" } })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await admin.GetFromJsonAsync<JsonElement>("/api/jobs?status=queued")).GetProperty("total").GetInt32().Should().Be(8, "refused calls changed nothing");
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/audit?module=etl&text=job.cancel");
        audit.GetProperty("total").GetInt32().Should().Be(1, "one bulk cancel, one audit entry naming its count");

        (await admin.PostAsync("/api/scheduler/jobs/etl.runners/resume", null)).EnsureSuccessStatusCode();
        foreach (var id in cancelled)
        {
            await WaitForAsync(admin, id.ToString(), "succeeded", "failed");
        }
    }

    [Fact]
    public async Task Branches_AreValidated_AndTestParseShowsCellsRecordsAndErrors_StoringNothing()
    {
        await using var app = await StartAsync();
        using var admin = await app.ClientAsAsync("admin");
        await (await admin.PostAsJsonAsync("/api/branches", new { id = "bad id!", name = "x", pos_count = 1 })).ShouldBeValidationProblemAsync("id");
        await (await admin.PostAsJsonAsync("/api/branches", new { id = "B100", name = "x", pos_count = 0 })).ShouldBeValidationProblemAsync("pos_count");
        await (await admin.PostAsJsonAsync("/api/branches", new { id = "B100", name = "x", pos_count = 1, parser_config = new { delimiter = "" } }))
            .ShouldBeValidationProblemAsync("parser_config.delimiter");

        var sample = "date,time,tnsc,item_code,dept,qty,amount,payment\n2026-11-20,08:15:02,T1,ITM-1,DRY,2,3.50,card\n2026-11-20,08:15:02,T2,ITM-2,DRY,x,3.50,card\n";
        var parsed = await admin.PostAsync("/api/branches/B001/test-parse", new StringContent(sample, Encoding.UTF8, "text/csv"));
        parsed.StatusCode.Should().Be(HttpStatusCode.OK);
        var result = await parsed.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("total_rows").GetInt32().Should().Be(2);
        result.GetProperty("bad_rows").GetInt32().Should().Be(1);
        var bad = result.GetProperty("rows")[1];
        bad.GetProperty("line").GetInt32().Should().Be(3);
        bad.GetProperty("cells")[5].GetString().Should().Be("x");
        bad.GetProperty("errors")[0].GetProperty("field").GetString().Should().Be("quantity");
        result.GetProperty("rows")[0].GetProperty("record").GetProperty("amount").GetDecimal().Should().Be(3.50m);

        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("tnsc;datum\nT1;20/11/2026\n"), "parser_config_unused");
        form.Add(new StringContent("""{"delimiter": ";", "columns": {"date": 1, "time": null, "tnsc": 0, "item_code": 2, "department": null, "quantity": 3, "amount": 4, "payment_method": null}, "date_format": "dd/MM/yyyy"}"""), "parser_config");
        var fileContent = new ByteArrayContent(Encoding.UTF8.GetBytes("tnsc;datum;item;qty;amount\nT1;20/11/2026;A;1;2\n"));
        fileContent.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(fileContent, "file", "sample.csv");
        var draft = await (await admin.PostAsync("/api/branches/B001/test-parse", form)).Content.ReadFromJsonAsync<JsonElement>();
        draft.GetProperty("bad_rows").GetInt32().Should().Be(0, draft.ToString());

        (await admin.PostAsync("/api/branches/NOPE/test-parse", new StringContent(sample, Encoding.UTF8, "text/csv"))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        await (await admin.PostAsync("/api/branches/B001/test-parse", new StringContent("{}", Encoding.UTF8, "application/json"))).ShouldBeValidationProblemAsync("Content-Type");
        var huge = new ByteArrayContent(new byte[11 * 1024 * 1024]);
        huge.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        (await admin.PostAsync("/api/branches/B001/test-parse", huge)).StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await admin.GetAsync($"/api/files/{Guid.NewGuid()}/download")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/files/..%2F..%2Fetc%2Fpasswd/download")).ShouldBeValidationProblemAsync("id");
        await using var db = OpsDatabase.Create(app.Database);
        (await db.EtlRecords.CountAsync()).Should().Be(0, "test parse stores nothing");
    }

    [Fact]
    public async Task FileHostErrors_AreRetried_ThenFailWithTheReason_AndOtherJobsKeepRunning()
    {
        await using var app = await StartAsync(settings: new() { ["Etl:MaxAttempts"] = "2", ["Etl:RetryDelaySeconds"] = "1", ["Resilience:BreakerBreakSeconds"] = "1" });
        using var admin = await app.ClientAsAsync("admin");
        (await admin.PutAsJsonAsync("/api/simulators/etl/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage = true })).EnsureSuccessStatusCode();
        var failing = await (await admin.PostAsJsonAsync("/api/jobs/fetch", new { branch = "B001", pos = 2, date = DayWithFiles("B001", 2).ToString("yyyy-MM-dd") })).Content.ReadFromJsonAsync<JsonElement>();
        var failed = await WaitForAsync(admin, failing.GetProperty("job_id").GetString()!, "failed");
        failed.GetProperty("job").GetProperty("error_message").GetString().Should().Contain("503");
        failed.GetProperty("job").GetProperty("attempt_count").GetInt32().Should().Be(2);
        failed.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("kind").GetString()).Should().Contain("retry");

        (await admin.PutAsJsonAsync("/api/simulators/etl/faults", new { error_rate = 0, latency_ms = 0, malformed = false, outage = false })).EnsureSuccessStatusCode();
        var retried = await admin.PostAsync($"/api/jobs/{failing.GetProperty("job_id").GetString()}/retry", null);
        retried.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await WaitForAsync(admin, failing.GetProperty("job_id").GetString()!, "succeeded");
        (await admin.PostAsync($"/api/jobs/{failing.GetProperty("job_id").GetString()}/retry", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await admin.PostAsync($"/api/jobs/{Guid.NewGuid()}/retry", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task FlakySlowFileHost_JobsSucceedThroughRetries_OrFailWithAClearReason_AndNoneIsLeftHanging()
    {
        await using var app = await StartAsync(settings: new()
        {
            ["Etl:MaxAttempts"] = "3", ["Etl:RetryDelaySeconds"] = "1", ["Etl:LeaseSeconds"] = "9",
            ["Resilience:MaxRetryAttempts"] = "2", ["Resilience:AttemptTimeoutSeconds"] = "5", ["Resilience:TotalTimeoutSeconds"] = "15",
            ["Resilience:BaseDelayMilliseconds"] = "50", ["Resilience:BreakerMinimumThroughput"] = "1000",
        });
        using var admin = await app.ClientAsAsync("admin");
        (await admin.PutAsJsonAsync("/api/simulators/etl/faults", new { error_rate = 0.3, latency_ms = 2000, malformed = false, outage = false })).EnsureSuccessStatusCode();
        var days = Enumerable.Range(3, 12).Select(d => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-d))
            .Where(d => EtlFileHostSimulator.List(42, "B001", 1, d, 0).Count > 0).Take(4).ToList();
        var run = await admin.PostAsJsonAsync("/api/missing/run", new { branches_missing = new Dictionary<string, Dictionary<string, string[]>> { ["B001"] = new() { ["1"] = days.Select(d => d.ToString("yyyy-MM-dd")).ToArray() } } });
        var ids = (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_ids").EnumerateArray().Select(i => i.GetString()!).ToList();
        ids.Should().HaveCount(4);

        var outcomes = new List<JsonElement>();
        foreach (var id in ids)
        {
            outcomes.Add((await WaitForAsync(admin, id, "succeeded", "failed")).GetProperty("job"));
        }
        outcomes.Should().Contain(j => j.GetProperty("status").GetString() == "succeeded", "retries get most jobs through a 30% error rate");
        foreach (var failed in outcomes.Where(j => j.GetProperty("status").GetString() == "failed"))
        {
            failed.GetProperty("error_message").GetString().Should().Contain("failed", "the reason names the step that failed");
            failed.GetProperty("attempt_count").GetInt32().Should().Be(3, "it failed only after the last attempt");
        }
        // None hangs: whatever still runs (a job of the app's own schedule may have started meanwhile) ends within its bounds.
        await Until.TrueAsync(async () => (await admin.GetFromJsonAsync<JsonElement>("/api/jobs?status=running")).GetProperty("total").GetInt32() == 0,
            "no job left running", TimeSpan.FromSeconds(60), pollMs: 500);
    }
}
