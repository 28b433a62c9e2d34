using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using OpsConsole.Core.Shared.Auditing;
using OpsConsole.Core.Shared.Identity;
using OpsConsole.Core.Shared.Scheduling;

namespace OpsConsole.Core.Shared.Data;

/// <summary>
/// The one model of OpsConsole. Each database provider has a derived context (Sqlite/PostgreSql/SqlServer) that
/// owns its migrations; code always asks for this base type. It also keeps the Data Protection key ring, so that
/// cookies and API tokens survive restarts and are valid on every instance. Modules add their tables from their own
/// folders: entity configurations found by <c>ApplyConfigurationsFromAssembly</c>, and their sets as extension
/// properties in <c>&lt;M&gt;Data.cs</c>.
/// </summary>
public abstract class OpsDbContext(DbContextOptions options) : IdentityDbContext<OpsUser>(options), IDataProtectionKeyContext
{
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<JobSchedule> JobSchedules => Set<JobSchedule>();
    public DbSet<JobRunRecord> JobRuns => Set<JobRunRecord>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public abstract DatabaseProvider Provider { get; }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(OpsDbContext).Assembly);
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // Every DateTime is UTC; SQLite hands them back as Unspecified, so say so on the way in and out.
        builder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
    SqlServer,
}

public sealed class SqliteOpsDbContext(DbContextOptions<SqliteOpsDbContext> options) : OpsDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgreSqlOpsDbContext(DbContextOptions<PostgreSqlOpsDbContext> options) : OpsDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}

public sealed class SqlServerOpsDbContext(DbContextOptions<SqlServerOpsDbContext> options) : OpsDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;
}
