using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Etl;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Etl;

/// <summary>Records written through each provider's bulk path read back through EF exactly as they went in.</summary>
public sealed class EtlRecordWriterTests
{
    public static TheoryData<string> Providers => new("Sqlite", "PostgreSql");

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Replace_WritesRecordsEfReadsBackUnchanged_AndReplacesTheJobsEarlierSet(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var database = TestDatabases.For(provider);
        var job = Guid.NewGuid();
        var other = Guid.NewGuid();
        await using (var db = OpsDatabase.Create(database))
        {
            await db.Database.MigrateAsync(ct);
            db.Branches.Add(new Branch { Id = "B001", Name = "One" });
            db.EtlJobs.AddRange(Job(job, 1), Job(other, 2));
            await db.SaveChangesAsync(ct);
        }
        var written = new List<EtlRecord>
        {
            Record(job, 1, new DateTime(2026, 11, 20, 8, 15, 2, DateTimeKind.Utc), "FRUIT, VEG", "card", 2m, 3.5m),
            Record(job, 2, new DateTime(2026, 11, 20, 23, 59, 59, DateTimeKind.Utc).AddTicks(1_234_500), null, null, 0.125m, -12.75m),
            Record(job, 3, new DateTime(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc), "Ünïcode — ‘quoted’", "cash", 1000000m, 0m),
        };
        await StoreAsync(database, job, [Record(job, 9, new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc), "old", "old", 1m, 1m)], ct);
        await StoreAsync(database, other, [Record(other, 1, new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc), "other", "cash", 1m, 1m)], ct);
        (await StoreAsync(database, job, written, ct)).Should().Be(3);

        await using (var db = OpsDatabase.Create(database))
        {
            var read = await db.EtlRecords.AsNoTracking().Where(r => r.JobId == job).OrderBy(r => r.SourceLine).ToListAsync(ct);
            read.Should().BeEquivalentTo(written, o => o.Excluding(r => r.Id).WithStrictOrdering());
            read.Select(r => r.SoldAt.Kind).Should().OnlyContain(k => k == DateTimeKind.Utc);
            (await db.EtlRecords.CountAsync(r => r.JobId == other, ct)).Should().Be(1, "another job's records are left alone");
        }
    }

    [Fact]
    public async Task ARecordOfAnotherJob_IsRefused_AndNothingIsStored()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = TestDatabases.NewSqlite();
        var job = Guid.NewGuid();
        await using (var db = OpsDatabase.Create(database))
        {
            await db.Database.MigrateAsync(ct);
            db.Branches.Add(new Branch { Id = "B001", Name = "One" });
            db.EtlJobs.Add(Job(job, 1));
            await db.SaveChangesAsync(ct);
        }
        var store = () => StoreAsync(database, job, [Record(job, 1, DateTime.UtcNow, null, null, 1m, 1m), Record(Guid.NewGuid(), 2, DateTime.UtcNow, null, null, 1m, 1m)], ct);
        await store.Should().ThrowAsync<ArgumentException>();
        await using (var db = OpsDatabase.Create(database))
        {
            (await db.EtlRecords.CountAsync(ct)).Should().Be(0);
        }
    }

    private static async Task<int> StoreAsync(DatabaseOptions database, Guid job, IEnumerable<EtlRecord> records, CancellationToken ct)
    {
        await using var db = OpsDatabase.Create(database);
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var count = await EtlRecordWriter.ReplaceAsync(db, job, records, ct);
            await tx.CommitAsync(ct);
            return count;
        });
    }

    private static EtlJob Job(Guid id, int pos) => new()
    {
        Id = id, BranchId = "B001", Pos = pos, WorkDate = new DateOnly(2026, 11, 20), CreatedBy = "test",
        CreatedAt = DateTime.UtcNow, QueuedAt = DateTime.UtcNow,
    };

    private static EtlRecord Record(Guid job, int line, DateTime soldAt, string? department, string? payment, decimal quantity, decimal amount) => new()
    {
        JobId = job, BranchId = "B001", Pos = 1, WorkDate = new DateOnly(2026, 11, 20), SoldAt = soldAt, Tnsc = $"T1-{line:D5}",
        ItemCode = $"ITM-{line:D5}", Department = department, Quantity = quantity, Amount = amount, PaymentMethod = payment,
        FileType = "rd5000", SourceLine = line,
    };
}
