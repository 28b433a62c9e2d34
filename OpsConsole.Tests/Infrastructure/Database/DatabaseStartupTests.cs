using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OpsConsole.Core.Shared.Data;
using OpsConsole.Tests.TestSupport;

namespace OpsConsole.Tests.Infrastructure.Database;

/// <summary>A database that cannot be used at start: the console stays up, says why once, and is not ready.</summary>
public sealed class DatabaseStartupTests
{
    [Fact]
    public async Task ReadOnlyDatabaseFile_MakesReadyFail_WithAClearMessage()
    {
        var folder = TestDatabases.NewTempFolder();
        var file = Path.Combine(folder, "ro.db");
        await using (var connection = new SqliteConnection($"Data Source={file}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE placeholder (id INTEGER);";
            await command.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();
        var database = new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file};Mode=ReadOnly" };

        await using var app = new OpsAppFactory(database);
        using var client = app.CreateClient();
        (await client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        var ready = await client.GetAsync("/health/ready");
        ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("checks").GetProperty("database").GetProperty("description").GetString().Should()
            .StartWith("Database unavailable (Sqlite").And.Contain("readonly");
    }

    [Fact]
    public async Task DatabaseFolderThatCannotBeCreated_MakesReadyFail_WithAClearMessage()
    {
        var blocker = Path.Combine(TestDatabases.NewTempFolder(), "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder");
        var database = new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(blocker, "sub", "ops.db")}" };

        await using var app = new OpsAppFactory(database);
        using var client = app.CreateClient();
        var ready = await client.GetAsync("/health/ready");
        ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await ready.Content.ReadAsStringAsync()).Should().Contain("Database unavailable");
    }

    [Fact]
    public async Task MissingDatabaseFolder_IsCreated()
    {
        var folder = Path.Combine(TestDatabases.NewTempFolder(), "data", "nested");
        var database = new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(folder, "ops.db")}" };
        await using var app = new OpsAppFactory(database);
        using var client = app.CreateClient();
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
        File.Exists(Path.Combine(folder, "ops.db")).Should().BeTrue();
    }
}
