using System.Data.Common;
using System.Globalization;

namespace OpsConsole.Core.Shared.Data;

/// <summary>What the plain ADO.NET paths (audit batches, the missing-data grid, the export) need of each provider's dialect.</summary>
public static class RawSql
{
    /// <summary>A table or column name, quoted for the provider.</summary>
    public static string Quote(DatabaseProvider provider, string name) => provider == DatabaseProvider.SqlServer ? $"[{name}]" : $"\"{name}\"";

    /// <summary>A date as the provider stores it: SQLite's text, SQL Server's date-time, PostgreSQL's date.</summary>
    public static object Date(DatabaseProvider provider, DateOnly day) => provider switch
    {
        DatabaseProvider.Sqlite => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DatabaseProvider.SqlServer => day.ToDateTime(TimeOnly.MinValue),
        _ => day,
    };

    public static DbParameter AddParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
