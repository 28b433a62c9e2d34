using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Core;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Etl;

/// <summary>The CSV export over several blocks: every matching row once, in the order stored, and the same text on each provider.</summary>
public sealed class EtlRecordsExportTests
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    public static TheoryData<string> Providers => new("Sqlite", "PostgreSql");

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Export_AcrossBlocks_WritesEveryMatchingRowOnce_InStoredOrder(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await CoreHost.StartAsync(provider);
        var job = Guid.NewGuid();
        // Two and a half blocks of ids; every third row on another branch, so a filtered export skips within blocks.
        var total = EtlRecords.ExportBlockIds * 5 / 2;
        await using (var db = await host.DbAsync())
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.EtlRecords.AddRange(Enumerable.Range(0, total).Select(i => new EtlRecord
            {
                JobId = job, BranchId = i % 3 == 0 ? "B2" : "B1", Pos = 1, WorkDate = Day.AddDays(-(i % 5)), SoldAt = Day.ToDateTime(new TimeOnly(8, 0)).AddSeconds(i),
                Tnsc = $"T{i:D6}", ItemCode = i == 7 ? "ITEM, \"QUOTED\"" : $"ITM-{i % 50}", Department = i % 10 == 0 ? null : "DRY",
                Quantity = 2, Amount = 7.5m, PaymentMethod = "card", FileType = "rd5000", SourceLine = i + 2,
            }));
            await db.SaveChangesAsync(ct);
        }
        var records = host.Get<EtlRecords>();

        async Task<string[]> ExportAsync(RecordFilter filter)
        {
            using var output = new MemoryStream();
            var rows = await records.ExportAsync(filter, output, ct);
            var lines = Encoding.UTF8.GetString(output.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            lines.Should().HaveCount((int)rows + 1);
            return lines;
        }

        var all = await ExportAsync(new RecordFilter());
        all[0].Should().Be(string.Join(',', EtlRecords.CsvHeader));
        all.Skip(1).Select(l => l.Split(',')[4]).Should().Equal(Enumerable.Range(0, total).Select(i => $"T{i:D6}"), "every row once, in the order stored");
        all[8].Should().Be($"B1,1,{Day.AddDays(-2):yyyy-MM-dd},2026-11-20 08:00:07,T000007,\"ITEM, \"\"QUOTED\"\"\",DRY,2,7.5,card,rd5000,9,{job}");
        all[1].Should().Contain(",T000000,ITM-0,,", "a null department is an empty field");

        var b1 = await ExportAsync(new RecordFilter(BranchId: "B1", Start: Day.AddDays(-1)));
        b1.Skip(1).Select(l => l.Split(',')[4]).Should().Equal(
            Enumerable.Range(0, total).Where(i => i % 3 != 0 && i % 5 <= 1).Select(i => $"T{i:D6}"));

        (await ExportAsync(new RecordFilter(BranchId: "nowhere"))).Should().Equal(string.Join(',', EtlRecords.CsvHeader));
    }
}
