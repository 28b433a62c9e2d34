namespace OpsConsole.Core.Shared.Data;

/// <summary>`Database:Provider` and `ConnectionStrings:OpsConsole`.</summary>
public sealed class DatabaseOptions
{
    public const string DefaultSqliteConnection = "Data Source=data/opsconsole.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    public string ConnectionString { get; set; } = DefaultSqliteConnection;

    public static DatabaseProvider ParseProvider(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sqlite" => DatabaseProvider.Sqlite,
        "postgresql" or "postgres" or "npgsql" => DatabaseProvider.PostgreSql,
        "sqlserver" or "mssql" => DatabaseProvider.SqlServer,
        _ => throw new InvalidOperationException(
            $"Database:Provider '{value}' is not known. Use Sqlite, PostgreSQL or SqlServer."),
    };
}
