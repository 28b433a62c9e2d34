using Npgsql;
using OpsConsole.Core.Shared.Data;

namespace OpsConsole.Tests.TestSupport;

/// <summary>
/// A fresh database per test class: a SQLite file in a temp folder, or a new database on the PostgreSQL server
/// that test.sh starts (OPSCONSOLE_TEST_POSTGRES). Without that variable the PostgreSQL tests are skipped, unless
/// OPSCONSOLE_REQUIRE_POSTGRES=1 (test.sh sets it), where they fail instead.
/// </summary>
public static class TestDatabases
{
    public const string PostgresVariable = "OPSCONSOLE_TEST_POSTGRES";
    public const string SqlServerVariable = "OPSCONSOLE_TEST_SQLSERVER";

    public static DatabaseOptions NewSqlite(string? folder = null)
    {
        folder ??= NewTempFolder();
        return new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(folder, "ops.db")}" };
    }

    public static string NewTempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "opsconsole-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static DatabaseOptions NewPostgres()
    {
        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrEmpty(server))
        {
            if (Environment.GetEnvironmentVariable("OPSCONSOLE_REQUIRE_POSTGRES") == "1")
            {
                throw new InvalidOperationException($"{PostgresVariable} is not set; run the tests through ./test.sh, which starts PostgreSQL.");
            }
            Assert.Skip($"{PostgresVariable} is not set (./test.sh starts a PostgreSQL server and sets it).");
        }
        var name = "ops_" + Guid.NewGuid().ToString("N")[..16];
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = $"CREATE DATABASE {name}";
            create.ExecuteNonQuery();
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = builder.ConnectionString };
    }

    public static DatabaseOptions SqlServerOrSkip()
    {
        var server = Environment.GetEnvironmentVariable(SqlServerVariable);
        if (string.IsNullOrEmpty(server))
        {
            Assert.Skip($"{SqlServerVariable} is not set; no SQL Server runs on this machine.");
        }
        return new DatabaseOptions { Provider = DatabaseProvider.SqlServer, ConnectionString = server };
    }

    public static DatabaseOptions For(string provider) => provider switch
    {
        "Sqlite" => NewSqlite(),
        "PostgreSql" => NewPostgres(),
        "SqlServer" => SqlServerOrSkip(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };
}
