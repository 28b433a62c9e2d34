using Microsoft.EntityFrameworkCore.Design;

namespace OpsConsole.Core.Shared.Data;

// Used only by `dotnet ef migrations add`; the connection strings are never opened.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteOpsDbContext>
{
    public SqliteOpsDbContext CreateDbContext(string[] args) =>
        (SqliteOpsDbContext)OpsDatabase.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = "Data Source=design.db" });
}

internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlOpsDbContext>
{
    public PostgreSqlOpsDbContext CreateDbContext(string[] args) =>
        (PostgreSqlOpsDbContext)OpsDatabase.Create(new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = "Host=localhost;Database=design" });
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerOpsDbContext>
{
    public SqlServerOpsDbContext CreateDbContext(string[] args) =>
        (SqlServerOpsDbContext)OpsDatabase.Create(new DatabaseOptions { Provider = DatabaseProvider.SqlServer, ConnectionString = "Server=localhost;Database=design;TrustServerCertificate=true" });
}
