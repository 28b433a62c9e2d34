using Microsoft.EntityFrameworkCore;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Core.Shared.Data;

/// <summary>The migrations apply on a real database of each provider and the model round-trips there.</summary>
public sealed class DatabaseProviderTests
{
    public static TheoryData<string> Providers => new("Sqlite", "PostgreSql", "SqlServer");

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migrations_Apply_AndAuditEntriesRoundTripInUtc(string provider)
    {
        var options = TestDatabases.For(provider);
        await using (var db = OpsDatabase.Create(options))
        {
            await db.Database.MigrateAsync();
            (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
            var at = new DateTimeOffset(2026, 11, 23, 8, 30, 15, TimeSpan.Zero);
            db.Audit(new Actor("tester", []), at, OpsModules.Shared, "test.write", "Thing", "42", new { Value = 1 }, new { Value = 2 });
            await db.SaveChangesAsync();
        }
        await using (var db = OpsDatabase.Create(options))
        {
            var entry = await db.AuditEntries.SingleAsync();
            entry.OccurredAt.Should().Be(new DateTime(2026, 11, 23, 8, 30, 15, DateTimeKind.Utc));
            entry.OccurredAt.Kind.Should().Be(DateTimeKind.Utc);
            entry.Before.Should().Be("{\"value\":1}");
            (await db.AuditEntries.Where(e => e.OccurredAt > new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc)).CountAsync()).Should().Be(1);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AConsoleOnEachProvider_StartsReady_WithTheDemoUsers(string provider)
    {
        var options = TestDatabases.For(provider);
        await using var app = new OpsAppFactory(options);
        using var client = app.CreateClient();
        var ready = await client.GetAsync("/health/ready");
        ready.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, await ready.Content.ReadAsStringAsync());
        using var admin = await app.ClientAsAsync("admin");
        (await admin.GetAsync("/api/users")).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
    }
}
