using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Core.Maintenance;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Maintenance;

/// <summary>The production CSV import on a real SQLite file and PostgreSQL: dry run, per-row report, valid rows only, idempotent upsert.</summary>
public sealed class ProductionImportTests
{
    private const string Header = "machine,date,shift,good,scrap,run_minutes,planned_minutes";

    private static Stream Csv(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    private static Task<ProductionImportReport> RunAsync(CoreHost host, string csv, bool dryRun = false, bool validRowsOnly = false) =>
        host.Get<ProductionImport>().ImportAsync(MaintenanceTestData.Operator, Csv(csv), new ProductionImportRequest(dryRun, validRowsOnly, "shift-report.csv"));

    /// <summary>Two machines on a calendar with the shifts Early and Late (480 minutes each); their codes.</summary>
    private static async Task<(CoreHost Host, string M1, string M2)> StartAsync(string provider)
    {
        var host = await CoreHost.StartAsync(provider, new FakeTimeProvider(MaintenanceTestData.T0));
        await using var db = await host.DbAsync();
        var ids = await MaintenanceTestData.MachinesAsync(db, 2);
        var calendar = new ShiftCalendar
        {
            Name = $"Two shifts {Guid.NewGuid():N}"[..24], TimeZone = "Europe/Berlin", Version = 1,
            Shifts =
            [
                new CalendarShift { Name = "Early", Days = 0b0111110, StartMinute = 360, DurationMinutes = 480 },
                new CalendarShift { Name = "Late", Days = 0b0111110, StartMinute = 840, DurationMinutes = 480 },
            ],
        };
        db.ShiftCalendars.Add(calendar);
        await db.SaveChangesAsync();
        var machines = await db.Machines.Where(m => ids.Contains(m.Id)).OrderBy(m => m.Id).ToListAsync();
        machines.ForEach(m => m.CalendarId = calendar.Id);
        await db.SaveChangesAsync();
        return (host, machines[0].Code, machines[1].Code);
    }

    private static async Task<List<ProductionRecord>> StoredAsync(CoreHost host)
    {
        await using var db = await host.DbAsync();
        return await db.ProductionRecords.AsNoTracking().OrderBy(r => r.Date).ThenBy(r => r.MachineId).ThenBy(r => r.Shift).ToListAsync();
    }

    private static async Task<int> ImportAuditsAsync(CoreHost host)
    {
        await using var db = await host.DbAsync();
        return await db.AuditEntries.CountAsync(a => a.Action == "production.import");
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task ADryRun_WritesNothing_AndSaysWhatAnImportWouldDo(string provider)
    {
        var (host, m1, m2) = await StartAsync(provider);
        await using var _ = host;
        var csv = $"{Header}\n{m1},2026-11-30,Early,950,12,420,480\n{m2},2026-11-30,late,400,0,470,480\n";

        var report = await RunAsync(host, csv, dryRun: true);

        (report.DryRun, report.Readable, report.Stored, report.Rows, report.ValidRows, report.Inserted, report.Updated, report.Unchanged)
            .Should().Be((true, true, false, 2, 2, 2, 0, 0));
        report.Problems.Should().BeEmpty();
        (await StoredAsync(host)).Should().BeEmpty("a dry run writes nothing");
        (await ImportAuditsAsync(host)).Should().Be(0);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task TheSameFileTwice_ChangesNothing_AndAChangedRowUpdatesItsRecord(string provider)
    {
        var (host, m1, m2) = await StartAsync(provider);
        await using var _ = host;
        var csv = $"{Header}\n{m1},2026-11-30,Early,950,12,420,480\n{m1},2026-11-30,Late,800,8,400,480\n{m2},2026-11-30,early,400,0,470,480\n";

        var first = await RunAsync(host, csv);
        var stored = await StoredAsync(host);
        var second = await RunAsync(host, csv);

        (first.Stored, first.Inserted, first.Updated, first.Unchanged).Should().Be((true, 3, 0, 0));
        (second.Stored, second.Inserted, second.Updated, second.Unchanged).Should().Be((false, 0, 0, 3));
        (await StoredAsync(host)).Should().BeEquivalentTo(stored, "the same file twice changes nothing");
        stored.Select(r => r.Shift).Should().BeEquivalentTo(["Early", "Late", "Early"], "a shift is stored as its calendar spells it");
        stored.Should().OnlyContain(r => r.Source == ProductionSource.Import);
        stored.Single(r => r.Shift == "Late").Should().BeEquivalentTo(new { Good = 800, Scrap = 8, RunSeconds = 400 * 60, PlannedSeconds = 480 * 60 });

        var changed = await RunAsync(host, $"{Header}\n{m1},2026-11-30,Late,810,6,405,480\n");

        (changed.Inserted, changed.Updated, changed.Unchanged).Should().Be((0, 1, 0));
        var late = (await StoredAsync(host)).Single(r => r.Shift == "Late");
        (late.Id, late.Good, late.Scrap, late.RunSeconds).Should().Be((stored.Single(r => r.Shift == "Late").Id, 810, 6, 405 * 60));
        (await ImportAuditsAsync(host)).Should().Be(3, "every real run is audited, in its transaction");
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task ABadDate_AnUnknownMachine_AndNegativeCounts_AreReportedAtTheirLineAndColumn_AndNothingIsStoredWithoutTheChoice(string provider)
    {
        var (host, m1, m2) = await StartAsync(provider);
        await using var _ = host;
        var csv = $"{Header}\n{m1},2026-11-30,Early,950,12,420,480\n\n{m1},2026-13-01,Early,1,0,1,480\nPRESS-99,2026-11-30,Early,1,0,1,480\n{m2},2026-11-30,Late,-5,0,1,480\n{m2},2026-11-29,Late,1.5,0,1,480\n";

        var report = await RunAsync(host, csv);

        report.Problems.Select(p => (p.Line, p.Column, p.Value)).Should().Equal(
            (4, "date", "2026-13-01"), (5, "machine", "PRESS-99"), (6, "good", "-5"), (7, "good", "1.5"));
        report.Problems[0].Message.Should().Contain("YYYY-MM-DD");
        report.Problems[1].Message.Should().Contain("not a known machine");
        report.Problems[2].Message.Should().Contain("may not be negative");
        report.Problems[3].Message.Should().Contain("whole number");
        (report.RefusedForBadRows, report.Stored, report.Rows, report.ValidRows, report.InvalidRows).Should().Be((true, false, 5, 1, 4));
        (await StoredAsync(host)).Should().BeEmpty("one bad row stores nothing unless the valid rows were chosen");

        var valid = await RunAsync(host, csv, validRowsOnly: true);

        (valid.Stored, valid.Inserted, valid.InvalidRows).Should().Be((true, 1, 4));
        (await StoredAsync(host)).Should().ContainSingle().Which.Should().BeEquivalentTo(new { Date = new DateOnly(2026, 11, 30), Shift = "Early", Good = 950 });
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task AnImport_ReplacesAMachinesLiveCounts_ForTheSameMachineDateAndShift(string provider)
    {
        var (host, m1, _) = await StartAsync(provider);
        await using var _h = host;
        await using (var db = await host.DbAsync())
        {
            var machine = await db.Machines.SingleAsync(m => m.Code == m1);
            db.ProductionRecords.Add(new ProductionRecord
            {
                MachineId = machine.Id, Date = new DateOnly(2026, 11, 30), Shift = "Early", Good = 950, Scrap = 12, RunSeconds = 420 * 60, PlannedSeconds = 480 * 60,
                Source = ProductionSource.Telemetry, UpdatedAt = MaintenanceTestData.T0.UtcDateTime,
            });
            await db.SaveChangesAsync();
        }

        var report = await RunAsync(host, $"{Header}\n{m1},2026-11-30,Early,950,12,420,480\n");

        (report.Inserted, report.Updated, report.ReplacedTelemetry, report.Unchanged).Should().Be((0, 1, 1, 0));
        (await StoredAsync(host)).Should().ContainSingle().Which.Source.Should().Be(ProductionSource.Import);
    }

    [Fact]
    public async Task TheHeader_IsReadInAnyOrderAndCase_AndUnknownOrMissingColumnsRefuseTheFile()
    {
        var (host, m1, _) = await StartAsync("Sqlite");
        await using var _h = host;

        var shuffled = await RunAsync(host, $"\uFEFFShift,MACHINE,date,Good,scrap,Planned_Minutes,run_minutes\r\nEarly,{m1},2026-11-30,10,1,480,400\r\n", dryRun: true);
        var wrong = await RunAsync(host, "machine,date,shift,good,scarp,run_minutes,planned_minutes\nM,2026-11-30,Early,1,1,1,1\n");
        var empty = await RunAsync(host, "");
        var headerOnly = await RunAsync(host, Header + "\n");

        (shuffled.Readable, shuffled.Inserted).Should().Be((true, 1));
        wrong.Readable.Should().BeFalse();
        wrong.Problems.Select(p => (p.Line, p.Column, p.Value)).Should().Equal((1, "header", "scarp"), (1, "header", null));
        wrong.Problems[1].Message.Should().Contain("no 'scrap' column");
        empty.Problems.Should().ContainSingle().Which.Message.Should().Contain("empty");
        headerOnly.Problems.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Line = 2, Column = "file" });
        (await StoredAsync(host)).Should().BeEmpty();
    }

    [Fact]
    public async Task AKeyTwiceInAFile_AShiftNotInTheCalendar_AndRunLongerThanPlanned_AreRowProblems()
    {
        var (host, m1, _) = await StartAsync("Sqlite");
        await using var _h = host;
        var csv = $"{Header}\n{m1},2026-11-30,Early,1,0,10,480\n{m1},2026-11-30,Night,1,0,10,480\n{m1},2026-11-30,early,2,0,10,480\n{m1},2026-11-29,Late,1,0,500,480\n{m1},2026-11-28,Late,1,0,10,600\n";

        var report = await RunAsync(host, csv, validRowsOnly: true);

        report.Problems.Select(p => (p.Line, p.Column)).Should().Equal((2, "shift"), (3, "shift"), (4, "shift"), (5, "run_minutes"), (6, "planned_minutes"));
        report.Problems[0].Message.Should().Contain("also on line 4");
        report.Problems[1].Message.Should().Contain("not a shift of").And.Contain("Early or Late");
        report.Problems[3].Message.Should().Contain("more than planned_minutes");
        report.Problems[4].Message.Should().Contain("longer than shift Late (480 minutes)");
        (report.ValidRows, report.Inserted).Should().Be((0, 0));
        (await StoredAsync(host)).Should().BeEmpty("both rows of a repeated key are left out: neither is known to be the right one");
    }
}
